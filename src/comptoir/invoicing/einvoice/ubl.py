"""The UBL 2.1 Peppol BIS Billing 3.0 e-invoice of a ``Document``: an
``Invoice`` (380, 386) or a ``CreditNote`` (381), for Belgian clients (Peppol
is their B2B channel since January 2026) and on request.

``build(document) -> bytes``. The same values as the CII (``cii.py``), in
UBL's order; Belgian parties are identified by their enterprise number
(scheme 0208) and the structured communication goes in ``PaymentID`` (BT-83).

Peppol fixes ``ProfileID`` (BT-23) to its billing process; the French CTC
UBL flavour puts the French billing framework code (B1, S1...) there
instead (BR-FR-08), so a Peppol UBL to a French client cannot pass the French
rules: French clients get the Factur-X (CII), which carries both.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from comptoir.core.documents import Address, Document, Kind, Party
from comptoir.core.einvoice_addresses import PEPPOL_EAS_CODES
from comptoir.core.vat import VatCategory, exemption_code, exemption_mention
from comptoir.invoicing.einvoice.common import (
    amount,
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

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
DISCOUNT_REASON_CODE = "95"  # UNTDID 5189: discount
VAT_ON_DEBITS_CODE = "3"  # UNTDID 2005: invoice date (BT-8, "TVA sur les débits")


def _cbc(parent, tag: str, text: str, **attrs: str):
    element = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
    element.text = text
    return element


def _cac(parent, tag: str):
    return etree.SubElement(parent, f"{{{CAC}}}{tag}")


def _iso(value: date) -> str:
    return value.isoformat()


def _address(parent, tag: str, address: Address, country: str) -> None:
    node = _cac(parent, tag)
    lines = street_lines(address.street)
    if lines:
        _cbc(node, "StreetName", lines[0])
    if len(lines) > 1:
        _cbc(node, "AdditionalStreetName", lines[1])
    if address.city:
        _cbc(node, "CityName", address.city)
    if address.postal_code:
        _cbc(node, "PostalZone", address.postal_code)
    if len(lines) > 2:
        _cbc(_cac(node, "AddressLine"), "Line", lines[2])
    _cbc(_cac(node, "Country"), "IdentificationCode", address.country or country)


class NoPeppolAddress(ValueError):
    """A party has no address on the Peppol network (BT-34 / BT-49 are
    mandatory there, in the Peppol EAS schemes: an e-mail is not one)."""


def peppol_endpoint(party: Party, role: str) -> tuple[str, str]:
    scheme, identifier = endpoint(party)
    if scheme not in PEPPOL_EAS_CODES:
        raise NoPeppolAddress(f"the {role} has no Peppol electronic address")
    return scheme, identifier


def _party(parent, tag: str, party: Party, *, seller: bool, states_vat: bool) -> None:
    node = _cac(_cac(parent, tag), "Party")
    scheme, identifier = peppol_endpoint(party, "seller" if seller else "buyer")
    _cbc(node, "EndpointID", identifier, schemeID=scheme)
    if party.siret:
        _cbc(_cac(node, "PartyIdentification"), "ID", party.siret, schemeID="0009")
    _cbc(_cac(node, "PartyName"), "Name", party.name)
    _address(node, "PostalAddress", party.address, party.country)
    if party.vat_number and states_vat:
        tax_scheme = _cac(node, "PartyTaxScheme")
        _cbc(tax_scheme, "CompanyID", party.vat_number)
        _cbc(_cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    elif seller and states_vat and tax_registration(party):
        tax_scheme = _cac(node, "PartyTaxScheme")
        _cbc(tax_scheme, "CompanyID", tax_registration(party))
        _cbc(_cac(tax_scheme, "TaxScheme"), "ID", "TAX")
    legal = _cac(node, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    scheme, identifier = legal_id(party)
    if scheme:
        _cbc(legal, "CompanyID", identifier, schemeID=scheme)
    description = seller_description(party) if seller else ""
    if description:
        _cbc(legal, "CompanyLegalForm", description)
    if seller and party.email:
        _cbc(_cac(node, "Contact"), "ElectronicMail", party.email)


def _category(parent, tag: str, category: str, rate, *, document: Document | None = None):
    node = _cac(parent, tag)
    _cbc(node, "ID", category)
    if category != VatCategory.OUT_OF_SCOPE:
        _cbc(node, "Percent", plain(rate))
    if document is not None:
        code = exemption_code(category)
        if code:
            _cbc(node, "TaxExemptionReasonCode", code)
            _cbc(node, "TaxExemptionReason", exemption_mention(category, document.seller.country))
    _cbc(_cac(node, "TaxScheme"), "ID", "VAT")
    return node


def _allowance_charge(parent, *, currency, is_charge, value, reason, percent=None, base=None):
    node = _cac(parent, "AllowanceCharge")
    _cbc(node, "ChargeIndicator", "true" if is_charge else "false")
    if not is_charge:
        _cbc(node, "AllowanceChargeReasonCode", DISCOUNT_REASON_CODE)
    _cbc(node, "AllowanceChargeReason", reason)
    if percent is not None and base is not None:
        _cbc(node, "MultiplierFactorNumeric", plain(percent))
    _cbc(node, "Amount", amount(value), currencyID=currency)
    if percent is not None and base is not None:
        _cbc(node, "BaseAmount", amount(base), currencyID=currency)
    return node


def build(document: Document) -> bytes:
    """The Peppol BIS Billing 3.0 UBL XML of ``document`` (UTF-8, with
    declaration); ``NoPeppolAddress`` when the seller or the buyer cannot be
    addressed on Peppol (a consumer known by e-mail only, say)."""
    credit = document.kind == Kind.CREDIT_NOTE
    root_name = "CreditNote" if credit else "Invoice"
    namespace = CREDIT_NOTE if credit else INVOICE
    root = etree.Element(
        f"{{{namespace}}}{root_name}", nsmap={None: namespace, "cac": CAC, "cbc": CBC}
    )
    currency = document.currency
    totals = document.totals

    _cbc(root, "CustomizationID", CUSTOMIZATION)
    _cbc(root, "ProfileID", PROFILE)
    _cbc(root, "ID", document.number)
    _cbc(root, "IssueDate", _iso(document.issue_date))
    if document.due_date and not credit:
        _cbc(root, "DueDate", _iso(document.due_date))
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", document.type_code)
    if document.notes:
        # Peppol allows one note (R002): the notes are joined, each prefixed by
        # its subject code as EN 16931-3-2 writes BT-21 in UBL ("#PMT#...").
        _cbc(root, "Note", "\n".join(
            f"#{note.subject}#{note.text}" if note.subject else note.text
            for note in document.notes
        ))  # fmt: skip
    _cbc(root, "DocumentCurrencyCode", currency)
    # Peppol R003: a buyer reference or an order reference; the invoice number
    # stands in for a buyer who gave neither.
    if document.buyer_reference or not document.purchase_order:
        _cbc(root, "BuyerReference", document.buyer_reference or document.number)
    if document.vat_on_debits:
        _cbc(_cac(root, "InvoicePeriod"), "DescriptionCode", VAT_ON_DEBITS_CODE)
    if document.purchase_order:
        _cbc(_cac(root, "OrderReference"), "ID", document.purchase_order)
    for reference in document.preceding:
        invoice = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(invoice, "ID", reference.number)
        if reference.issue_date:
            _cbc(invoice, "IssueDate", _iso(reference.issue_date))

    states_vat = not out_of_scope(totals)
    _party(root, "AccountingSupplierParty", document.seller, seller=True, states_vat=states_vat)
    _party(root, "AccountingCustomerParty", document.buyer, seller=False, states_vat=states_vat)

    intra_eu = any(s.category == VatCategory.INTRA_EU for s in totals.vat)
    ship_to = document.delivery_address or (document.buyer.address if intra_eu else None)
    supply_date = document.delivery_date or (document.issue_date if intra_eu else None)
    if ship_to is not None or supply_date is not None:
        delivery = _cac(root, "Delivery")
        if supply_date is not None:
            _cbc(delivery, "ActualDeliveryDate", _iso(supply_date))
        if ship_to is not None:
            _address(_cac(delivery, "DeliveryLocation"), "Address", ship_to, document.buyer.country)

    payment = document.payment
    if payment.iban or payment.means not in ("30", "58") or (credit and document.due_date):
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", payment.means)
        if credit and document.due_date:
            _cbc(means, "PaymentDueDate", _iso(document.due_date))
        if payment.reference:
            _cbc(means, "PaymentID", payment.reference)
        if payment.iban:
            account = _cac(means, "PayeeFinancialAccount")
            _cbc(account, "ID", payment.iban.replace(" ", ""))
            if payment.bic:
                _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", payment.bic)
    if payment.terms:
        _cbc(_cac(root, "PaymentTerms"), "Note", payment.terms)

    for adjustment in document.adjustments:
        node = _allowance_charge(
            root,
            currency=currency,
            is_charge=adjustment.is_charge,
            value=adjustment.amount,
            reason=adjustment.reason
            or word(document, "charge" if adjustment.is_charge else "discount"),
            percent=adjustment.percent,
            base=adjustment.base,
        )
        _category(node, "TaxCategory", adjustment.vat_category, adjustment.vat_rate)

    tax_total = _cac(root, "TaxTotal")
    _cbc(tax_total, "TaxAmount", amount(totals.tax_total), currencyID=currency)
    for subtotal in totals.vat:
        node = _cac(tax_total, "TaxSubtotal")
        _cbc(node, "TaxableAmount", amount(subtotal.taxable), currencyID=currency)
        _cbc(node, "TaxAmount", amount(subtotal.tax), currencyID=currency)
        _category(node, "TaxCategory", subtotal.category, subtotal.rate, document=document)

    monetary = _cac(root, "LegalMonetaryTotal")
    _cbc(monetary, "LineExtensionAmount", amount(totals.line_total), currencyID=currency)
    _cbc(monetary, "TaxExclusiveAmount", amount(totals.tax_exclusive), currencyID=currency)
    _cbc(monetary, "TaxInclusiveAmount", amount(totals.tax_inclusive), currencyID=currency)
    if document.adjustments:
        _cbc(monetary, "AllowanceTotalAmount", amount(totals.allowance_total), currencyID=currency)
        _cbc(monetary, "ChargeTotalAmount", amount(totals.charge_total), currencyID=currency)
    if totals.prepaid:
        _cbc(monetary, "PrepaidAmount", amount(totals.prepaid), currencyID=currency)
    _cbc(monetary, "PayableAmount", amount(totals.payable), currencyID=currency)

    for index, (line, amounts) in enumerate(zip(document.lines, totals.lines, strict=True), 1):
        node = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(node, "ID", line.number or str(index))
        _cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity", plain(line.quantity),
             unitCode=line.unit or "C62")  # fmt: skip
        _cbc(node, "LineExtensionAmount", amount(amounts.net), currencyID=currency)
        if amounts.discount:
            _allowance_charge(
                node,
                currency=currency,
                is_charge=False,
                value=amounts.discount,
                reason=word(document, "discount"),
                percent=line.discount_percent,
                base=amounts.gross,
            )
        item = _cac(node, "Item")
        if line.description:
            _cbc(item, "Description", line.description)
        _cbc(item, "Name", line.name or line.description[:100] or "-")
        if line.reference:
            _cbc(_cac(item, "SellersItemIdentification"), "ID", line.reference)
        _category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate)
        _cbc(_cac(node, "Price"), "PriceAmount", price(line.unit_price), currencyID=currency)

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
