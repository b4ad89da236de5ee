"""Receiving supplier bills: a Factur-X PDF, a CII or a UBL file becomes a bill
of its supplier, the original kept unaltered.

``bill_receive`` reads the file (``einvoice.reader``: nothing stored when it
cannot), finds the supplier among the organisation's parties by SIREN,
enterprise number or VAT number, refuses a number already received from that
supplier, runs the official rules (``einvoice.validation``), keeps the file in
``default_storage`` under a generated name with its SHA-256, and writes the
bill with one audit record. A file with fatal findings is kept all the same,
flagged: a received invoice is an accounting record.

A supplier Comptoir does not know is never created silently: the first call
answers ``Receipt.pending`` with what the file says of it, and the caller
confirms by sending the same file again with ``create_supplier=True`` (the
stateless design: nothing is kept between the two calls, and what is confirmed
is what is sent).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, validate
from comptoir.core import documents
from comptoir.core.modelfields import scope_fields
from comptoir.invoicing import selectors_bills as selectors
from comptoir.invoicing.einvoice import reader, validation
from comptoir.invoicing.models import BillKind, SupplierBill
from comptoir.parties import services as party_services
from comptoir.parties.models import Country, Party, PartyKind
from comptoir.tenancy.models import Organisation

STORAGE_DIR = "supplier-bills"
# What the bill's audit record names (never their values): every field the
# received file gives it, read from the model.
RECEIVED_FIELDS = [
    field.name
    for field in SupplierBill._meta.concrete_fields
    if field.name not in {"id", "received_at", "received_by", *scope_fields(SupplierBill)}
]


@dataclass(frozen=True)
class Receipt:
    """What ``bill_receive`` did: a ``bill``, or (``pending``) nothing yet, the
    supplier being unknown: send the file again with ``create_supplier=True``."""

    received: reader.Received
    bill: SupplierBill | None = None
    supplier: Party | None = None
    supplier_created: bool = False
    findings: list[validation.Finding] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.bill is None

    @property
    def seller(self) -> documents.Party:
        return self.received.document.seller


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _duplicate(number: str, other: SupplierBill | None) -> ValidationError:
    if other is None:
        message = _("Invoice %(number)s of this supplier was already received.") % {
            "number": number
        }
    else:
        message = _("Invoice %(number)s of this supplier was already received (bill #%(id)s).") % {
            "number": number,
            "id": other.pk,
        }
    return _refused(message, "duplicate")


def _read(data: bytes) -> reader.Received:
    try:
        return reader.read(data)
    except validation.NotAnInvoice as exc:
        raise _refused(str(exc), "unreadable") from None


def _check_buyer(organisation: Organisation, buyer: documents.Party) -> None:
    """Refuse a file addressed to another company (when both sides say who they are)."""
    for name in ("siren", "enterprise_number"):
        ours, theirs = getattr(organisation, name), getattr(buyer, name)
        if ours and theirs and ours != theirs:
            raise _refused(
                _("This invoice is addressed to another company, not to %(name)s.")
                % {"name": organisation.legal_name},
                "buyer",
            )


def _supplier_create(actor: Actor, organisation: Organisation, seller: documents.Party) -> Party:
    if seller.country not in Country.values:
        raise _refused(
            _(
                "Comptoir records French and Belgian suppliers only; this supplier is in "
                "%(country)s. Create nothing and keep the file elsewhere."
            )
            % {"country": seller.country or "?"},
            "country",
        )
    fields = {
        "company_name": seller.name[:200],
        "country": seller.country,
        "is_supplier": True,
        "is_prospect": False,
        "siren": seller.siren if seller.country == Country.FRANCE else "",
        "siret": seller.siret if seller.country == Country.FRANCE else "",
        "enterprise_number": seller.enterprise_number if seller.country == Country.BELGIUM else "",
        "vat_number": seller.vat_number,
        "billing_street": seller.address.street[:500],
        "billing_postal_code": seller.address.postal_code[:20],
        "billing_city": seller.address.city[:100],
        "billing_country": seller.address.country[:2],
    }
    try:
        return party_services.party_create(
            actor=actor, organisation=organisation, kind=PartyKind.COMPANY, **fields
        )
    except ValidationError as exc:
        reasons = "; ".join(
            f"{Party._meta.get_field(name).verbose_name}: {' '.join(messages)}"
            if name in fields
            else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
        raise _refused(
            _("The supplier cannot be created from this file (%(reasons)s).")
            % {"reasons": reasons},
            "supplier",
        ) from None


def _store(organisation: Organisation, data: bytes, received: reader.Received) -> str:
    suffix = "pdf" if received.is_pdf else "xml"
    return default_storage.save(
        f"{STORAGE_DIR}/{organisation.pk}/{uuid.uuid4().hex}.{suffix}", ContentFile(data)
    )


@transaction.atomic
def bill_receive(
    *,
    actor: Actor,
    organisation: Organisation,
    data: bytes,
    create_supplier: bool = False,
) -> Receipt:
    """Receive a supplier's e-invoice (Factur-X PDF, CII or UBL XML).

    ``ValidationError`` on ``file`` (nothing stored) when the file cannot be
    read, is addressed to another company, or repeats a number already
    received from its supplier. An unknown supplier: a pending ``Receipt``
    (nothing stored), unless ``create_supplier`` (the party is then created,
    a company and a supplier, with the identifiers and address of the file)."""
    received = _read(data)
    document = received.document
    _check_buyer(organisation, document.buyer)
    supplier = selectors.supplier_match(organisation=organisation, seller=document.seller)
    created = False
    if supplier is None:
        if not create_supplier:
            return Receipt(received=received)
        supplier = _supplier_create(actor, organisation, document.seller)
        created = True
    other = selectors.bill_same_number(
        organisation=organisation, supplier=supplier, number=document.number
    )
    if other is not None:
        raise _duplicate(document.number, other)
    findings = validation.validate(data)
    declared = received.declared
    bill = SupplierBill(
        organisation=organisation,
        supplier=supplier,
        number=document.number,
        kind=BillKind.CREDIT_NOTE
        if document.kind == documents.Kind.CREDIT_NOTE
        else BillKind.INVOICE,
        type_code=received.type_code[:3],
        syntax=received.syntax,
        issue_date=document.issue_date,
        due_date=document.due_date,
        currency=document.currency,
        total_excl_vat=declared.total_excl_vat,
        total_vat=declared.total_vat,
        total_incl_vat=declared.total_incl_vat,
        payable=declared.payable,
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        content_type=received.content_type,
        findings=[finding.as_dict() for finding in findings],
        has_fatal=bool(validation.fatal(findings)),
        received_by_id=actor.user_id,
    )
    try:
        validate(bill, exclude=["file_name"])
    except ValidationError as exc:
        reasons = "; ".join(
            f"{SupplierBill._meta.get_field(name).verbose_name}: {' '.join(messages)}"
            if name != "__all__"
            else " ".join(messages)
            for name, messages in exc.message_dict.items()
        )
        raise _refused(
            _("The invoice cannot be kept as read (%(reasons)s).") % {"reasons": reasons},
            "invalid",
        ) from None
    if not created and not supplier.is_supplier:
        supplier = party_services.party_update(actor=actor, party=supplier, is_supplier=True)
    bill.file_name = _store(organisation, data, received)
    try:
        with transaction.atomic():  # the same number received at the same moment
            bill.save()
    except IntegrityError:
        default_storage.delete(bill.file_name)  # the copy just stored, of no bill
        raise _duplicate(document.number, None) from None
    audit(actor=actor, action=Action.CREATE, instance=bill, fields=RECEIVED_FIELDS)
    return Receipt(
        received=received,
        bill=bill,
        supplier=supplier,
        supplier_created=created,
        findings=findings,
    )
