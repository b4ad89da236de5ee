"""The printed PDF of every kind of document: what a reader finds in it
(number, totals, mentions, payment instructions), in French and in English,
its PDF/A-3b declaration, the organisation's logo, and branding that cannot
reach the template when it is wrong."""

import io
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from faker import Faker
from PIL import Image
from pypdf import PdfReader

from comptoir.core.documents import (
    Address,
    Document,
    Kind,
    Line,
    Note,
    Operation,
    Party,
    Payment,
    Reference,
)
from comptoir.core.totals import Adjustment, document_discount
from comptoir.core.vat import VatCategory, exemption_mention
from comptoir.invoicing.einvoice import cii, facturx, validation
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren, fr_vat_from_siren
from comptoir.sales import pdf
from comptoir.sales.models import SalesSettings
from tests.invoicing.einvoice.test_matrix import MATRIX

fr = Faker("fr_FR")
be = Faker("nl_BE")
Faker.seed(12)


def structured_communication(base: int) -> str:
    """A Belgian structured communication: ten digits and their modulo 97."""
    check = base % 97 or 97
    digits = f"{base:010d}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def french_seller(**changes) -> Party:
    siren = fake_siren(fr)
    values = dict(
        name=fr.company(),
        country="FR",
        address=Address(fr.street_address(), fr.postcode(), fr.city(), "FR"),
        siren=siren,
        siret=siren + "00012",
        vat_number=fr_vat_from_siren(siren),
        legal_form="SAS",
        share_capital="10 000 EUR",
        registration=f"RCS {fr.city()}",
        electronic_address=siren,
        electronic_scheme="0225",
        email="facturation@example.test",
        phone=fr.phone_number(),
    )
    return Party(**{**values, **changes})


def french_client(**changes) -> Party:
    siren = fake_siren(fr)
    values = dict(
        name=fr.company(),
        country="FR",
        address=Address(fr.street_address(), fr.postcode(), fr.city(), "FR"),
        siren=siren,
        vat_number=fr_vat_from_siren(siren),
        electronic_address=siren,
        electronic_scheme="0225",
    )
    return Party(**{**values, **changes})


def belgian_party(**changes) -> Party:
    number = fake_be_enterprise_number(be)
    values = dict(
        name=be.company(),
        country="BE",
        address=Address(be.street_address(), be.postcode(), be.city(), "BE"),
        enterprise_number=number,
        vat_number=f"BE{number}",
        legal_form="BV",
        registration=f"RPM {be.city()}",
        electronic_address=number,
        electronic_scheme="0208",
    )
    return Party(**{**values, **changes})


def lines(count: int = 3, *, category: str = "S", rates=("20", "10", "5.5")) -> tuple[Line, ...]:
    return tuple(
        Line(
            number=str(i + 1),
            reference=f"REF-{i + 1:04d}",
            name=fr.catch_phrase()[:60],
            description=fr.sentence(nb_words=10) if i % 2 == 0 else "",
            quantity=Decimal(i % 7 + 1) + (Decimal("0.5") if i % 3 == 0 else 0),
            unit=("C62", "HUR", "DAY", "KGM")[i % 4],
            unit_price=Decimal(fr.random_int(500, 250000)) / 100,
            discount_percent=Decimal("10") if i % 5 == 1 else Decimal("0"),
            vat_category=category,
            vat_rate=Decimal(rates[i % len(rates)]) if category == "S" else Decimal("0"),
        )
        for i in range(count)
    )


def french_notes(penalty="12,15 %") -> tuple[Note, ...]:
    return (
        Note(
            f"Pénalités de retard : taux annuel de {penalty}, exigibles dès le lendemain "
            "de l'échéance.",
            "PMD",
        ),
        Note("Indemnité forfaitaire pour frais de recouvrement : 40 EUR.", "PMT"),
        Note("Pas d'escompte pour paiement anticipé.", "AAB"),
    )


def invoice(**changes) -> Document:
    items = lines(4)
    seller = french_seller()
    issued = fr.date_between("-60d", "today")
    values = dict(
        kind=Kind.INVOICE,
        number="F-2026-00042",
        issue_date=issued,
        seller=seller,
        buyer=french_client(),
        lines=items,
        adjustments=(
            *document_discount(items, Decimal("5"), "Remise fidélité"),
            Adjustment(Decimal("15.00"), "S", Decimal("20"), "Frais de port", is_charge=True),
        ),
        due_date=issued + timedelta(days=30),
        delivery_date=issued,
        delivery_address=Address(fr.street_address(), fr.postcode(), fr.city(), "FR"),
        purchase_order="BC-" + fr.bothify("####-??").upper(),
        payment=Payment(
            means="58",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            reference="F-2026-00042",
            terms="Paiement à 30 jours par virement.",
        ),
        notes=french_notes(),
        billing_framework="S1",
        operation=Operation.SERVICES,
        vat_on_debits=True,
    )
    return Document(**{**values, **changes})


def text_of(data: bytes) -> str:
    """The text of every page, its spaces (breaking or not) made single."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def flat(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", value)


BRANDING = pdf.Branding(colour="#7a1f5c", footer="Merci de votre confiance.")


def test_an_invoice_prints_its_number_totals_mentions_and_bank_details():
    document = invoice()
    text = text_of(pdf.render(document, branding=BRANDING))
    totals = document.totals
    assert "Facture" in text and "F-2026-00042" in text
    for value in (totals.tax_exclusive, totals.tax_total, totals.tax_inclusive, totals.payable):
        assert flat(pdf.money(value, "EUR", "fr")) in text
    assert flat(pdf.amount(totals.tax_inclusive, "fr")).count(",") == 1
    for note in document.notes:
        assert flat(note.text) in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text
    assert "AGRIFRPP" in text
    assert document.purchase_order in text
    assert document.seller.siren[:3] in text and document.seller.vat_number in text
    assert document.buyer.vat_number in text
    assert "ADRESSE DE LIVRAISON" in text and document.delivery_address.city in text
    assert "Option pour le paiement de la TVA d'après les débits" in text
    assert "Remise fidélité" in text and "Frais de port" in text
    assert "Merci de votre confiance." in text
    assert "Page 1/1" in text


def test_french_amounts_are_written_the_french_way_and_english_ones_the_english_way():
    assert pdf.money(Decimal("1234.5"), "EUR", "fr") == "1\u00a0234,50\u00a0EUR"
    assert pdf.money(Decimal("1234.5"), "EUR", "en") == "1,234.50\u00a0EUR"
    assert pdf.number(Decimal("1.500"), "fr") == "1,5"
    assert pdf.number(Decimal("12.000"), "en") == "12"
    assert pdf.percent(Decimal("5.50"), "fr") == "5,5\u00a0%"


def test_an_english_document_is_printed_in_english():
    document = invoice(language="en")
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "Invoice" in text and "Amount due" in text and "Due date" in text
    assert "Facture" not in text and "Net à payer" not in text and "Échéance" not in text
    assert flat(pdf.money(document.totals.payable, "EUR", "en")) in text


def test_a_draft_says_draft_and_has_no_number():
    draft = invoice(number="", payment=Payment(iban="FR7630006000011234567890189"))
    fr_text = text_of(pdf.render(draft, branding=BRANDING))
    en_text = text_of(pdf.render(replace(draft, language="en"), branding=BRANDING))
    # Printed in capitals, as a stamp, where the number would stand.
    assert "Facture BROUILLON" in fr_text and "F-2026" not in fr_text
    assert "Invoice DRAFT" in en_text and "No." not in en_text and "F-2026" not in en_text


def test_a_credit_note_names_the_invoice_it_corrects():
    document = invoice(
        kind=Kind.CREDIT_NOTE,
        number="A-2026-00003",
        preceding=(Reference("F-2026-00012", fr.date_between("-90d", "-61d")),),
    )
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "Avoir" in text and "A-2026-00003" in text
    assert "Avoir sur facture F-2026-00012" in text
    assert "IBAN" not in text  # a credit note asks for no payment
    assert flat(pdf.money(document.totals.payable, "EUR", "fr")) in text


def test_a_down_payment_is_deducted_on_the_final_invoice():
    document = invoice(prepaid=Decimal("300.00"), preceding=(Reference("F-2026-00040", None),))
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "Facture d'acompte F-2026-00040 déduite" in text
    assert flat(pdf.money(Decimal("300"), "EUR", "fr")) in text
    assert flat(pdf.money(document.totals.payable, "EUR", "fr")) in text


def test_the_franchise_prints_its_legal_mention():
    seller = french_seller(vat_number="")
    document = invoice(
        seller=seller,
        lines=lines(3, category=VatCategory.EXEMPT),
        adjustments=(),
        vat_on_debits=False,
    )
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert exemption_mention(VatCategory.EXEMPT, "FR") in text


def test_a_belgian_invoice_prints_its_structured_communication():
    reference = structured_communication(be.random_int(10**8, 10**10 - 1))
    document = invoice(
        seller=belgian_party(email="factuur@example.test"),
        buyer=belgian_party(),
        lines=lines(3, rates=("21", "6")),
        adjustments=(),
        notes=(Note("Intérêts de retard conformément à la loi du 2 août 2002."),),
        payment=Payment(iban="BE71096123456769", bic="GKCCBEBB", reference=reference),
        vat_on_debits=False,
    )
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "Communication structurée :" in text and reference in text
    assert "BE71 0961 2345 6769" in text
    assert document.buyer.vat_number in text


def test_a_delivery_note_shows_quantities_but_no_prices():
    document = invoice(kind=Kind.DELIVERY, number="BL-2026-00007", operation=Operation.GOODS)
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "Bon de livraison" in text and "BL-2026-00007" in text
    assert pdf.number(document.lines[0].quantity, "fr") in text
    assert flat(pdf.amount(document.lines[0].unit_price, "fr")) not in text
    assert "Total" not in text and "IBAN" not in text


def test_a_quote_prints_its_validity_and_no_amount_due():
    issued = fr.date_between("-10d", "today")
    document = invoice(
        kind=Kind.QUOTE,
        number="D-2026-00001",
        issue_date=issued,
        valid_until=issued + timedelta(days=30),
        due_date=None,
    )
    text = text_of(pdf.render(document, branding=BRANDING))
    assert "Devis" in text and "Valable jusqu'au" in text
    assert "Net à payer" not in text
    assert flat(pdf.money(document.totals.tax_inclusive, "EUR", "fr")) in text


def test_a_b2c_sale_prints_no_business_identifiers_for_the_buyer():
    buyer = Party(
        name=fr.name(),
        country="FR",
        is_business=False,
        address=Address(fr.street_address(), fr.postcode(), fr.city(), "FR"),
    )
    text = text_of(pdf.render(invoice(buyer=buyer), branding=BRANDING))
    assert buyer.name in text and "SIREN" in text  # the seller's, once
    assert text.count("N° de TVA") == 1


def test_a_hundred_lines_break_into_numbered_pages_with_the_header_repeated():
    document = invoice(lines=lines(100), adjustments=())
    reader = PdfReader(io.BytesIO(pdf.render(document, branding=BRANDING)))
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 3
    for index, text in enumerate(pages, start=1):
        assert f"Page {index}/{len(pages)}" in text
        if "REF-0" in text:  # a page of lines repeats the table's header
            assert "Désignation" in text and "Montant HT" in text
    # The totals are never split: they stand together on one page.
    assert any("Total HT" in text and "Net à payer" in text for text in pages)
    text = " ".join(pages)
    for line in document.lines:
        assert line.reference in text


def test_the_pdf_declares_pdf_a_3b():
    data = pdf.render(invoice(), branding=BRANDING)
    metadata = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data()
    xmp = metadata.decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp)


def logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (122, 31, 92)).save(buffer, "PNG")
    return buffer.getvalue()


def images_in(data: bytes) -> int:
    """The images shown on the first page (the logo stands at its top)."""
    return len(PdfReader(io.BytesIO(data)).pages[0].images)


@pytest.mark.django_db
def test_the_logo_is_read_from_storage_and_printed(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sales = SalesSettings.objects.create(organisation=world.org_a, colour="#336699")
    sales.logo.save("logo.png", ContentFile(logo_png()), save=True)
    assert default_storage.exists(sales.logo.name)
    branding = pdf.branding_of(sales)
    assert branding.logo == logo_png() and branding.colour == "#336699"
    assert images_in(pdf.render(invoice(), branding=branding)) == 1
    assert images_in(pdf.render(invoice(), branding=pdf.Branding())) == 0


@pytest.mark.django_db
def test_bad_branding_cannot_reach_the_template(world):
    sales = SalesSettings(organisation=world.org_a, colour="red; } body { display: none")
    with pytest.raises(ValidationError) as raised:
        sales.full_clean()
    assert "colour" in raised.value.message_dict
    for colour in ("red", "#12345", "#1234567", "#12345g", "#123456;}", ""):
        with pytest.raises(pdf.BrandingError):
            pdf.Branding(colour=colour)
    with pytest.raises(pdf.BrandingError):
        pdf.Branding(language="de")
    with pytest.raises(pdf.BrandingError):
        pdf.Branding(logo=b"<svg onload='x'/>")


@pytest.mark.parametrize(
    "case",
    [
        "several rates",
        "discounts and charges",
        "credit note",
        "293 B franchise (E)",
        "Belgian client",
    ],
)
def test_the_printed_pdf_carries_a_factur_x_the_official_rules_pass(case):
    document = MATRIX[case]()
    xml = cii.build(document)
    data = facturx.embed(pdf.render(document, branding=BRANDING), xml)
    assert validation.xml_of(data) == xml
    assert validation.fatal(validation.validate(data)) == []
    assert document.number in text_of(data)
