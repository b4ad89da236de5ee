"""Every commercial document printed as a tidy, branded PDF/A-3b.

``render`` turns a frozen ``core.documents.Document`` into PDF bytes: one
Django template for every kind (quote, order, delivery note, invoice,
down-payment invoice, credit note), in the document's language, in the
organisation's colours and with its logo (``Branding``, built from its
``SalesSettings`` by ``branding_of``). The PDF is PDF/A-3b so that Factur-X
can embed its CII XML in it as it is.

Speed: the template, the style sheet and WeasyPrint's font configuration are
compiled once per process; a render only lays out the document.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.template import engines
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import override

from comptoir.core.documents import Document, Kind, Operation
from comptoir.core.money import to_cents
from comptoir.core.vat import VatCategory, exemption_mention

TEMPLATES = Path(__file__).resolve().parent / "templates" / "sales" / "pdf"
TEMPLATE = "sales/pdf/document.html"
LANGUAGES = ("fr", "en")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
STRUCTURED = re.compile(r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
# The image formats a PDF/A page may show, by their first bytes.
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
NBSP = "\u00a0"


class BrandingError(ValueError):
    """Branding that cannot reach the template (a colour not #rrggbb...)."""


@dataclass(frozen=True)
class Branding:
    """What an organisation sets on its documents' look."""

    logo: bytes | None = None  # PNG or JPEG
    colour: str = "#1f4e79"
    footer: str = ""
    language: str = "fr"  # the default language of its documents

    def __post_init__(self) -> None:
        # SalesSettings validates these already; this is the last gate before
        # a value is written into the style sheet.
        if not COLOUR.match(self.colour or ""):
            raise BrandingError("colour")
        if self.language not in LANGUAGES:
            raise BrandingError("language")
        if self.logo is not None and _logo_type(self.logo) is None:
            raise BrandingError("logo")


def branding_of(settings: Any) -> Branding:
    """The branding of a ``sales.models.SalesSettings`` row; the logo is read
    through the default storage."""
    logo = None
    if settings.logo:
        with default_storage.open(settings.logo.name, "rb") as file:
            logo = file.read()
        if _logo_type(logo) is None:
            logo = None  # a file that is no PNG nor JPEG is left off, never printed broken
    return Branding(
        logo=logo,
        colour=settings.colour,
        footer=settings.footer,
        language=settings.language,
    )


def render(document: Document, *, branding: Branding) -> bytes:
    """The PDF/A-3b of ``document``, in its language (the branding's when the
    document names none Comptoir prints)."""
    from weasyprint import HTML

    return HTML(string=html_of(document, branding=branding), base_url=str(TEMPLATES)).write_pdf(
        stylesheets=[_stylesheet()],
        font_config=_font_config(),
        pdf_variant="pdf/a-3b",
    )


def html_of(document: Document, *, branding: Branding) -> str:
    """The HTML ``render`` lays out (for the benchmark's render-alone run)."""
    language = document.language if document.language in LANGUAGES else branding.language
    with override(language):
        return _template().render(_context(document, branding, language))


@lru_cache(maxsize=1)
def _template():
    return engines["django"].get_template(TEMPLATE)


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    path = TEMPLATES / "document.css"
    return CSS(string=path.read_text(), base_url=str(TEMPLATES), font_config=_font_config())


def _logo_type(data: bytes) -> str | None:
    for magic, mime in LOGO_TYPES.items():
        if data.startswith(magic):
            return mime
    return None


# Formatting, the French way in French and the English way in English.


def amount(value: Decimal, language: str) -> str:
    """1 234,56 in French, 1,234.56 in English (to the cent)."""
    text = f"{to_cents(value):,.2f}"
    if language == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text.replace("-", "\u2212")


def money(value: Decimal, currency: str, language: str) -> str:
    return f"{amount(value, language)}{NBSP}{currency}"


def number(value: Decimal, language: str) -> str:
    """A quantity or a rate with no useless zeros: 1,5 / 1.5; 12; 1 000."""
    value = Decimal(value)
    whole, _dot, fraction = format(abs(value), "f").partition(".")
    fraction = fraction.rstrip("0")
    whole = f"{int(whole):,}"
    if language == "fr":
        whole, point = whole.replace(",", NBSP), ","
    else:
        point = "."
    return ("\u2212" if value < 0 else "") + whole + (point + fraction if fraction else "")


def percent(value: Decimal, language: str) -> str:
    return (
        f"{number(value, language)}{NBSP}%" if language == "fr" else f"{number(value, language)}%"
    )


def day(value: date | None) -> str:
    return dateformat.format(value, "j F Y") if value else ""


def _grouped(text: str, size: int = 4) -> str:
    text = text.replace(" ", "")
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


# What the template reads.


def _titles() -> dict[Kind, str]:
    return {
        Kind.QUOTE: _("Quote"),
        Kind.ORDER: _("Order confirmation"),
        Kind.DELIVERY: _("Delivery note"),
        Kind.INVOICE: _("Invoice"),
        Kind.DOWN_PAYMENT: _("Down-payment invoice"),
        Kind.CREDIT_NOTE: _("Credit note"),
    }


def _operations() -> dict[Operation, str]:
    return {
        Operation.GOODS: _("Supply of goods"),
        Operation.SERVICES: _("Provision of services"),
        Operation.MIXED: _("Supply of goods and services"),
    }


def _unit(code: str) -> str:
    from comptoir.sales.models.choices import Unit

    return str(Unit(code).label) if code in Unit.values else code


def _identity(party: Any, *, seller: bool) -> list[str]:
    """The legal identity lines of a party, as printed under its address."""
    rows = []
    if seller and (party.legal_form or party.share_capital):
        if party.legal_form and party.share_capital:
            rows.append(
                _("%(form)s with a share capital of %(capital)s")
                % {"form": party.legal_form, "capital": party.share_capital}
            )
        else:
            rows.append(party.legal_form or _("Share capital: %s") % party.share_capital)
    if party.siret:
        rows.append(
            f"SIRET {party.siret[:3]} {party.siret[3:6]} {party.siret[6:9]} {party.siret[9:]}"
        )
    elif party.siren:
        rows.append(f"SIREN {party.siren[:3]} {party.siren[3:6]} {party.siren[6:]}")
    if party.enterprise_number:
        digits = party.enterprise_number.replace(".", "").replace(" ", "")
        shown = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else digits
        rows.append(_("Enterprise number %s") % shown)
    if seller and party.registration:
        rows.append(party.registration)
    if party.vat_number:
        rows.append(_("VAT number %s") % party.vat_number)
    if party.electronic_address:
        rows.append(_("E-invoicing address %s") % party.electronic_address)
    return rows


def _address(address: Any) -> list[str]:
    if address is None:
        return []
    rows = [row for row in address.street.split("\n") if row.strip()]
    city = " ".join(part for part in (address.postal_code, address.city) if part)
    if city:
        rows.append(city)
    return rows


def _preceding(document: Document) -> list[str]:
    rows = []
    for reference in document.preceding:
        values = {"number": reference.number, "date": day(reference.issue_date)}
        if document.kind == Kind.CREDIT_NOTE:
            text = (
                _("Credit note on invoice %(number)s of %(date)s")
                if reference.issue_date
                else _("Credit note on invoice %(number)s")
            )
        elif document.prepaid:
            text = (
                _("Down-payment invoice %(number)s of %(date)s deducted")
                if reference.issue_date
                else _("Down-payment invoice %(number)s deducted")
            )
        else:
            text = (
                _("Preceding document %(number)s of %(date)s")
                if reference.issue_date
                else _("Preceding document %(number)s")
            )
        rows.append(text % values)
    return rows


def _vat_label(category: str, rate: Decimal, language: str) -> str:
    if category == VatCategory.STANDARD:
        return percent(rate, language)
    return f"{percent(rate, language)} ({category})"


def _context(document: Document, branding: Branding, language: str) -> dict[str, Any]:
    totals = document.totals
    currency = document.currency
    priced = document.kind != Kind.DELIVERY
    lines = [
        {
            "reference": line.reference,
            "name": line.name,
            "description": line.description,
            "quantity": number(line.quantity, language),
            "unit": _unit(line.unit),
            "unit_price": amount(line.unit_price, language),
            "discount": percent(line.discount_percent, language) if line.discount_percent else "",
            "vat": _vat_label(line.vat_category, line.vat_rate, language),
            "net": amount(figures.net, language),
        }
        for line, figures in zip(document.lines, totals.lines, strict=True)
    ]
    adjustments = [
        {
            "label": (adjustment.reason or (_("Charge") if adjustment.is_charge else _("Discount")))
            + (f" ({percent(adjustment.percent, language)})" if adjustment.percent else ""),
            "vat": _vat_label(adjustment.vat_category, adjustment.vat_rate, language),
            "amount": amount(
                adjustment.amount if adjustment.is_charge else -adjustment.amount, language
            ),
        }
        for adjustment in document.adjustments
    ]
    mentions = []
    vat = []
    for subtotal in totals.vat:
        mention = exemption_mention(subtotal.category, document.seller.country)
        if mention and mention not in mentions:
            mentions.append(mention)
        vat.append(
            {
                "label": _vat_label(subtotal.category, subtotal.rate, language),
                "taxable": amount(subtotal.taxable, language),
                "tax": amount(subtotal.tax, language),
            }
        )
    notes = [note.text for note in document.notes if note.text.strip()]
    operation = _operations()[document.operation]
    debits = (
        _("Option for the payment of VAT on debits")
        if document.vat_on_debits and document.kind != Kind.DELIVERY
        else ""
    )
    payment = document.payment
    invoice_like = document.kind in (Kind.INVOICE, Kind.DOWN_PAYMENT)
    credit = document.kind == Kind.CREDIT_NOTE
    payable_label = (
        _("Amount due")
        if invoice_like
        else _("Credit total")
        if document.kind == Kind.CREDIT_NOTE
        else _("Total incl. VAT")
    )
    logo = None
    if branding.logo:
        logo = f"data:{_logo_type(branding.logo)};base64,{base64.b64encode(branding.logo).decode()}"
    seller = document.seller
    buyer = document.buyer
    return {
        "language": language,
        "colour": branding.colour,
        "logo": logo,
        "footer": [row for row in branding.footer.splitlines() if row.strip()],
        "title": _titles()[document.kind],
        "kind": document.kind.value,
        "draft": not document.number,
        "number": document.number,
        "priced": priced,
        "seller": {
            "name": seller.name,
            "address": _address(seller.address),
            "identity": _identity(seller, seller=True),
            "email": seller.email,
            "phone": seller.phone,
        },
        "buyer": {
            "name": buyer.name,
            "address": _address(buyer.address),
            "identity": _identity(buyer, seller=False),
        },
        "delivery_address": _address(document.delivery_address)
        if document.delivery_address and document.delivery_address != buyer.address
        else [],
        "dates": [
            (label, value)
            for label, value in (
                (_("Date"), day(document.issue_date)),
                (
                    _("Delivery date")
                    if document.operation == Operation.GOODS
                    else _("Date of supply"),
                    day(document.delivery_date),
                ),
                (_("Due date"), day(document.due_date) if invoice_like else ""),
                (_("Valid until"), day(document.valid_until)),
                (_("Your order"), document.purchase_order),
                (_("Your reference"), document.buyer_reference),
            )
            if value
        ],
        "preceding": _preceding(document),
        "operation": operation,
        "vat_on_debits": debits if debits not in notes else "",
        "lines": lines,
        "adjustments": adjustments,
        "vat": vat,
        "mentions": mentions,
        "totals": {
            "lines": money(totals.line_total, currency, language),
            "exclusive": money(totals.tax_exclusive, currency, language),
            "tax": money(totals.tax_total, currency, language),
            "inclusive": money(totals.tax_inclusive, currency, language),
            "prepaid": money(totals.prepaid, currency, language) if totals.prepaid else "",
            "payable": money(totals.payable, currency, language),
            "payable_label": payable_label,
            "show_payable": bool(totals.prepaid) or invoice_like or credit,
        },
        "notes": notes,
        "payment": {
            "shown": priced
            and not credit
            and bool(payment.iban or payment.reference or payment.terms),
            "iban": _grouped(payment.iban) if payment.iban else "",
            "bic": payment.bic,
            "reference": payment.reference,
            "structured": bool(STRUCTURED.match(payment.reference)),
            "terms": payment.terms,
        },
        "page_label": _("Page"),
        "seller_line": " · ".join(
            part
            for part in (
                seller.name,
                seller.legal_form,
                seller.registration,
                f"SIREN {seller.siren}" if seller.siren else "",
                seller.vat_number,
            )
            if part
        ),
    }
