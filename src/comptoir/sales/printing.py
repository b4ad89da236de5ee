"""From the models to the printed document (``comptoir.core.documents``).

The seller is the organisation with its sales settings, the buyer the party as
it is billed, the lines as ``DocumentLine.printed`` gives them. Quotes, orders
and delivery notes are printed from here (``document_of``); an invoice adds
its legal mentions and references when it is issued
(``comptoir.invoicing.services.issue``), which builds it from these same pieces.

``settings_of`` gives an organisation's ``SalesSettings``, created on first
use with its country's legal defaults (``LEGAL_DEFAULTS``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from comptoir.core import documents, einvoice_addresses
from comptoir.core.money import ZERO, to_cents
from comptoir.core.totals import Adjustment, Priced, document_discount, line_amounts
from comptoir.core.vat import STANDARD_RATE, VatCategory
from comptoir.sales.models import SalesSettings
from comptoir.sales.models.base import DocumentLine, SalesDocument


@dataclass(frozen=True)
class LegalDefaults:
    late_penalty_rate: Decimal  # % a year
    recovery_indemnity: Decimal  # EUR, per invoice
    language: str


# France (C. com. L441-10, D441-5): the ECB refinancing rate (2.15 %) plus 10 points,
# and 40 EUR. Belgium (law of 2 August 2002, art. 5): the ECB rate plus 8 points,
# rounded up to the next half point (10.50 %), and 40 EUR at least.
LEGAL_DEFAULTS = {
    "FR": LegalDefaults(Decimal("12.15"), Decimal("40.00"), "fr"),
    "BE": LegalDefaults(Decimal("10.50"), Decimal("40.00"), "fr"),
}


def settings_of(organisation) -> SalesSettings:
    """The organisation's sales settings, created with its country's legal
    defaults the first time they are needed (no personal data: not journalled)."""
    found = SalesSettings.objects.of(organisation).first()
    if found is not None:
        return found
    defaults = LEGAL_DEFAULTS.get(organisation.country, LEGAL_DEFAULTS["FR"])
    try:
        with transaction.atomic():
            return SalesSettings.objects.create(
                organisation=organisation,
                late_penalty_rate=defaults.late_penalty_rate,
                recovery_indemnity=defaults.recovery_indemnity,
                language=defaults.language,
            )
    except IntegrityError:  # created meanwhile by another request
        return SalesSettings.objects.of(organisation).get()


def electronic_address(explicit: str, *, country: str, siren: str, enterprise_number: str):
    """(address, scheme) of a party on the e-invoicing networks: its explicit
    ``SCHEME:VALUE`` (checked when stored), else the SIREN (France) or the
    enterprise number (Belgium); ('', '') when none is known."""
    scheme, value = einvoice_addresses.resolve(
        explicit or "", country=country, siren=siren, enterprise_number=enterprise_number
    )
    return value, scheme


def seller(organisation, settings: SalesSettings | None = None) -> documents.Party:
    """The organisation as its documents print it."""
    settings = settings or settings_of(organisation)
    address, scheme = electronic_address(
        settings.einvoice_address,
        country=organisation.country,
        siren=organisation.siren,
        enterprise_number=organisation.enterprise_number,
    )
    return documents.Party(
        name=organisation.legal_name,
        country=organisation.country,
        address=documents.Address(
            street=organisation.address_line,
            postal_code=organisation.postal_code,
            city=organisation.city,
            country=organisation.country,
        ),
        is_business=True,
        siren=organisation.siren,
        siret=organisation.siret,
        enterprise_number=organisation.enterprise_number,
        vat_number=organisation.vat_number,
        legal_form=organisation.legal_form,
        share_capital=settings.share_capital,
        registration=settings.registration,
        electronic_address=address,
        electronic_scheme=scheme,
        email=settings.email,
    )


def _billing_address(party) -> documents.Address:
    return documents.Address(
        street=party.billing_street,
        postal_code=party.billing_postal_code,
        city=party.billing_city,
        country=party.billing_country or party.country,
    )


def delivery_address(party) -> documents.Address | None:
    """The party's delivery address when it has one that differs from its billing one."""
    if not (party.delivery_street or party.delivery_city):
        return None
    address = documents.Address(
        street=party.delivery_street,
        postal_code=party.delivery_postal_code,
        city=party.delivery_city,
        country=party.delivery_country or party.billing_country or party.country,
    )
    return None if address == _billing_address(party) else address


def buyer(party) -> documents.Party:
    """The party as billed: a company, or an individual (a consumer, B2C)."""
    is_business = not party.is_individual
    address, scheme = ("", "")
    if is_business:
        address, scheme = electronic_address(
            getattr(party, "einvoice_address", ""),
            country=party.country,
            siren=party.siren,
            enterprise_number=party.enterprise_number,
        )
    return documents.Party(
        name=party.display_name,
        country=party.billing_country or party.country,
        address=_billing_address(party),
        is_business=is_business,
        siren=party.siren if is_business else "",
        siret=party.siret if is_business else "",
        enterprise_number=party.enterprise_number if is_business else "",
        vat_number=party.vat_number if is_business else "",
        electronic_address=address,
        electronic_scheme=scheme,
    )


def lines(queryset: Iterable[DocumentLine]) -> tuple[documents.Line, ...]:
    """The document's lines as printed, numbered from 1 in their order."""
    return tuple(line.printed(number) for number, line in enumerate(queryset, start=1))


def main_rate(priced: Sequence[Priced], country: str) -> tuple[str, Decimal]:
    """The (VAT category, rate) of the largest group of lines by net amount: the
    one a document-level charge (shipping, handling) follows, as the supply it
    is ancillary to. The country's standard rate on an empty document."""
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in priced:
        key = (str(line.vat_category), to_cents(line.vat_rate))
        groups[key] = groups.get(key, ZERO) + line_amounts(line).net
    if not groups:
        return VatCategory.STANDARD.value, STANDARD_RATE.get(country, Decimal("20"))
    return max(groups.items(), key=lambda item: (item[1], item[0][1]))[0]


def adjustments(
    priced: Sequence[Priced],
    *,
    discount_percent: Decimal,
    charge_amount: Decimal,
    charge_reason: str,
    country: str,
    discount_reason: str = "Remise",
) -> tuple[Adjustment, ...]:
    """The document-level allowances (the discount, per VAT group) and charge."""
    found = list(document_discount(priced, discount_percent, reason=discount_reason))
    if charge_amount:
        category, rate = main_rate(priced, country)
        found.append(
            Adjustment(
                amount=to_cents(charge_amount),
                vat_category=category,
                vat_rate=rate,
                reason=charge_reason or "Frais",
                is_charge=True,
            )
        )
    return tuple(found)


def payment(settings: SalesSettings, *, reference: str = "", terms: str = "") -> documents.Payment:
    return documents.Payment(
        means="58" if settings.iban else "30",
        iban=settings.iban,
        bic=settings.bic,
        reference=reference,
        terms=terms,
    )


def document_of(
    document: SalesDocument,
    kind: documents.Kind,
    *,
    notes: tuple[documents.Note, ...] = (),
    settings: SalesSettings | None = None,
) -> documents.Document:
    """A quote, an order or a delivery note (or a draft invoice) as printed."""
    organisation = document.organisation
    settings = settings or settings_of(organisation)
    printed_lines = lines(document.lines.all())
    free = (documents.Note(document.notes),) if document.notes else ()
    return documents.Document(
        kind=kind,
        number=document.number,
        issue_date=document.issue_date or timezone.localdate(),
        seller=seller(organisation, settings),
        buyer=buyer(document.party),
        lines=printed_lines,
        adjustments=adjustments(
            printed_lines,
            discount_percent=document.discount_percent,
            charge_amount=document.charge_amount,
            charge_reason=document.charge_reason,
            country=organisation.country,
        ),
        language=settings.language,
        valid_until=getattr(document, "valid_until", None),
        delivery_date=getattr(document, "delivered_on", None),
        delivery_address=delivery_address(document.party),
        purchase_order=document.purchase_order,
        payment=payment(settings),
        notes=(*free, *notes),
    )
