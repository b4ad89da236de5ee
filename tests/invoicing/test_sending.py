"""Issued documents' files (made once, kept with their SHA-256) and their
sending by email through the outbox, recorded for GDPR art. 19."""

import base64
import hashlib
import io
import json

import pytest
from django.db import connection
from faker import Faker
from pypdf import PdfReader

from comptoir.audit.models import AuditEvent
from comptoir.invoicing import services
from comptoir.invoicing.einvoice import validation
from comptoir.invoicing.models import DocumentFile, DocumentSending
from comptoir.invoicing.services.files import document_file_store
from comptoir.invoicing.services.sendings import invoice_send
from comptoir.mail.models import Message
from comptoir.parties import services as parties

pytestmark = pytest.mark.django_db
fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _outbox(settings):
    """The outbox itself (pytest-django puts locmem in its place): with no mail
    server configured, messages are kept in it locally."""
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"


@pytest.fixture
def issued(actor, make_draft, make_client):
    def build(organisation=None, **party_fields):
        party = make_client(organisation, **party_fields)
        draft = make_draft(organisation, party=party)
        return services.invoice_issue(actor=actor, invoice=draft)

    return build


def _attachments(message: Message) -> dict[str, bytes]:
    parts = json.loads(message.parts)
    return {name: base64.b64decode(data) for name, data, _type in parts["attachments"]}


def test_the_files_are_made_once_and_then_given_as_kept(world, api_as, issued):
    invoice = issued()
    api = api_as("accountant")
    first = api.get(f"/api/invoices/{invoice.pk}/facturx.pdf")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    again = api.get(f"/api/invoices/{invoice.pk}/facturx.pdf")
    assert first.content == again.content
    row = DocumentFile.objects.of(invoice.organisation).get(invoice=invoice, format="facturx")
    assert row.sha256 == hashlib.sha256(first.content).hexdigest() == first["X-Content-SHA256"]
    assert row.name == f"{invoice.number}.pdf"
    # A Factur-X the official rules pass, its number and total printed.
    assert not validation.fatal(validation.validate(first.content))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.content)).pages)
    assert invoice.number in text
    belgian = issued(world.org_b)
    ubl = api_as("owner", organisation=world.org_b).get(f"/api/invoices/{belgian.pk}/ubl.xml")
    assert ubl.status_code == 200 and ubl.content.startswith(b"<?xml")
    assert not validation.fatal(validation.validate(ubl.content))


def test_a_draft_has_no_file_and_support_downloads_none(api_as, make_draft, issued):
    draft = make_draft()
    response = api_as("sales").get(f"/api/invoices/{draft.pk}/facturx.pdf")
    assert response.status_code == 422
    assert api_as("support").get(f"/api/invoices/{issued().pk}/facturx.pdf").status_code == 403


def test_a_sending_goes_to_the_outbox_with_the_pdf_and_is_recorded(
    actor, api_as, make_person, make_draft
):
    email = fr.email()
    client = make_person(email=email)  # a person: the client's own email
    invoice = services.invoice_issue(actor=actor, invoice=make_draft(party=client))
    response = api_as("sales").post(f"/api/invoices/{invoice.pk}/send", json={})
    assert response.status_code == 201, response.json()
    message = Message.objects.of(invoice.organisation).get()
    assert json.loads(message.recipients)["to"] == [email]
    assert invoice.number in message.subject and message.subject.startswith("Facture")
    attached = _attachments(message)
    stored = DocumentFile.objects.of(invoice.organisation).get(invoice=invoice)
    assert list(attached) == [f"{invoice.number}.pdf"]
    assert hashlib.sha256(attached[stored.name]).hexdigest() == stored.sha256

    sending = DocumentSending.objects.of(invoice.organisation).get()
    assert sending.recipient_email == email
    assert sending.recipient_party_id == invoice.party_id and sending.recipient_contact is None
    assert sending.data_subject_id == client.data_subject_id
    assert sending.files == stored.name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient_email FROM invoicing_documentsending WHERE id = %s", [sending.pk]
        )
        raw = bytes(cursor.fetchone()[0])
    assert email.encode() not in raw
    event = AuditEvent.objects.filter(object_type="invoicing.documentsending").get()
    assert email not in json.dumps(event.fields)


def test_a_contact_person_may_be_chosen_and_belgian_clients_get_the_ubl(
    world, actor, api_as, issued
):
    invoice = issued(world.org_b)
    person = parties.contact_person_create(
        actor=actor, party=invoice.party, family_name=fr.last_name(), email=fr.email()
    )
    sending = invoice_send(actor=actor, invoice=invoice, contact_person=person)
    assert sending.recipient_email == person.email
    assert sending.data_subject_id == person.data_subject_id
    message = Message.objects.of(world.org_b).get()
    assert sorted(_attachments(message)) == [f"{invoice.number}.pdf", f"{invoice.number}.xml"]
    assert message.subject.startswith("Facture")


def test_a_sending_is_refused_without_an_address_or_for_a_draft(actor, api_as, issued, make_draft):
    api = api_as("sales")
    invoice = issued()  # a company: its people are its contact persons
    response = api.post(f"/api/invoices/{invoice.pk}/send", json={})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "party"
    draft = make_draft()
    assert api.post(f"/api/invoices/{draft.pk}/send", json={}).status_code == 422
    other = issued()
    person = parties.contact_person_create(
        actor=actor,
        party=other.party,
        family_name=fr.last_name(),
        email=fr.email(),
    )
    wrong = api.post(f"/api/invoices/{invoice.pk}/send", json={"contact_person_id": person.pk})
    assert wrong.status_code == 422
    assert not Message.objects.of(invoice.organisation).exists()
    assert not DocumentSending.objects.of(invoice.organisation).exists()


def test_the_file_store_is_journalled_once(actor, issued):
    invoice = issued()
    before = AuditEvent.objects.filter(object_type="invoicing.documentfile").count()
    first = document_file_store(actor=actor, invoice=invoice, format="ubl")
    assert document_file_store(actor=actor, invoice=invoice, format="ubl").pk == first.pk
    after = AuditEvent.objects.filter(object_type="invoicing.documentfile").count()
    assert after == before + 1


def test_an_individual_clients_ubl_is_a_clear_422_and_the_page_says_why(
    world, api_as, ui_as, actor, make_draft, make_person
):
    """An individual has no Peppol address: no UBL, said plainly, never a 500."""
    draft = make_draft(party=make_person())
    invoice = services.invoice_issue(actor=actor, invoice=draft)
    response = api_as("owner").get(f"/api/invoices/{invoice.pk}/ubl.xml")
    assert response.status_code == 422, response.content
    assert "Peppol" in response.json()["detail"] + json.dumps(response.json()["errors"])
    assert not DocumentFile.objects.of(invoice.organisation).filter(format="ubl").exists()
    page = ui_as("owner").get(f"/invoicing/invoices/{invoice.pk}/file/ubl/", follow=True)
    assert page.status_code == 200
    assert "Peppol" in page.content.decode()
