"""Every kind of invoice Comptoir issues, written as CII (Factur-X) and UBL
(Peppol BIS 3.0), passes the official rules: EN 16931, Factur-X EN16931,
Peppol BIS 3.0 and, for a domestic French invoice, the French CTC rules."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from weasyprint import HTML

from comptoir.core.documents import Address, Kind, Operation, Payment
from comptoir.core.totals import Adjustment, document_discount
from comptoir.invoicing.einvoice import cii, facturx, ubl, validation
from tests.invoicing.einvoice.makers import (
    FRENCH_B2B_NOTES,
    belgian_company,
    document,
    foreign_company,
    french_company,
    french_consumer,
    line,
    reference,
)

pytestmark = pytest.mark.skipif(not validation.available(), reason="e-invoice rules missing")


def _fatal(data: bytes, **kwargs) -> list[tuple[str, str, str]]:
    return [
        (f.rules, f.id, f.text[:160]) for f in validation.fatal(validation.validate(data, **kwargs))
    ]


def _structured_communication(base: int) -> str:
    check = base % 97 or 97
    digits = f"{base:010d}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def several_rates():
    return document(
        [
            line("2", "600", "20", name="Conseil"),
            line("3", "45.50", "10", name="Travaux de rénovation"),
            line("12", "3.99", "5.5", name="Livres"),
            line("40", "1.20", "2.1", name="Presse"),
        ],
        operation=Operation.MIXED,
    )


def rounding_edges():
    lines = [line("1", "0.05", "5.5") for _ in range(30)]  # VAT 0.00 per line, 0.08 in total
    lines += [
        line("3.333", "19.9999", "20"),
        line("0.125", "7.1234", "10", unit="KGM"),
        line("1.005", "0.9950", "2.1", unit="HUR"),
        line("7", "0.0149", "20", discount="33.33"),
    ]
    return document(lines)


def discounts_and_charges():
    lines = [
        line("10", "120", "20", discount="10"),
        line("4", "35.75", "5.5", discount="2.5"),
        line("1", "800", "10"),
    ]
    adjustments = document_discount(lines, Decimal("5"), reason="Remise fidélité")
    adjustments.append(
        Adjustment(
            amount=Decimal("25.00"),
            vat_category="S",
            vat_rate=Decimal("20"),
            reason="Frais de port",
            is_charge=True,
        )
    )
    return document(lines, adjustments=tuple(adjustments), operation=Operation.GOODS)


def credit_note():
    return document(
        [line("1", "600", "20", name="Avoir sur conseil")],
        kind=Kind.CREDIT_NOTE,
        number="AV-2026-00003",
        preceding=(reference(),),
    )


def down_payment():
    return document(
        [line("1", "3000", "20", name="Acompte 30 % sur commande BC-7788")],
        kind=Kind.DOWN_PAYMENT,
        number="F-2026-00040",
        due_date=date(2026, 12, 1),
    )


def final_after_down_payment():
    return document(
        [line("10", "1000", "20", name="Installation")],
        number="F-2026-00050",
        prepaid=Decimal("3600.00"),  # the down payment's total with VAT
        preceding=(reference("F-2026-00040", date(2026, 11, 2)),),
    )


def intra_eu_goods():
    return document(
        [line("50", "19.90", "0", category="K"), line("5", "120", "0", category="K")],
        buyer=foreign_company("DE", vat="DE129273398"),
        operation=Operation.GOODS,
        delivery_date=date(2026, 11, 28),
        notes=(),
    )


def reverse_charge_services():
    return document(
        [line("3", "850", "0", category="AE", unit="DAY")],
        buyer=belgian_company(),
        notes=(),
    )


def export():
    return document(
        [line("100", "12.40", "0", category="G")],
        buyer=foreign_company("US"),
        operation=Operation.GOODS,
        delivery_date=date(2026, 11, 30),
        notes=(),
    )


def franchise_293b():
    return document(
        [line("2", "450", "0", category="E"), line("1", "75", "0", category="E")],
        seller=french_company(vat=False, email="contact@example.fr"),
    )


def out_of_scope():
    # nothing else may be on an invoice outside the scope of VAT (BR-O-11)
    return document(
        [line("1", "1250", "0", category="O", name="Débours : frais d'acte")],
    )


def b2c_sale():
    return document(
        [line("1", "89.90", "20"), line("2", "15", "5.5")],
        buyer=french_consumer(),
        notes=(),
        purchase_order="",
        operation=Operation.GOODS,
    )


def belgian_client():
    return document(
        [line("3", "250", "21"), line("10", "9.95", "6"), line("2", "40", "12")],
        seller=belgian_company(),
        buyer=belgian_company(),
        notes=(),
        payment=Payment(
            means="30",
            iban="BE71096123456769",
            bic="GKCCBEBB",
            reference=_structured_communication(4_021_334_567),
            terms="Betaling binnen 30 dagen",
        ),
        language="nl",
        buyer_reference="PO-BE-17",
        purchase_order="",
        delivery_address=Address(
            street="Rue de la Loi 16", postal_code="1000", city="Bruxelles", country="BE"
        ),
    )


def hundred_lines():
    rates = ("20", "10", "5.5", "2.1")
    return document(
        [
            line(
                f"{1 + i % 7}.{i % 10}",
                f"{3 + i}.{(i * 37) % 100:02d}",
                rates[i % 4],
                discount=str(i % 5),
            )  # fmt: skip
            for i in range(100)
        ],
        operation=Operation.MIXED,
    )


MATRIX = {
    "several rates": several_rates,
    "rounding edges": rounding_edges,
    "discounts and charges": discounts_and_charges,
    "credit note": credit_note,
    "down payment": down_payment,
    "final after down payment": final_after_down_payment,
    "intra-EU goods (K)": intra_eu_goods,
    "reverse-charge services (AE)": reverse_charge_services,
    "export (G)": export,
    "293 B franchise (E)": franchise_293b,
    "outside the scope of VAT (O)": out_of_scope,
    "B2C sale": b2c_sale,
    "Belgian client": belgian_client,
    "100 lines": hundred_lines,
}
# A sale to a consumer is outside the French CTC (it is e-reported, not
# e-invoiced): its CII is held to EN 16931 and Factur-X only.
FRENCH_RULES = {"B2C sale": False}


@pytest.mark.parametrize("case", MATRIX)
def test_the_cii_passes_the_official_rules(case):
    doc = MATRIX[case]()
    assert _fatal(cii.build(doc), french=FRENCH_RULES.get(case)) == []


def _french_domestic(doc) -> bool:
    return doc.seller.country == doc.buyer.country == "FR"


@pytest.mark.parametrize("case", [case for case in MATRIX if case != "B2C sale"])
def test_the_ubl_passes_the_official_rules(case):
    doc = MATRIX[case]()
    xml = ubl.build(doc)
    assert _fatal(xml, french=False) == []
    if _french_domestic(doc) and case not in FRENCH_RULES:
        # Peppol fixes ProfileID; the French UBL flavour wants BT-23 there:
        # the one French rule a Peppol UBL cannot meet (French clients get CII).
        assert {rule for _, rule, _ in _fatal(xml)} == {"BR-FR-08_BT-23"}


def test_a_consumer_known_by_email_only_gets_no_peppol_ubl():
    # Peppol addresses participants in its EAS schemes, never by e-mail: a UBL
    # with the consumer's e-mail as BT-49 would be refused (PEPPOL-EN16931-CL008).
    with pytest.raises(ubl.NoPeppolAddress, match="buyer"):
        ubl.build(b2c_sale())


def _pdf_a3(doc) -> bytes:
    html = (
        f"<html lang='fr'><body><h1>Facture {doc.number}</h1><p>{doc.seller.name}</p></body></html>"
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


@pytest.mark.parametrize("case", ["several rates", "credit note", "293 B franchise (E)"])
def test_the_factur_x_pdf_passes_the_official_rules(case):
    doc = MATRIX[case]()
    xml = cii.build(doc)
    pdf = facturx.embed(_pdf_a3(doc), xml)
    assert pdf[:5] == b"%PDF-"
    assert validation.xml_of(pdf) == xml
    assert _fatal(pdf) == []


def test_embedding_refuses_what_is_not_a_pdf_or_a_valid_cii():
    doc = several_rates()
    with pytest.raises(facturx.EmbedError):
        facturx.embed(b"not a pdf", cii.build(doc))
    with pytest.raises(facturx.EmbedError):
        facturx.embed(_pdf_a3(doc), b"<x/>")


NS = {**cii.NSMAP, "cac": ubl.CAC, "cbc": ubl.CBC}


def _xpath(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_the_cii_says_what_the_document_holds():
    doc = final_after_down_payment()
    xml = cii.build(doc)
    assert _xpath(xml, "//rsm:ExchangedDocumentContext//ram:ID/text()") == [
        "S4",
        cii.GUIDELINE,
    ]
    assert _xpath(xml, "//ram:TotalPrepaidAmount/text()") == ["3600.00"]
    assert _xpath(xml, "//ram:DuePayableAmount/text()") == ["8400.00"]
    assert _xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [
        "F-2026-00040"
    ]
    assert _xpath(xml, "//ram:IncludedNote/ram:SubjectCode/text()") == ["PMT", "PMD", "AAB"]
    seller = "//ram:SellerTradeParty"
    assert _xpath(xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == ["0002"]
    assert _xpath(xml, f"{seller}/ram:URIUniversalCommunication/ram:URIID/text()") == [
        doc.seller.siren
    ]
    assert _xpath(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()") == [
        "BC-7788"
    ]


def test_the_exempt_categories_carry_their_reason_in_the_seller_country_wording():
    xml = cii.build(franchise_293b())
    assert _xpath(xml, "//ram:ApplicableTradeTax/ram:ExemptionReason/text()") == [
        "TVA non applicable, art. 293 B du CGI"
    ]
    assert _xpath(xml, "//ram:ApplicableTradeTax/ram:ExemptionReasonCode/text()") == [
        "VATEX-FR-FRANCHISE"
    ]
    # no VAT number: the seller's SIREN as its tax registration (BT-32, BR-E-02)
    assert _xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID/@schemeID") == [
        "FC"
    ]


def test_the_belgian_ubl_carries_the_enterprise_numbers_and_the_structured_communication():
    doc = belgian_client()
    xml = ubl.build(doc)
    assert _xpath(xml, "//cbc:EndpointID/@schemeID") == ["0208", "0208"]
    assert _xpath(xml, "//cac:PartyLegalEntity/cbc:CompanyID/text()") == [
        doc.seller.enterprise_number,
        doc.buyer.enterprise_number,
    ]
    assert _xpath(xml, "//cac:PaymentMeans/cbc:PaymentID/text()") == [doc.payment.reference]
    assert _xpath(xml, "/*/cbc:ProfileID/text()") == [ubl.PROFILE]


def test_a_credit_note_is_a_ubl_credit_note():
    xml = ubl.build(credit_note())
    assert etree.QName(etree.fromstring(xml)).localname == "CreditNote"
    assert _xpath(xml, "//cbc:CreditNoteTypeCode/text()") == ["381"]
    assert _xpath(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == [
        "F-2026-00041"
    ]


# --- the matrix can fail -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Tampered:
    """A document whose totals say something its lines do not."""

    document: object
    change: dict

    def __getattr__(self, name):
        return getattr(self.document, name)

    @property
    def totals(self):
        return dataclasses.replace(self.document.totals, **self.change)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"tax_total": Decimal("0.01")}, "BR-CO-14"),
        ({"line_total": Decimal("1.00")}, "BR-CO-10"),
        ({"payable": Decimal("1.00")}, "BR-CO-16"),
    ],
)
def test_tampered_totals_are_caught(change, rule):
    doc = several_rates()
    tampered = Tampered(doc, {k: doc.totals.__dict__[k] + v for k, v in change.items()})
    ids = {rule_id for _, rule_id, _ in _fatal(cii.build(tampered))}
    assert rule in ids
    ids = {rule_id for _, rule_id, _ in _fatal(ubl.build(tampered), french=False)}
    assert ids


def test_a_french_invoice_without_its_mandatory_notes_is_caught():
    doc = dataclasses.replace(several_rates(), notes=FRENCH_B2B_NOTES[:2])
    ids = {rule_id for _, rule_id, _ in _fatal(cii.build(doc))}
    assert ids == {"BR-FR-05_BT-22_AAB"}


def test_a_number_with_a_dot_is_refused_by_the_french_rules():
    # BR-FR-02: numbers hold A-Z a-z 0-9 + - _ / only (sales' number patterns
    # also allow "." today: a pattern with one gives numbers the CTC refuses).
    doc = dataclasses.replace(several_rates(), number="F.2026.00042")
    assert {rule_id for _, rule_id, _ in _fatal(cii.build(doc))} == {"BR-FR-02_BT-1"}


# --- any lines ----------------------------------------------------------------

RATES = ("20", "10", "5.5", "2.1")
TOTAL_RULES = {f"BR-CO-{n}" for n in range(10, 17)} | {"BR-S-08", "BR-S-09"}

a_line = st.builds(
    lambda q, p, r, d: line(str(q), str(p), r, discount=str(d)),
    st.decimals(Decimal("0.001"), Decimal("500"), places=3),
    st.decimals(Decimal("0.0001"), Decimal("5000"), places=4),
    st.sampled_from(RATES),
    st.sampled_from([Decimal(0), Decimal("0.5"), Decimal("5"), Decimal("12.25"), Decimal("50")]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(a_line, min_size=1, max_size=12),
    discount=st.sampled_from([Decimal(0), Decimal("3"), Decimal("7.5")]),
)
def test_any_lines_give_totals_the_rules_accept(lines, discount):
    adjustments = tuple(document_discount(lines, discount, reason="Remise"))
    doc = document(lines, adjustments=adjustments)
    findings = _fatal(cii.build(doc))
    assert [f for f in findings if f[1] in TOTAL_RULES] == []
    assert findings == []
