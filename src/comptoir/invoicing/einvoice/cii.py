"""The UN/CEFACT CII (Cross Industry Invoice D16B) of a ``Document``, Factur-X
EN 16931 profile: the XML a Factur-X PDF embeds.

``build(document) -> bytes``. Everything comes from the frozen document and
its totals (``core/totals.py``); the VAT exemption texts and codes from
``core/vat.py`` in the seller's country wording.

What a French domestic B2B e-invoice must carry (French CTC rules, XP Z12-012
"Flux 2" v1.4, fatal from 1 September 2026; read in
``rules/fr-ctc/BR-FR-Flux2-Schematron-CII.sch``), beyond EN 16931:

* BT-23 billing framework (``ExchangedDocumentContext/
  BusinessProcessSpecifiedDocumentContextParameter/ID``), mandatory
  (BR-FR-08), one of B1 S1 M1 B2 S2 M2 S3 B4 S4 M4 S5 S6 B7 S7 B8 S8 M8 B9 S9
  M9. Letter: B goods, S services, M mixed. Comptoir uses 1 for an invoice
  (380), a down-payment invoice (386) and a credit note (381); 4 for the
  final invoice after down payment (380 with BT-113 prepaid), which must not
  be typed 386/500/503 (BR-FR-CO-08); 2 only for an invoice already paid
  in full (then BT-113 = BT-112, BT-115 = 0 and a due date: BR-FR-CO-09).
* Notes (BT-21/BT-22): exactly one each (BR-FR-05, BR-FR-06) of subject PMT
  (the 40 EUR recovery indemnity), PMD (late-payment penalties) and AAB (the
  early-payment discount or its absence), on EVERY document type, credit and
  down-payment invoices included; TXD at most once. A note BAR (B2B, B2C,
  B2BINT...) is optional; if present with B2B, the buyer's SIREN and a
  buyer BT-49 ``0225`` starting with that SIREN become mandatory (BR-FR-11,
  BR-FR-21).
* Numbers (BT-1, and BT-25 of preceding invoices): at most 35 characters of
  ``A-Z a-z 0-9 + - _ /`` only, no space, no dot (BR-FR-01, BR-FR-02).
* Seller SIREN (BT-30) with scheme 0002, 9 digits, mandatory (BR-FR-10);
  a SIRET (BT-29, scheme 0009) must start with it (BR-FR-09).
* Seller and buyer electronic addresses BT-34 and BT-49 mandatory (BR-FR-12,
  BR-FR-13); the French directory scheme is ``0225`` with the SIREN (plus an
  optional suffix), characters ``A-Z a-z 0-9 + - _ .`` (BR-FR-23), at most
  125 characters (BR-FR-25).
* A credit note (381) refers to at least one preceding invoice with its
  number AND date (BT-25 + BT-26, ``InvoiceReferencedDocument``: BR-FR-CO-05).
  A final invoice after down payment should reference the down-payment
  invoices the same way (EN 16931 BG-3; not a fatal French rule).
* VAT categories S Z E AE K G O only (no L, M: BR-FR-15); rates 0, 2.1,
  5.5, 10, 20 (and the overseas/Corsica/historic ones of BR-FR-16), written
  with at most 2 decimals (BR-FR-DEC-04).
* Amounts 2 decimals at most, quantities 4, unit prices 6 and positive
  (BR-FR-DEC-01..03); dates in years 2000-2099 (BR-FR-03).
* Due date on or after the issue date, except for down payments (386) and
  already-paid (B2/S2/M2) invoices (BR-FR-CO-07).
* Document type among 380 389 393 501 386 500 384 471 472 473 261 262 381
  396 502 503 (BR-FR-04).

A B2C sale is outside these rules (it is e-reported, not e-invoiced).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from comptoir.core.documents import Address, Document, Party
from comptoir.core.vat import VatCategory, exemption_code, exemption_mention
from comptoir.invoicing.einvoice.common import (
    amount,
    billing_framework,
    endpoint,
    legal_id,
    out_of_scope,
    plain,
    price,
    seller_description,
    street_lines,
    tax_registration,
    word,
)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
GUIDELINE = "urn:cen.eu:en16931:2017"  # Factur-X EN 16931 ("Comfort") profile
DISCOUNT_REASON_CODE = "95"  # UNTDID 5189: discount
VAT_ON_DEBITS_CODE = "5"  # UNTDID 2475: date of invoice (BT-8, "TVA sur les débits")


def _el(parent, ns: str, tag: str, text: str | None = None, **attrs: str):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _ram(parent, tag: str, text: str | None = None, **attrs: str):
    return _el(parent, RAM, tag, text, **attrs)


def _date(parent, tag: str, value: date, *, qualified: bool = False) -> None:
    holder = _ram(parent, tag)
    _el(holder, QDT if qualified else UDT, "DateTimeString", value.strftime("%Y%m%d"), format="102")


def _address(parent, address: Address, country: str) -> None:
    postal = _ram(parent, "PostalTradeAddress")
    if address.postal_code:
        _ram(postal, "PostcodeCode", address.postal_code)
    for tag, line in zip(
        ("LineOne", "LineTwo", "LineThree"), street_lines(address.street), strict=False
    ):
        _ram(postal, tag, line)
    if address.city:
        _ram(postal, "CityName", address.city)
    _ram(postal, "CountryID", address.country or country)


def _party(parent, tag: str, party: Party, *, seller: bool, states_vat: bool) -> None:
    node = _ram(parent, tag)
    if party.siret:
        _ram(node, "GlobalID", party.siret, schemeID="0009")
    _ram(node, "Name", party.name)
    description = seller_description(party) if seller else ""
    if description:
        _ram(node, "Description", description)
    scheme, identifier = legal_id(party)
    if scheme:
        organisation = _ram(node, "SpecifiedLegalOrganization")
        _ram(organisation, "ID", identifier, schemeID=scheme)
    if seller and party.email:
        contact = _ram(node, "DefinedTradeContact")
        _ram(_ram(contact, "EmailURIUniversalCommunication"), "URIID", party.email)
    _address(node, party.address, party.country)
    scheme, identifier = endpoint(party)
    if scheme:
        _ram(_ram(node, "URIUniversalCommunication"), "URIID", identifier, schemeID=scheme)
    if party.vat_number and states_vat:
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.vat_number, schemeID="VA")
    elif seller and states_vat and tax_registration(party):
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", tax_registration(party), schemeID="FC")


def _tax(parent, tag: str, category: str, rate) -> None:
    tax = _ram(parent, tag)
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", category)
    if category != VatCategory.OUT_OF_SCOPE:
        _ram(tax, "RateApplicablePercent", plain(rate))


def _allowance_charge(parent, *, is_charge: bool, value, reason: str, percent=None, base=None):
    node = _ram(parent, "SpecifiedTradeAllowanceCharge")
    _el(_ram(node, "ChargeIndicator"), UDT, "Indicator", "true" if is_charge else "false")
    if percent is not None and base is not None:
        _ram(node, "CalculationPercent", plain(percent))
        _ram(node, "BasisAmount", amount(base))
    _ram(node, "ActualAmount", amount(value))
    if not is_charge:
        _ram(node, "ReasonCode", DISCOUNT_REASON_CODE)
    _ram(node, "Reason", reason)
    return node


def _lines(transaction, document: Document, totals) -> None:
    for index, (line, amounts) in enumerate(zip(document.lines, totals.lines, strict=True), 1):
        item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", line.number or str(index))
        product = _ram(item, "SpecifiedTradeProduct")
        if line.reference:
            _ram(product, "SellerAssignedID", line.reference)
        _ram(product, "Name", line.name or line.description[:100] or "-")
        if line.description:
            _ram(product, "Description", line.description)
        agreement = _ram(item, "SpecifiedLineTradeAgreement")
        _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", price(line.unit_price))
        delivery = _ram(item, "SpecifiedLineTradeDelivery")
        _ram(delivery, "BilledQuantity", plain(line.quantity), unitCode=line.unit or "C62")
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        _tax(settlement, "ApplicableTradeTax", line.vat_category, line.vat_rate)
        if amounts.discount:
            _allowance_charge(
                settlement,
                is_charge=False,
                value=amounts.discount,
                reason=word(document, "discount"),
                percent=line.discount_percent,
                base=amounts.gross,
            )
        summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _ram(summation, "LineTotalAmount", amount(amounts.net))


def _intra_eu(totals) -> bool:
    # BR-IC-11 / BR-IC-12: an intra-EU supply states its date and destination
    # (the buyer's address and the issue date when the document gives none).
    return any(s.category == VatCategory.INTRA_EU for s in totals.vat)


def build(document: Document) -> bytes:
    """The Factur-X EN 16931 CII XML of ``document`` (UTF-8, with declaration)."""
    totals = document.totals
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    context = _el(root, RSM, "ExchangedDocumentContext")
    _ram(_ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID",
         billing_framework(document))  # fmt: skip
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE)

    header = _el(root, RSM, "ExchangedDocument")
    _ram(header, "ID", document.number)
    _ram(header, "TypeCode", document.type_code)
    _date(header, "IssueDateTime", document.issue_date)
    for note in document.notes:
        included = _ram(header, "IncludedNote")
        _ram(included, "Content", note.text)
        if note.subject:
            _ram(included, "SubjectCode", note.subject)

    transaction = _el(root, RSM, "SupplyChainTradeTransaction")
    _lines(transaction, document, totals)

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    states_vat = not out_of_scope(totals)
    if document.buyer_reference:
        _ram(agreement, "BuyerReference", document.buyer_reference)
    _party(agreement, "SellerTradeParty", document.seller, seller=True, states_vat=states_vat)
    _party(agreement, "BuyerTradeParty", document.buyer, seller=False, states_vat=states_vat)
    if document.purchase_order:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID",
             document.purchase_order)  # fmt: skip

    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    ship_to = document.delivery_address
    if ship_to is None and _intra_eu(totals):
        ship_to = document.buyer.address
    if ship_to is not None:
        party = _ram(delivery, "ShipToTradeParty")
        _address(party, ship_to, document.buyer.country)
    supply_date = document.delivery_date
    if supply_date is None and _intra_eu(totals):
        supply_date = document.issue_date
    if supply_date is not None:
        _date(_ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", supply_date)

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    payment = document.payment
    if payment.reference:
        _ram(settlement, "PaymentReference", payment.reference)
    _ram(settlement, "InvoiceCurrencyCode", document.currency)
    if payment.iban or payment.means not in ("30", "58"):
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", payment.means)
        if payment.iban:
            account = _ram(means, "PayeePartyCreditorFinancialAccount")
            _ram(account, "IBANID", payment.iban.replace(" ", ""))
        if payment.bic:
            institution = _ram(means, "PayeeSpecifiedCreditorFinancialInstitution")
            _ram(institution, "BICID", payment.bic)
    seller_country = document.seller.country
    for subtotal in totals.vat:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", amount(subtotal.tax))
        _ram(tax, "TypeCode", "VAT")
        mention = exemption_mention(subtotal.category, seller_country)
        if mention:
            _ram(tax, "ExemptionReason", mention)
        _ram(tax, "BasisAmount", amount(subtotal.taxable))
        _ram(tax, "CategoryCode", subtotal.category)
        code = subtotal.exemption_code or exemption_code(subtotal.category)
        if code:
            _ram(tax, "ExemptionReasonCode", code)
        if document.vat_on_debits and subtotal.category == VatCategory.STANDARD:
            _ram(tax, "DueDateTypeCode", VAT_ON_DEBITS_CODE)
        if subtotal.category != VatCategory.OUT_OF_SCOPE:
            _ram(tax, "RateApplicablePercent", plain(subtotal.rate))
    for adjustment in document.adjustments:
        node = _allowance_charge(
            settlement,
            is_charge=adjustment.is_charge,
            value=adjustment.amount,
            reason=adjustment.reason
            or word(document, "charge" if adjustment.is_charge else "discount"),
            percent=adjustment.percent,
            base=adjustment.base,
        )
        _tax(node, "CategoryTradeTax", adjustment.vat_category, adjustment.vat_rate)
    if payment.terms or document.due_date:
        terms = _ram(settlement, "SpecifiedTradePaymentTerms")
        if payment.terms:
            _ram(terms, "Description", payment.terms)
        if document.due_date:
            _date(terms, "DueDateDateTime", document.due_date)
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", amount(totals.line_total))
    if document.adjustments:
        _ram(summation, "ChargeTotalAmount", amount(totals.charge_total))
        _ram(summation, "AllowanceTotalAmount", amount(totals.allowance_total))
    _ram(summation, "TaxBasisTotalAmount", amount(totals.tax_exclusive))
    _ram(summation, "TaxTotalAmount", amount(totals.tax_total), currencyID=document.currency)
    _ram(summation, "GrandTotalAmount", amount(totals.tax_inclusive))
    if totals.prepaid:
        _ram(summation, "TotalPrepaidAmount", amount(totals.prepaid))
    _ram(summation, "DuePayableAmount", amount(totals.payable))
    for reference in document.preceding:
        referenced = _ram(settlement, "InvoiceReferencedDocument")
        _ram(referenced, "IssuerAssignedID", reference.number)
        if reference.issue_date:
            _date(referenced, "FormattedIssueDateTime", reference.issue_date, qualified=True)

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
