"""The register is generated from the declarations: every declared personal field
lands in the sheet of each of its purposes, under its category, with its
model's retention rule; a field added to a model appears there; an
organisation's own retention shows; its settings choose the sheets."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.records.services import retention_override_set
from comptoir.privacy.register import selectors, services
from comptoir.privacy.registry import registry
from tests.privacy.models import APP_LABEL

fr = Faker("fr_FR")


def _sheet(register, purpose: Purpose):
    sheet = register.sheet(purpose.code)
    assert sheet is not None, f"no sheet for {purpose.code}"
    return sheet


def _category(sheet, category: Category):
    return next((c for c in sheet.categories if c.code == category.value), None)


def test_each_declared_field_is_in_the_sheet_of_each_purpose(world):
    register = selectors.register_build(organisation=world.org_a)
    assert {s.code for s in register.sheets} == {p.code for p in registry.by_purpose()}
    fields = registry.personal_fields()
    assert len(fields) > 50
    for personal in fields:
        for purpose in personal.purposes:
            category = _category(_sheet(register, purpose), personal.category)
            assert category is not None, (personal.label, purpose.code)
            assert personal.label in {f.label for f in category.fields}, personal.label
            if personal.retention is not None:
                rules = {r.code: r for r in category.retention}
                assert personal.retention.code in rules, personal.label
                assert rules[personal.retention.code].duration == selectors.duration_label(
                    personal.retention.duration
                )
        # and never in a sheet of a purpose it does not serve
        for sheet in register.sheets:
            if sheet.code not in {p.code for p in personal.purposes}:
                labels = {f.label for c in sheet.categories for f in c.fields}
                assert personal.label not in labels, (personal.label, sheet.code)


def test_a_sheet_has_every_section_of_the_cnil_template(world):
    register = selectors.register_build(organisation=world.org_a)
    sheet = _sheet(register, Purpose.CONTRACT_MANAGEMENT)
    assert register.controller == world.org_a.legal_name
    assert register.dpo_name == world.org_a.privacy_contact_name
    assert register.dpo_email == world.org_a.privacy_contact_email
    assert register.software.startswith("Comptoir ")
    assert register.created_at <= register.updated_at
    assert sheet.legal_bases == ("Performance of a contract (art. 6(1)(b))",)
    assert "Individual clients, prospects and suppliers" in sheet.people
    assert "Users (the organisation's staff)" in sheet.people
    assert sheet.sensitive_data is False and "art. 9" in sheet.sensitive_warning
    contacts = _category(sheet, Category.IDENTITY)
    assert "parties.ContactPerson.email" in {f.label for f in contacts.fields}
    assert [m.heading for m in sheet.measures] == [
        "access_control",
        "traceability",
        "software_protection",
        "backup",
        "encryption",
        "subprocessor_control",
        "other",
    ]
    encryption = next(m for m in sheet.measures if m.heading == "encryption")
    assert any("AES-256-GCM" in line for line in encryption.built_in)
    accounting = _sheet(register, Purpose.ACCOUNTING)
    rules = {r.code: r for r in accounting.retention}
    assert rules["accounting"].duration == "10 year(s)"
    assert rules["accounting"].legal_hold


def test_people_are_derived_from_the_models_that_hold_the_fields(world):
    from comptoir.parties.models import ContactPerson, Interaction, Party
    from comptoir.sales.models import Quote
    from comptoir.tenancy.models import Membership

    def people(model):
        return selectors.people_of(registry.for_model(model))

    assert people(Party) == ["Individual clients, prospects and suppliers"]
    assert people(Quote) == people(Party)  # party__data_subject: the party's people
    assert people(ContactPerson) == ["Contact persons"]  # rows that are the people
    assert people(Membership) == ["Users (the organisation's staff)"]
    # an interaction's key is a contact person's or an individual's
    assert {"Contact persons", "Individual clients, prospects and suppliers"} <= set(
        people(Interaction)
    )


class LoyaltyCard(models.Model):  # noqa: DJ008
    """Built for the test below only: a field the register has never seen."""

    card_number = models.CharField(max_length=20)

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        subject = "self"
        retention = retention.CLIENT_PROSPECTION
        fields = {
            "card_number": Personal(Category.ECONOMIC, [Purpose.REVIEWS], OnErasure.DELETE),
        }
        not_personal: list[str] = []


@pytest.fixture
def loyalty_card_registered():
    registry.register(LoyaltyCard)
    yield LoyaltyCard
    registry._models.pop(LoyaltyCard, None)


def _labels(sheet, category):
    found = _category(sheet, category)
    return set() if found is None else {f.label for f in found.fields}


def test_a_field_added_to_a_model_appears_in_its_sheet_with_its_retention(world, request):
    label = f"{APP_LABEL}.LoyaltyCard.card_number"
    before = selectors.register_build(organisation=world.org_a).sheet(Purpose.REVIEWS.code)
    # (no field of the code serves reviews yet: the sheet itself appears with the field)
    assert before is None or label not in _labels(before, Category.ECONOMIC)

    request.getfixturevalue("loyalty_card_registered")
    after = selectors.register_build(organisation=world.org_a)
    reviews = _sheet(after, Purpose.REVIEWS)
    economic = _category(reviews, Category.ECONOMIC)
    assert label in {f.label for f in economic.fields}
    rule = next(r for r in economic.retention if r.code == "client_prospection")
    assert rule.duration == "3 year(s)"
    assert rule.start == "the end of the commercial relationship"
    assert "Loyalty cards" in reviews.people
    # in no other sheet
    for sheet in after.sheets:
        if sheet.code != Purpose.REVIEWS.code:
            assert label not in _labels(sheet, Category.ECONOMIC)


def test_the_organisations_own_retention_changes_the_register(world):
    default = selectors.register_build(organisation=world.org_a)
    prospection = _sheet(default, Purpose.PROSPECTION_CONSENT)
    rule = next(r for r in prospection.retention if r.code == "prospect")
    assert (rule.duration, rule.overridden) == ("3 year(s)", False)

    retention_override_set(
        actor=Actor.user(world.member("owner").pk),
        organisation=world.org_a,
        rule_code="prospect",
        months=24,
    )
    changed = selectors.register_build(organisation=world.org_a)
    rule = next(
        r for r in _sheet(changed, Purpose.PROSPECTION_CONSENT).retention if r.code == "prospect"
    )
    assert (rule.duration, rule.default_duration, rule.overridden) == (
        "2 year(s)",
        "3 year(s)",
        True,
    )
    # organisation B keeps the default
    other = selectors.register_build(organisation=world.org_b)
    rule_b = next(
        r for r in _sheet(other, Purpose.PROSPECTION_CONSENT).retention if r.code == "prospect"
    )
    assert rule_b.duration == "3 year(s)" and not rule_b.overridden


def test_purposes_in_use_choose_the_sheets(world):
    actor = Actor.user(world.member("owner").pk)
    services.register_settings_update(
        actor=actor,
        organisation=world.org_a,
        purposes=[Purpose.ACCOUNTING.code, Purpose.SECURITY.code],
    )
    register = selectors.register_build(organisation=world.org_a)
    assert [s.code for s in register.sheets] == ["accounting", "security"]
    # organisation B is not affected
    assert len(selectors.register_build(organisation=world.org_b).sheets) > 2
    # none chosen: every purpose again
    services.register_settings_update(actor=actor, organisation=world.org_a, purposes=[])
    assert len(selectors.register_build(organisation=world.org_a).sheets) == len(
        selectors.purposes_used()
    )


@pytest.mark.parametrize("purposes", [["nope"], ["accounting", "accounting"], "accounting", [1]])
def test_bad_purposes_are_refused_and_nothing_changes(world, purposes):
    actor = Actor.user(world.member("owner").pk)
    with pytest.raises(ValidationError) as caught:
        services.register_settings_update(actor=actor, organisation=world.org_a, purposes=purposes)
    assert "purposes" in caught.value.message_dict
    assert selectors.register_settings_of(organisation=world.org_a).purposes is None


def test_recipients_processors_and_transfers_land_in_their_sheets(world):
    actor = Actor.user(world.member("owner").pk)
    org = world.org_a
    services.recipient_create(
        actor=actor,
        organisation=org,
        kind="internal",
        name="Accounting department",
        purposes=["accounting"],
    )
    services.recipient_create(
        actor=actor, organisation=org, kind="external", name="Statutory auditor"
    )
    services.processor_create(
        actor=actor,
        organisation=org,
        name="Mailer Inc.",
        service="Email delivery",
        country="us",
        safeguard="scc",
        safeguard_details="SCC 2021/914, module 3",
        contact="privacy@mailer.example",
    )
    services.processor_create(
        actor=actor,
        organisation=org,
        name="Hébergeur SAS",
        service="Hosting",
        country="FR",
        purposes=["contract_management"],
    )
    register = selectors.register_build(organisation=org)
    accounting = _sheet(register, Purpose.ACCOUNTING)
    assert [n for n, _d in accounting.internal_recipients] == ["Accounting department"]
    assert [n for n, _d in accounting.external_recipients] == ["Statutory auditor"]
    assert [p.name for p in accounting.processors] == ["Mailer Inc."]
    assert [(t.name, t.country, t.safeguard) for t in accounting.transfers] == [
        ("Mailer Inc.", "US", "Standard contractual clauses (art. 46)")
    ]
    contract = _sheet(register, Purpose.CONTRACT_MANAGEMENT)
    assert contract.internal_recipients == ()
    assert {p.name for p in contract.processors} == {"Mailer Inc.", "Hébergeur SAS"}
    assert [t.name for t in contract.transfers] == ["Mailer Inc."]
    assert [p.name for p in selectors.processors_of(organisation=org)] == [
        "Hébergeur SAS",
        "Mailer Inc.",
    ]
    assert not selectors.processors_of(organisation=world.org_b).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"country": "ZZ"}, "country"),
        ({"country": "US"}, "safeguard"),  # outside the EEA with no safeguard
        ({"country": "FR", "safeguard": "nope"}, "safeguard"),
        ({"country": "FR", "purposes": ["nope"]}, "purposes"),
        ({"country": "FR", "name": ""}, "name"),
    ],
)
def test_bad_processors_are_refused(world, values, field):
    actor = Actor.user(world.member("owner").pk)
    data = {"name": "Processor", "service": "Hosting", **values}
    with pytest.raises(ValidationError) as caught:
        services.processor_create(actor=actor, organisation=world.org_a, **data)
    assert field in caught.value.message_dict
    assert not selectors.processors_of(organisation=world.org_a).exists()


def test_the_processor_register_lists_every_organisation_served(world):
    actor = Actor.user(world.owner_b.pk)
    services.processor_create(
        actor=actor,
        organisation=world.org_b,
        name="Cloud Corp",
        service="Hosting",
        country="US",
        safeguard="adequacy",
    )
    register = selectors.processor_register_build()
    by_org = {c.organisation_id: c for c in register.controllers}
    assert {world.org_a.pk, world.org_b.pk} <= set(by_org)
    b = by_org[world.org_b.pk]
    assert b.controller == world.org_b.legal_name
    assert b.dpo_email == world.org_b.privacy_contact_email
    assert str(Purpose.ACCOUNTING.label) in b.processing
    assert [t.name for t in b.transfers] == ["Cloud Corp"]
    assert by_org[world.org_a.pk].transfers == ()
    assert [m.heading for m in register.measures][0] == "access_control"


def test_the_register_speaks_french(world):
    from django.utils import translation

    with translation.override("fr"):
        register = selectors.register_build(organisation=world.org_a)
    accounting = _sheet(register, Purpose.ACCOUNTING)
    rule = next(r for r in accounting.retention if r.code == "accounting")
    assert rule.duration == "10 an(s)"
    assert rule.start == "la clôture de l'exercice"
    assert accounting.legal_bases == ("Obligation légale (art. 6(1)(c))",)
