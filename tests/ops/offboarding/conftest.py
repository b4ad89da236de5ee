"""Two organisations holding every kind of data the services make: parties,
people, consent, sales documents, issued invoices with their stored files and
a sending, a payment, a received bill, a breach, the register, a rights
request, the suppression list, an import with its file, an erased person, an
export archive, tokens and journal events. Files go to a storage of the test's
own (``tmp_path``), so what is left in it after an offboarding can be listed."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.bills import bill_receive
from comptoir.invoicing.services.files import invoice_files_store
from comptoir.invoicing.services.payments import payment_record
from comptoir.invoicing.services.sendings import invoice_send
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren, fr_vat_from_siren
from comptoir.ops.offboarding import export
from comptoir.parties import services as parties
from comptoir.parties.importing import services as importing
from comptoir.parties.models import PartyKind
from comptoir.privacy.breaches import services as breaches
from comptoir.privacy.consent import services as consent
from comptoir.privacy.records.erasure import subject_erase
from comptoir.privacy.records.models import ErasureReason
from comptoir.privacy.records.services import retention_override_set
from comptoir.privacy.register import services as register
from comptoir.privacy.requests.services import request_record
from comptoir.privacy.suppression.services import suppression_add
from comptoir.sales import services as sales
from tests.conftest import make_token
from tests.invoicing.receive.conftest import FRENCH_BUYER_SIREN, belgian_cii, french_cii


@pytest.fixture
def storage(settings, tmp_path) -> Path:
    """A storage of the test's own: every file written in it is the test's."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def stored_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def fill(organisation, owner, fake: Faker) -> dict:
    """Every kind of data of one organisation; returns a few of its rows."""
    actor = Actor.user(owner.pk)
    make_token(owner, organisation)
    if organisation.country == "BE":
        ids = {"country": "BE", "enterprise_number": fake_be_enterprise_number(fake)}
        wording_language = "nl"
    else:
        ids = {"country": "FR", "siren": fake_siren(fake)}
        wording_language = "fr"
    company = parties.party_create(
        actor=actor,
        organisation=organisation,
        kind=PartyKind.COMPANY,
        company_name=fake.company(),
        **ids,
    )
    person = parties.contact_person_create(
        actor=actor, party=company, family_name=fake.last_name(), email=fake.email()
    )
    leaving = parties.contact_person_create(
        actor=actor, party=company, family_name=fake.last_name(), email=fake.email()
    )
    parties.interaction_record(
        actor=actor, party=company, contact_person=person, kind="call", direction="inbound"
    )
    sales.opportunity_create(actor=actor, party=company, title=fake.bs(), amount="1200.00")
    shown = consent.consent_wording_create(
        actor=actor,
        organisation=organisation,
        purpose="prospection_post",
        language=wording_language,
        text=fake.text(),
    )
    consent.consent_give(
        actor=actor,
        subject=person.data_subject,
        purpose="prospection_post",
        channel="paper",
        wording=shown,
    )
    product = sales.product_create(
        actor=actor,
        organisation=organisation,
        reference="P-1",
        name=fake.word(),
        unit_price="2",
        vat_rate="21" if organisation.country == "BE" else "20",
    )
    lines = [{"product": product, "quantity": "3"}]
    sales.quote_create(actor=actor, organisation=organisation, party=company, lines=lines)
    order = sales.order_create(actor=actor, organisation=organisation, party=company, lines=lines)
    sales.delivery_from_order(actor=actor, order=order)
    invoicing.invoice_create(actor=actor, organisation=organisation, party=company, lines=lines)
    issued = invoicing.invoice_issue(
        actor=actor,
        invoice=invoicing.invoice_create(
            actor=actor, organisation=organisation, party=company, lines=lines
        ),
    )
    invoice_files_store(actor=actor, invoice=issued)
    invoice_send(actor=actor, invoice=issued, contact_person=person)
    payment_record(
        actor=actor,
        party=company,
        amount="1.00",
        method="cash",
        received_on=date.today(),
        reference="cash",
        allocations=[(issued, "1.00")],
    )
    if organisation.country == "FR":
        # The French example names its buyer: organisation A becomes that buyer.
        organisation.siren = FRENCH_BUYER_SIREN
        organisation.vat_number = fr_vat_from_siren(FRENCH_BUYER_SIREN)
        organisation.save(update_fields=["siren", "vat_number"])
        bill = french_cii()
    else:
        bill = belgian_cii(enterprise_number=organisation.enterprise_number)
    bill_receive(actor=actor, organisation=organisation, data=bill, create_supplier=True)
    now = timezone.now()
    breaches.breach_record(
        actor=actor,
        organisation=organisation,
        occurred_from=now - timedelta(days=1),
        aware_at=now - timedelta(hours=3),
        description=fake.sentence(),
        people_count=12,
    )
    register.recipient_create(
        actor=actor, organisation=organisation, kind="external", name=fake.company()
    )
    register.processor_create(
        actor=actor, organisation=organisation, name=fake.company(), service="Hosting", country="FR"
    )
    request_record(actor=actor, organisation=organisation, kind="access", email=fake.email())
    suppression_add(organisation=organisation, actor=actor, kind="email", value=fake.email())
    retention_override_set(actor=actor, organisation=organisation, rule_code="prospect", months=24)
    data = f"Raison sociale;Nom;Prénom\n{fake.company()};{fake.last_name()};{fake.first_name()}\n"
    importing.import_job_create(organisation=organisation, data=data.encode(), user_id=owner.pk)
    subject_erase(subject=leaving.data_subject, actor=actor, reason=ErasureReason.STAFF)
    made = export.export_request(organisation=organisation, actor=actor)
    export.export_run(export_id=made.pk)
    return {"issued": Invoice.objects.of(organisation).get(pk=issued.pk), "person": person}


@pytest.fixture
def filled(world, storage):
    """Organisation A (French) and B (Belgian), each with every kind of data."""
    b = fill(world.org_b, world.owner_b, Faker("nl_BE"))
    files_b = stored_files(storage)
    a = fill(world.org_a, world.member("owner"), Faker("fr_FR"))
    return {"a": a, "b": b, "files_b": files_b}
