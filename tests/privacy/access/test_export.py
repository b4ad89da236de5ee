"""The access export holds every row about the person, and nobody else's."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import translation
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.parties import services
from comptoir.parties.models import Interaction, PartyKind
from comptoir.privacy.access import access_export
from comptoir.privacy.access.collect import plans
from comptoir.privacy.people import people_matching
from comptoir.privacy.services import subject_shred

pytestmark = pytest.mark.django_db
fake = Faker("fr_FR")


def _open(export) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(export.content))


def _json(archive, label) -> list[dict]:
    return json.loads(archive.read(f"data/{label}.json"))


def _cells(archive) -> set:
    """Every value of every data file (exact values: a random name may be part of another)."""
    return {
        value
        for label in _labels(archive)
        for row in _json(archive, label)
        for value in row.values()
    }


def _everything(archive) -> str:
    return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def _export(world, actor, *subjects, **kwargs):
    with translation.override("en"):
        return access_export(
            organisation=subjects[0].organisation, subjects=list(subjects), actor=actor, **kwargs
        )


def test_an_individual_client_gets_their_rows_and_invoices_and_nobody_elses(
    world, actor, make_individual, issue_invoice
):
    note = fake.sentence()
    person = make_individual()
    services.interaction_record(
        actor=actor, party=person, kind="call", direction="inbound", note=note
    )
    invoice = issue_invoice(person, notes=fake.sentence())
    neighbour = make_individual()
    services.interaction_record(
        actor=actor, party=neighbour, kind="call", direction="inbound", note=fake.sentence()
    )
    issue_invoice(neighbour)
    # The same address in the other organisation: another controller's person.
    elsewhere = make_individual(world.org_b, email=person.email)
    services.interaction_record(
        actor=actor, party=elsewhere, kind="call", direction="inbound", note=fake.sentence()
    )

    export = _export(world, actor, person.data_subject)

    archive = _open(export)
    parties = _json(archive, "parties.party")
    assert [(row["ID"], row["Email"], row["Family name"]) for row in parties] == [
        (person.pk, person.email, person.family_name)
    ]
    assert [row["Note"] for row in _json(archive, "parties.interaction")] == [note]
    invoices = _json(archive, "invoicing.invoice")
    assert [(row["Number"], row["Total incl. VAT"], row["Date"]) for row in invoices] == [
        (invoice.number, str(invoice.total_incl_vat), invoice.issue_date.isoformat())
    ]
    assert invoices[0]["Notes"] == invoice.notes
    lines = _json(archive, "invoicing.invoiceline")
    assert sorted(row["Name"] for row in lines) == sorted(x.name for x in invoice.lines.all())
    assert {row["Invoice"] for row in lines} == {invoice.pk}
    issued = _json(archive, "invoicing.issueddocument")
    assert [row["Number"] for row in issued] == [invoice.number]
    # The invoice as printed (read as JSON: its text escapes accented letters).
    printed = json.dumps(json.loads(issued[0]["Document as issued"]), ensure_ascii=False)
    assert person.family_name in printed
    cells = _cells(archive)
    for foreign in (neighbour, elsewhere):
        assert foreign.pk not in {row["ID"] for row in parties}
        assert foreign.family_name not in cells or foreign.family_name == person.family_name
    assert neighbour.email not in cells
    others = Interaction._base_manager.exclude(data_subject=person.data_subject)
    assert not {i.note for i in others} & cells
    assert export.rows == sum(len(_json(archive, k)) for k in _labels(archive))
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(person.data_subject.uuid)
    ).exists()


def _labels(archive) -> list[str]:
    return [n[5:-5] for n in archive.namelist() if n.startswith("data/") and n.endswith(".json")]


def test_two_contact_persons_of_one_company_are_told_apart(world, actor):
    company = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.COMPANY, company_name=fake.company()
    )
    one, two = (
        services.contact_person_create(
            actor=actor,
            party=company,
            family_name=fake.last_name(),
            email=fake.email(),
            job_title=fake.job()[:100],
        )
        for _ in range(2)
    )
    for contact in (one, two):
        services.interaction_record(
            actor=actor,
            party=company,
            contact_person=contact,
            kind="meeting",
            direction="outbound",
            note=fake.sentence(),
        )

    archive = _open(_export(world, actor, one.data_subject))

    contacts = _json(archive, "parties.contactperson")
    assert [(row["ID"], row["Email"]) for row in contacts] == [(one.pk, one.email)]
    notes = [row["Note"] for row in _json(archive, "parties.interaction")]
    assert notes == [i.note for i in Interaction.objects.of(world.org_a).filter(contact_person=one)]
    cells = _cells(archive)
    assert two.email not in cells
    assert two.family_name not in cells or two.family_name == one.family_name
    assert "parties.party.json" not in " ".join(archive.namelist())  # the company is no person


def test_csv_files_mirror_the_json_with_readable_headers(world, actor, make_individual):
    person = make_individual(phone="+33612345678")
    archive = _open(_export(world, actor, person.data_subject))
    rows = list(
        csv.DictReader(io.StringIO(archive.read("data/parties.party.csv").decode("utf-8-sig")))
    )
    assert [(r["Email"], r["Phone"]) for r in rows] == [(person.email, "+33612345678")]
    assert "email_index" not in rows[0] and "Row uuid" not in rows[0]
    assert not any("uuid" in h.lower() or "index" in h.lower() for h in rows[0])


def test_column_names_are_translated(world, actor, make_individual):
    person = make_individual()
    with translation.override("fr"):
        export = access_export(
            organisation=world.org_a, subjects=[person.data_subject], actor=actor
        )
    row = _json(_open(export), "parties.party")[0]
    assert row["Nom de famille"] == person.family_name


def test_the_summary_tells_purposes_recipients_retention_source_and_rights(
    world, actor, make_individual, issue_invoice
):
    person = make_individual(origin="website_form")
    issue_invoice(person)
    archive = _open(_export(world, actor, person.data_subject))

    summary = json.loads(archive.read("summary.json"))
    kinds = {k["file"]: k for k in summary["kinds"]}
    party = kinds["parties.party"]
    assert "contract_management" in [p["code"] for p in party["purposes"]]
    assert {b["code"] for p in party["purposes"] for b in p["legal_bases"]} >= {"contract"}
    assert party["retention"]["code"] == "prospect"
    assert party["retention"]["duration_months"] == 36
    assert party["retention"]["start_event"] == "collection_or_last_inbound_contact"
    assert party["recipients"]
    assert party["sources"] == ["Website form"]
    invoice = kinds["invoicing.invoice"]
    assert invoice["retention"]["code"] == "accounting"
    assert invoice["retention"]["legal_hold"] is True
    assert invoice["retention"]["start_event"] == "financial_year_close"
    assert [r["article"] for r in summary["rights"]][:2] == ["15", "16"]
    assert "CNIL" in summary["complaint"]["name"]
    html = archive.read("summary.html").decode()
    assert "Website form" in html and "CNIL" in html and party["retention"]["text"] in html


def test_without_a_declared_source_the_organisation_collected_it(world, actor, make_individual):
    person = make_individual(organisation=world.org_b)
    archive = _open(_export(world, actor, person.data_subject))
    summary = json.loads(archive.read("summary.json"))
    assert summary["source"]["declared"] == []
    assert "collected by the organisation" in summary["source"]["text"]
    assert "APD" in summary["complaint"]["name"]


def test_a_declared_field_of_a_new_model_is_exported(world, actor, make_individual, gift_declared):
    person = make_individual()
    wish = fake.sentence()
    gift_declared(
        organisation=world.org_a, data_subject=person.data_subject, wish=wish, wrapping="red"
    ).save()
    gift_declared(
        organisation=world.org_a, data_subject=make_individual().data_subject, wish="not theirs"
    ).save()
    archive = _open(_export(world, actor, person.data_subject))
    assert [(r["Wish"], r["Wrapping"]) for r in _json(archive, "privacy_tests.gift")] == [
        (wish, "red")
    ]
    summary = json.loads(archive.read("summary.json"))
    gift = next(k for k in summary["kinds"] if k["file"] == "privacy_tests.gift")
    assert sorted(p["code"] for p in gift["purposes"]) == ["reviews", "statistics"]


def test_a_shredded_person_export_holds_no_values(world, actor, make_individual, issue_invoice):
    person = make_individual(phone="+33612345678")
    note = fake.sentence()
    services.interaction_record(
        actor=actor, party=person, kind="call", direction="inbound", note=note
    )
    subject_shred(subject=person.data_subject, actor=actor)
    archive = _open(_export(world, actor, person.data_subject))
    cells = _cells(archive)
    for value in (person.email, person.family_name, person.given_names, note, "+33612345678"):
        assert value not in cells
    party = _json(archive, "parties.party")[0]
    assert party["Email"] is None and party["Family name"] is None
    assert _json(archive, "parties.interaction")[0]["Note"] is None
    assert json.loads(archive.read("summary.json"))["people"][0]["shredded"] is True


def test_a_member_account_is_added_by_user_id(world, actor, make_individual):
    member = world.member("sales")
    match = people_matching(organisation=world.org_a, email=member.email)
    assert match.user_ids == [member.pk]
    person = make_individual()
    archive = _open(_export(world, actor, person.data_subject, user_ids=match.user_ids))
    users = _json(archive, "accounts.user")
    assert [(u["ID"], u["Email address"]) for u in users] == [(member.pk, member.email)]
    assert not any("password" in key.lower() for key in users[0])
    memberships = _json(archive, "tenancy.membership")
    assert [m["User"] for m in memberships] == [member.pk]
    assert member.password not in _everything(archive)


def test_another_organisations_subject_is_refused(world, actor, make_individual):
    person = make_individual(world.org_b)
    with pytest.raises(ValueError):
        access_export(organisation=world.org_a, subjects=[person.data_subject], actor=actor)


def test_queries_do_not_grow_with_the_rows(
    world, actor, make_individual, django_assert_max_num_queries
):
    person = make_individual()
    subject = person.data_subject
    Interaction.objects.of(world.org_a).bulk_create(
        Interaction(
            organisation=world.org_a,
            party=person,
            data_subject=subject,
            kind="call",
            direction="inbound",
            note=fake.sentence(),
        )
        for _ in range(1000)
    )
    # One query per declared model read, a few for the keys, the summary and the journal.
    bound = len(plans(subjects=True, members=False)) + 12
    with django_assert_max_num_queries(bound):
        export = access_export(organisation=world.org_a, subjects=[subject], actor=actor)
    assert len(_json(_open(export), "parties.interaction")) == 1000
