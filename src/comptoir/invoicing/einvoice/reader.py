"""Read a received e-invoice: a CII XML, a UBL Invoice or CreditNote XML, or a
Factur-X PDF (the CII it embeds), into the frozen ``core.documents.Document``
(seller: the supplier; buyer: us) with what the supplier says it is (its
identifiers as written, the syntax, the type code) and the totals it declares.

The file comes from outside: it is parsed with lxml refusing entities, DTDs
and the network, at most ``MAX_BYTES`` long. Anything it cannot read raises
``Unreadable`` with a message for people (never the file's content).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from comptoir.core import documents
from comptoir.core.money import to_cents
from comptoir.invoicing.einvoice import validation

MAX_BYTES = 10 * 1024 * 1024  # a Factur-X PDF of a few pages weighs far less
# No DTD, no entity, no network, no huge text node: a received file is hostile until read.
PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    huge_tree=False,
    load_dtd=False,
    dtd_validation=False,
)
NS = {
    "rsm": validation.CII_NS,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# UNTDID 1001 codes (BT-3) read as a credit note; every other one is an invoice.
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}
DOWN_PAYMENT_CODES = {"386", "500"}
# Identifier schemes (ISO 6523 ICD / EAS) Comptoir matches suppliers by.
SIREN, SIRET, BE_ENTERPRISE, FR_DIRECTORY, BE_VAT = "0002", "0009", "0208", "0225", "9925"


class Unreadable(validation.NotAnInvoice):
    """The file is not an e-invoice Comptoir can read; ``str()`` says why, for people."""


@dataclass(frozen=True)
class Declared:
    """The totals the file states (BT-109, BT-110, BT-112, BT-113, BT-115), to the cent."""

    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    prepaid: Decimal
    payable: Decimal


@dataclass(frozen=True)
class Received:
    document: documents.Document
    syntax: str  # "cii" or "ubl"
    type_code: str  # BT-3 as written
    is_pdf: bool  # a Factur-X PDF (else the XML itself)
    xml: bytes
    declared: Declared
    # Every (scheme, value) the seller is identified by in the file, as written.
    seller_ids: tuple[tuple[str, str], ...]
    line_totals: tuple[Decimal, ...]  # BT-131 of each line, as declared

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.is_pdf else "application/xml"


def read(data: bytes) -> Received:
    """What a received file says; ``Unreadable`` when it is not a readable e-invoice."""
    if not data:
        raise Unreadable(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise Unreadable(
            _("The file is too large (%(mb)s MB at most).") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    is_pdf = data[:5] == b"%PDF-"
    try:
        xml = validation.xml_of(data)
    except validation.NotAnInvoice:
        raise Unreadable(
            _("The PDF holds no Factur-X invoice (no embedded XML could be read).")
        ) from None
    if len(xml) > MAX_BYTES:
        raise Unreadable(_("The embedded invoice is too large."))
    if not is_pdf and not xml.lstrip()[:1] == b"<":
        raise Unreadable(_("The file is neither an XML e-invoice nor a Factur-X PDF."))
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise Unreadable(_("The file declares a document type: e-invoices never do."))
    try:
        root = etree.fromstring(xml, PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise Unreadable(_("The XML is not well formed.")) from None
    try:
        syntax = validation.syntax_of(root)
    except validation.NotAnInvoice:
        raise Unreadable(_("The XML is neither a CII nor a UBL invoice.")) from None
    reader = _Cii(root) if syntax == "cii" else _Ubl(root)
    return reader.received(syntax=syntax, is_pdf=is_pdf, xml=xml)


# Reading helpers -------------------------------------------------------------------
def _text(node, path: str) -> str:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return ""
    value = found[0]
    text = value if isinstance(value, str) else (value.text or "")
    return " ".join(str(text).split())


def _amount(node, path: str, what: str, *, required: bool = False) -> Decimal:
    text = _text(node, path)
    if not text:
        if required:
            raise Unreadable(_("The invoice gives no %(what)s.") % {"what": what})
        return Decimal("0.00")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Unreadable(_("The %(what)s is not a number.") % {"what": what}) from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise Unreadable(_("The %(what)s is out of range.") % {"what": what})
    return value


def _date(text: str, what: str, *, required: bool = False) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise Unreadable(_("The invoice gives no %(what)s.") % {"what": what})
        return None
    try:
        if len(text) == 8 and text.isdigit():  # CII format 102: YYYYMMDD
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text[:10])
    except ValueError:
        raise Unreadable(_("The %(what)s is not a date.") % {"what": what}) from None


def _currency(text: str) -> str:
    """ISO 4217 (BT-5); what is not three capital letters is refused, never put in a path."""
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise Unreadable(_("The invoice gives no valid currency code."))
    return text


def _kind(type_code: str) -> documents.Kind:
    if type_code in CREDIT_NOTE_CODES:
        return documents.Kind.CREDIT_NOTE
    if type_code in DOWN_PAYMENT_CODES:
        return documents.Kind.DOWN_PAYMENT
    return documents.Kind.INVOICE


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()


def identified(
    name: str,
    country: str,
    ids: list[tuple[str, str]],
    vat_number: str,
    electronic: tuple[str, str],
    address: documents.Address,
) -> documents.Party:
    """The party with its SIREN, SIRET, enterprise number and VAT number taken from
    whichever identifiers the file gives (a French VAT number holds the SIREN, a
    Belgian one the enterprise number)."""
    siren = siret = enterprise = ""
    for scheme, value in [*ids, electronic]:
        compact = _digits(value)
        if scheme == SIREN and compact.isdigit() and len(compact) == 9:
            siren = siren or compact
        elif scheme == SIRET and compact.isdigit() and len(compact) == 14:
            siret = siret or compact
            siren = siren or compact[:9]
        elif scheme == FR_DIRECTORY and compact[:9].isdigit() and len(compact) >= 9:
            siren = siren or compact[:9]
        elif scheme == BE_ENTERPRISE and compact.isdigit() and len(compact) in (9, 10):
            enterprise = enterprise or compact.zfill(10)
        elif scheme == BE_VAT and compact.removeprefix("BE").isdigit():
            enterprise = enterprise or compact.removeprefix("BE").zfill(10)
    vat = _digits(vat_number)
    if vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
        siren = siren or vat[4:]
    if vat.startswith("BE") and vat[2:].isdigit():
        enterprise = enterprise or vat[2:].zfill(10)
    return documents.Party(
        name=name,
        country=country,
        address=address,
        siren=siren,
        siret=siret,
        enterprise_number=enterprise,
        vat_number=vat,
        electronic_address=electronic[1],
        electronic_scheme=electronic[0],
    )


class _Cii:
    def __init__(self, root):
        self.root = root
        self.agreement = self._one(
            "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        )
        self.settlement = self._one(
            "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
        )

    def _one(self, path: str):
        found = self.root.xpath(path, namespaces=NS)
        if not found:
            raise Unreadable(_("The invoice lacks a required part."))
        return found[0]

    def party(self, path: str) -> tuple[documents.Party, list[tuple[str, str]]]:
        found = self.agreement.xpath(path, namespaces=NS)
        if not found:
            raise Unreadable(_("The invoice names no seller or no buyer."))
        node = found[0]
        ids = [
            (element.get("schemeID", ""), " ".join((element.text or "").split()))
            for element in node.xpath(
                "ram:ID | ram:GlobalID | ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS
            )
        ]
        vat = _text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")
        uri = node.xpath("ram:URIUniversalCommunication/ram:URIID", namespaces=NS)
        electronic = (
            (uri[0].get("schemeID", ""), " ".join((uri[0].text or "").split())) if uri else ("", "")
        )
        address = node.xpath("ram:PostalTradeAddress", namespaces=NS)
        postal = address[0] if address else node
        street = "\n".join(
            line
            for line in (
                _text(postal, "ram:LineOne"),
                _text(postal, "ram:LineTwo"),
                _text(postal, "ram:LineThree"),
            )
            if line
        )
        country = _text(postal, "ram:CountryID").upper()
        party = identified(
            _text(node, "ram:Name"),
            country,
            ids,
            vat,
            electronic,
            documents.Address(
                street=street,
                postal_code=_text(postal, "ram:PostcodeCode"),
                city=_text(postal, "ram:CityName"),
                country=country,
            ),
        )
        return party, [
            *ids,
            *([electronic] if electronic[1] else []),
            *([("VA", vat)] if vat else []),
        ]

    def lines(self) -> tuple[list[documents.Line], list[Decimal]]:
        lines, totals = [], []
        for item in self.root.xpath(
            "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", namespaces=NS
        ):
            tax = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
            lines.append(
                documents.Line(
                    number=_text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
                    name=_text(item, "ram:SpecifiedTradeProduct/ram:Name"),
                    description=_text(item, "ram:SpecifiedTradeProduct/ram:Description"),
                    reference=_text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
                    unit=_text(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode")
                    or "C62",
                    quantity=_amount(
                        item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", _("quantity")
                    ),
                    unit_price=_amount(
                        item,
                        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
                        _("unit price"),
                    ),
                    vat_category=_text(item, tax + "ram:CategoryCode") or "S",
                    vat_rate=_amount(item, tax + "ram:RateApplicablePercent", _("VAT rate")),
                )
            )
            totals.append(
                _amount(
                    item,
                    "ram:SpecifiedLineTradeSettlement/"
                    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                    _("line total"),
                )
            )
        return lines, totals

    def received(self, *, syntax: str, is_pdf: bool, xml: bytes) -> Received:
        header = self._one("rsm:ExchangedDocument")
        type_code = _text(header, "ram:TypeCode")
        number = _text(header, "ram:ID")
        if not number:
            raise Unreadable(_("The invoice has no number."))
        seller, seller_ids = self.party("ram:SellerTradeParty")
        buyer, _buyer_ids = self.party("ram:BuyerTradeParty")
        summation = self.settlement.xpath(
            "ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=NS
        )
        if not summation:
            raise Unreadable(_("The invoice gives no totals."))
        sums = summation[0]
        currency = _currency(_text(self.settlement, "ram:InvoiceCurrencyCode"))
        declared = Declared(
            total_excl_vat=to_cents(
                _amount(sums, "ram:TaxBasisTotalAmount", _("total excl. VAT"), required=True)
            ),
            total_vat=to_cents(
                _amount(
                    sums,
                    f"ram:TaxTotalAmount[@currencyID='{currency}']"
                    " | ram:TaxTotalAmount[not(@currencyID)]",
                    _("VAT total"),
                )
            ),
            total_incl_vat=to_cents(
                _amount(sums, "ram:GrandTotalAmount", _("total incl. VAT"), required=True)
            ),
            prepaid=to_cents(_amount(sums, "ram:TotalPrepaidAmount", _("amount paid"))),
            payable=to_cents(_amount(sums, "ram:DuePayableAmount", _("amount due"), required=True)),
        )
        lines, line_totals = self.lines()
        document = documents.Document(
            kind=_kind(type_code),
            number=number,
            issue_date=_date(
                _text(header, "ram:IssueDateTime/udt:DateTimeString"),
                _("issue date"),
                required=True,
            ),
            seller=seller,
            buyer=buyer,
            lines=tuple(lines),
            prepaid=declared.prepaid,
            currency=currency,
            due_date=_date(
                _text(
                    self.settlement,
                    "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
                ),
                _("due date"),
            ),
            purchase_order=_text(
                self.agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
            ),
            buyer_reference=_text(self.agreement, "ram:BuyerReference"),
            notes=tuple(
                documents.Note(
                    text=_text(note, "ram:Content"), subject=_text(note, "ram:SubjectCode")
                )
                for note in header.xpath("ram:IncludedNote", namespaces=NS)
            ),
        )
        return Received(
            document=document,
            syntax=syntax,
            type_code=type_code,
            is_pdf=is_pdf,
            xml=xml,
            declared=declared,
            seller_ids=tuple(seller_ids),
            line_totals=tuple(line_totals),
        )


class _Ubl:
    def __init__(self, root):
        self.root = root
        self.is_credit_note = etree.QName(root).localname == "CreditNote"

    def party(self, path: str) -> tuple[documents.Party, list[tuple[str, str]]]:
        found = self.root.xpath(path, namespaces=NS)
        if not found:
            raise Unreadable(_("The invoice names no seller or no buyer."))
        node = found[0]
        ids = [
            (element.get("schemeID", ""), " ".join((element.text or "").split()))
            for element in node.xpath(
                "cac:PartyIdentification/cbc:ID | cac:PartyLegalEntity/cbc:CompanyID",
                namespaces=NS,
            )
        ]
        vat = _text(node, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID")
        endpoint = node.xpath("cbc:EndpointID", namespaces=NS)
        electronic = (
            (endpoint[0].get("schemeID", ""), " ".join((endpoint[0].text or "").split()))
            if endpoint
            else ("", "")
        )
        address = node.xpath("cac:PostalAddress", namespaces=NS)
        postal = address[0] if address else node
        street = "\n".join(
            line
            for line in (
                _text(postal, "cbc:StreetName"),
                _text(postal, "cbc:AdditionalStreetName"),
                _text(postal, "cac:AddressLine/cbc:Line"),
            )
            if line
        )
        country = _text(postal, "cac:Country/cbc:IdentificationCode").upper()
        name = _text(node, "cac:PartyLegalEntity/cbc:RegistrationName") or _text(
            node, "cac:PartyName/cbc:Name"
        )
        party = identified(
            name,
            country,
            ids,
            vat,
            electronic,
            documents.Address(
                street=street,
                postal_code=_text(postal, "cbc:PostalZone"),
                city=_text(postal, "cbc:CityName"),
                country=country,
            ),
        )
        return party, [
            *ids,
            *([electronic] if electronic[1] else []),
            *([("VAT", vat)] if vat else []),
        ]

    def lines(self) -> tuple[list[documents.Line], list[Decimal]]:
        tag, quantity = (
            ("cac:CreditNoteLine", "cbc:CreditedQuantity")
            if self.is_credit_note
            else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
        )
        lines, totals = [], []
        for item in self.root.xpath(tag, namespaces=NS):
            category = "cac:Item/cac:ClassifiedTaxCategory/"
            lines.append(
                documents.Line(
                    number=_text(item, "cbc:ID"),
                    name=_text(item, "cac:Item/cbc:Name"),
                    description=_text(item, "cac:Item/cbc:Description"),
                    reference=_text(item, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
                    unit=_text(item, f"{quantity}/@unitCode") or "C62",
                    quantity=_amount(item, quantity, _("quantity")),
                    unit_price=_amount(item, "cac:Price/cbc:PriceAmount", _("unit price")),
                    vat_category=_text(item, category + "cbc:ID") or "S",
                    vat_rate=_amount(item, category + "cbc:Percent", _("VAT rate")),
                )
            )
            totals.append(_amount(item, "cbc:LineExtensionAmount", _("line total")))
        return lines, totals

    def received(self, *, syntax: str, is_pdf: bool, xml: bytes) -> Received:
        root = self.root
        type_code = _text(
            root, "cbc:CreditNoteTypeCode" if self.is_credit_note else "cbc:InvoiceTypeCode"
        )
        type_code = type_code or ("381" if self.is_credit_note else "380")
        number = _text(root, "cbc:ID")
        if not number:
            raise Unreadable(_("The invoice has no number."))
        seller, seller_ids = self.party("cac:AccountingSupplierParty/cac:Party")
        buyer, _buyer_ids = self.party("cac:AccountingCustomerParty/cac:Party")
        currency = _currency(_text(root, "cbc:DocumentCurrencyCode"))
        totals = root.xpath("cac:LegalMonetaryTotal", namespaces=NS)
        if not totals:
            raise Unreadable(_("The invoice gives no totals."))
        sums = totals[0]
        declared = Declared(
            total_excl_vat=to_cents(
                _amount(sums, "cbc:TaxExclusiveAmount", _("total excl. VAT"), required=True)
            ),
            total_vat=to_cents(
                _amount(
                    root,
                    f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']",
                    _("VAT total"),
                )
            ),
            total_incl_vat=to_cents(
                _amount(sums, "cbc:TaxInclusiveAmount", _("total incl. VAT"), required=True)
            ),
            prepaid=to_cents(_amount(sums, "cbc:PrepaidAmount", _("amount paid"))),
            payable=to_cents(_amount(sums, "cbc:PayableAmount", _("amount due"), required=True)),
        )
        lines, line_totals = self.lines()
        due = _text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
        document = documents.Document(
            kind=_kind(type_code),
            number=number,
            issue_date=_date(_text(root, "cbc:IssueDate"), _("issue date"), required=True),
            seller=seller,
            buyer=buyer,
            lines=tuple(lines),
            prepaid=declared.prepaid,
            currency=currency,
            due_date=_date(due, _("due date")),
            purchase_order=_text(root, "cac:OrderReference/cbc:ID"),
            buyer_reference=_text(root, "cbc:BuyerReference"),
            notes=tuple(
                documents.Note(text=_text(note, "."))
                for note in root.xpath("cbc:Note", namespaces=NS)
            ),
        )
        return Received(
            document=document,
            syntax=syntax,
            type_code=type_code,
            is_pdf=is_pdf,
            xml=xml,
            declared=declared,
            seller_ids=tuple(seller_ids),
            line_totals=tuple(line_totals),
        )
