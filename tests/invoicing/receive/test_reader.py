"""Reading received e-invoices: the reference files, a Factur-X PDF, and hostile files."""

from datetime import date
from decimal import Decimal

import pytest

from comptoir.core.documents import Kind
from comptoir.invoicing.einvoice import reader
from tests.invoicing.receive.conftest import FRENCH, belgian_cii, example
from tests.invoicing.receive.files import facturx_pdf, plain_pdf


def test_the_french_cii_example_is_read():
    received = reader.read(example(FRENCH))
    document = received.document
    assert (received.syntax, received.type_code, received.is_pdf) == ("cii", "380", False)
    assert document.kind == Kind.INVOICE
    assert document.number == "F-2026-00042"
    assert (document.issue_date, document.due_date) == (date(2026, 12, 1), date(2026, 12, 31))
    assert document.seller.name == "Atelier Exemple SARL"
    assert document.seller.siren == "900000001"
    assert document.seller.vat_number == "FR68900000001"
    assert (document.seller.electronic_scheme, document.seller.electronic_address) == (
        "0225",
        "900000001",
    )
    assert document.seller.address.city == "Paris"
    assert document.buyer.siren == "912345675"
    assert received.declared == reader.Declared(
        Decimal("1200.00"),
        Decimal("240.00"),
        Decimal("1440.00"),
        Decimal("0.00"),
        Decimal("1440.00"),
    )
    assert [line.name for line in document.lines] == ["Conseil"]
    assert received.line_totals == (Decimal("1200.00"),)
    assert ("0002", "900000001") in received.seller_ids


def test_the_cii_example_is_read():
    received = reader.read(example("cii-valid.xml"))
    document = received.document
    assert document.number == "12115118"
    assert document.seller.name == "De Koksmaat"
    assert document.seller.country == "NL"
    assert document.seller.vat_number == "NL820098395B01"
    assert received.declared.total_excl_vat == Decimal("229.60")
    assert received.declared.total_vat == Decimal("20.73")
    assert received.declared.payable == Decimal("250.33")
    assert len(document.lines) == len(received.line_totals) == 20


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("peppol-ubl-valid.xml", Kind.INVOICE, "380"),
        ("peppol-ubl-creditnote-valid.xml", Kind.CREDIT_NOTE, "381"),
    ],
)
def test_the_peppol_examples_are_read(name, kind, code):
    received = reader.read(example(name))
    document = received.document
    assert (received.syntax, received.type_code, document.kind) == ("ubl", code, kind)
    assert document.number == "Snippet1"
    assert document.issue_date == date(2017, 11, 13)
    assert document.seller.name == "SupplierOfficialName Ltd"
    assert document.seller.vat_number == "GB1232434"
    assert (document.seller.electronic_scheme, document.seller.electronic_address) == (
        "0088",
        "9482348239847239874",
    )
    assert received.declared == reader.Declared(
        Decimal("1325.00"),
        Decimal("331.25"),
        Decimal("1656.25"),
        Decimal("0.00"),
        Decimal("1656.25"),
    )
    assert received.line_totals == (Decimal("2800"), Decimal("-1500"))


def test_a_belgian_supplier_gives_its_enterprise_number():
    received = reader.read(belgian_cii(enterprise_number="0403170701"))
    seller = received.document.seller
    assert (seller.country, seller.enterprise_number, seller.siren) == ("BE", "0403170701", "")
    assert seller.electronic_scheme == "0208"


def test_a_facturx_pdf_is_read():
    received = reader.read(facturx_pdf(example(FRENCH)))
    assert received.is_pdf and received.content_type == "application/pdf"
    assert received.document.number == "F-2026-00042"
    assert received.declared.payable == Decimal("1440.00")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
>&x;</rsm:CrossIndustryInvoice>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (XXE, "document type"),
        (LAUGHS, "document type"),
        (b"<" + b"a" * (30 * 1024 * 1024), "too large"),  # 30 MB
        (b"Numero;Montant\n1;2\n", "neither"),
        (b"<invoice><unclosed></invoice>", "not well formed"),
        (b"<Invoice xmlns='urn:example'/>", "neither a CII nor a UBL"),
        (b"%PDF-1.7\n\x00\x01 garbage", "no Factur-X"),
    ],
    ids=[
        "empty",
        "xxe",
        "billion-laughs",
        "too-large",
        "csv",
        "broken-xml",
        "other-xml",
        "bad-pdf",
    ],
)
def test_hostile_or_broken_files_are_refused_clearly(data, message):
    with pytest.raises(reader.Unreadable, match=message):
        reader.read(data)


def test_a_pdf_without_xml_is_refused():
    with pytest.raises(reader.Unreadable, match="no Factur-X"):
        reader.read(plain_pdf())


def test_a_cii_without_totals_is_refused():
    xml = example(FRENCH).replace(b"<ram:DuePayableAmount>1440.00</ram:DuePayableAmount>", b"")
    with pytest.raises(reader.Unreadable, match="amount due"):
        reader.read(xml)


def test_a_currency_that_is_not_a_code_is_refused():
    xml = example(FRENCH).replace(
        b">EUR</ram:InvoiceCurrencyCode>", b">EUR']|//x['</ram:InvoiceCurrencyCode>"
    )
    with pytest.raises(reader.Unreadable, match="currency"):
        reader.read(xml)
