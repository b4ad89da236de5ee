"""Sending an issued document by email through the outbox.

The Factur-X PDF is attached (with the UBL for a Belgian client), as stored
(``document_file_store``): the client receives the archived file. The message
goes to the client's email or to one of its contact persons', is written in
the document's language, and is put in the outbox (``comptoir.mail``) by
Django's mail API within the transaction; each sending is recorded
(``DocumentSending``: who received which files) and journalled, and the
people whose data went with it get a disclosure (GDPR art. 19,
``privacy.records.disclosures``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit
from comptoir.core.mailabout import mail_about
from comptoir.invoicing.einvoice import files
from comptoir.invoicing.models import DocumentSending, FileFormat, Invoice, InvoiceKind
from comptoir.invoicing.services.files import invoice_files_store
from comptoir.parties.models import ContactPerson
from comptoir.privacy.records.disclosures import disclosure_record
from comptoir.privacy.records.models import DisclosureKind
from comptoir.sales import printing


def _message(invoice: Invoice, language: str, seller: str) -> tuple[str, str]:
    with translation.override(language):
        subject = {
            InvoiceKind.INVOICE: _("Invoice %(number)s"),
            InvoiceKind.DOWN_PAYMENT: _("Down-payment invoice %(number)s"),
            InvoiceKind.CREDIT_NOTE: _("Credit note %(number)s"),
        }[InvoiceKind(invoice.kind)] % {"number": invoice.number}
        body = _(
            "Hello,\n\nPlease find attached %(document)s of %(date)s.\n\n"
            "Kind regards,\n%(seller)s\n"
        ) % {
            "document": subject,
            "date": invoice.issue_date.strftime("%d/%m/%Y"),
            "seller": seller,
        }
    return subject, body


@transaction.atomic
def invoice_send(
    *, actor: Actor, invoice: Invoice, contact_person: ContactPerson | None = None
) -> DocumentSending:
    """Email an issued document to one of its client's contact persons, or
    (``contact_person`` None) to the client's own email: an individual's (a
    company's people are its contact persons)."""
    if not invoice.is_issued:
        raise ValidationError({"status": _("Only an issued invoice is sent.")}, code="draft")
    party = invoice.party
    if contact_person is not None and contact_person.party_id != party.pk:
        raise ValidationError(
            {"contact_person": _("Choose a contact person of the client.")}, code="contact"
        )
    recipient = contact_person.email if contact_person is not None else party.email
    if not recipient:
        field = "contact_person" if contact_person is not None else "party"
        raise ValidationError(
            {field: _("No email address to send it to: choose a contact person with one.")},
            code="no_email",
        )
    document = files.issued_document(invoice)
    stored = invoice_files_store(actor=actor, invoice=invoice)
    subject, body = _message(invoice, document.language, document.seller.name)
    reply_to = printing.settings_of(invoice.organisation).email
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[reply_to] if reply_to else None,
    )
    for row in stored:
        email.attach(row.name, files.stored_bytes(row), files.MEDIA_TYPES[FileFormat(row.format)])
    with mail_about(organisation_id=invoice.organisation_id, confidential=False):
        email.send()
    subject_key = contact_person.data_subject if contact_person is not None else None
    sending = DocumentSending(
        organisation_id=invoice.organisation_id,
        data_subject=subject_key or party.data_subject,
        invoice=invoice,
        recipient_email=recipient,
        recipient_party=party,
        recipient_contact=contact_person,
        files=", ".join(row.name for row in stored),
        sent_at=timezone.now(),
        sent_by=actor.user_id,
    )
    sending.save()
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=sending,
        fields=["invoice", "recipient_email", "recipient_party", "recipient_contact", "files"],
    )
    # GDPR art. 19: the people whose data went with the document (an
    # individual client, the contact person it was addressed to).
    people = {party.data_subject_id: party.data_subject} if party.data_subject_id else {}
    if contact_person is not None and contact_person.data_subject_id:
        people[contact_person.data_subject_id] = contact_person.data_subject
    for person in people.values():
        disclosure_record(
            organisation=invoice.organisation,
            subject=person,
            kind=DisclosureKind.EMAIL,
            recipient=recipient,
            what=subject,
            actor=actor,
            occurred_at=sending.sent_at,
        )
    return sending
