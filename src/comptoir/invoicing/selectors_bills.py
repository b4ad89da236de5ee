"""Reads of supplier bills, and the supplier a received file names: always
within one organisation."""

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from comptoir.core import documents, identifiers
from comptoir.invoicing.models import SupplierBill
from comptoir.parties import selectors as party_selectors
from comptoir.parties.models import Party
from comptoir.tenancy.models import Organisation


def bill_list(*, organisation: Organisation, supplier: Party | None = None) -> QuerySet:
    """The organisation's supplier bills, the latest received first."""
    bills = SupplierBill.objects.of(organisation).select_related("supplier__data_subject")
    if supplier is not None:
        bills = bills.filter(supplier=supplier)
    return bills.order_by("-received_at", "-pk")


def bill_get(*, organisation: Organisation, bill_id: int) -> SupplierBill:
    """One bill of the organisation (``SupplierBill.DoesNotExist`` for another's)."""
    return (
        SupplierBill.objects.of(organisation)
        .select_related("supplier__data_subject", "received_by")
        .get(pk=bill_id)
    )


def bill_original(*, bill: SupplierBill) -> bytes:
    """The received file, byte for byte as it came."""
    with default_storage.open(bill.file_name, "rb") as handle:
        return handle.read()


def bill_same_number(
    *, organisation: Organisation, supplier: Party, number: str
) -> SupplierBill | None:
    """The bill already received from ``supplier`` under ``number``, if any."""
    return (
        SupplierBill.objects.of(organisation)
        .filter(supplier=supplier, number=number)
        .order_by()
        .first()
    )


def supplier_match(*, organisation: Organisation, seller: documents.Party) -> Party | None:
    """The party of the organisation a received file's seller is: the one with its
    SIREN, else its Belgian enterprise number, else its VAT number (the parties'
    own indexed identifier columns, as ``parties.selectors`` finds duplicates)."""
    for name in ("siren", "enterprise_number"):
        value = getattr(seller, name)
        if value:
            found = party_selectors.party_duplicates(organisation=organisation, **{name: value})
            party = found.first()
            if party is not None:
                return party
    vat = identifiers.compact(seller.vat_number)
    if vat:
        return Party.objects.of(organisation).filter(vat_number=vat).order_by("pk").first()
    return None
