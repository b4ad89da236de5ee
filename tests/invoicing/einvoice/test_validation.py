"""The official rules run in-process: the reference invoices pass, a broken one fails."""

from pathlib import Path

import pytest
from django.conf import settings

from comptoir.invoicing.einvoice import validation

EXAMPLES = Path(settings.EINVOICE_RULES) / "examples"


@pytest.mark.parametrize(
    "name",
    [
        "cii-valid.xml",
        "cii-fr-domestic-valid.xml",
        "peppol-ubl-valid.xml",
        "peppol-ubl-creditnote-valid.xml",
    ],
)
def test_the_reference_invoices_have_no_fatal_finding(name):
    findings = validation.validate((EXAMPLES / name).read_bytes())
    assert validation.fatal(findings) == []


def test_the_french_rules_apply_to_a_domestic_french_invoice():
    xml = (EXAMPLES / "cii-fr-domestic-valid.xml").read_bytes()
    without_notes = xml.replace(b"<ram:SubjectCode>PMT</ram:SubjectCode>", b"")
    ids = {f.id for f in validation.fatal(validation.validate(without_notes))}
    assert any(rule.startswith("BR-FR") for rule in ids), ids


def test_a_wrong_total_is_fatal():
    xml = (EXAMPLES / "cii-fr-domestic-valid.xml").read_bytes()
    broken = xml.replace(
        b"<ram:GrandTotalAmount>1440.00</ram:GrandTotalAmount>",
        b"<ram:GrandTotalAmount>1440.01</ram:GrandTotalAmount>",
    )
    ids = {f.id for f in validation.fatal(validation.validate(broken))}
    assert "BR-CO-15" in ids


@pytest.mark.parametrize(
    "data",
    [b"", b"not xml", b"<a/>", b"%PDF-1.7 nothing", b"<!DOCTYPE x [<!ENTITY e 'x'>]><x>&e;</x>"],
)
def test_what_is_not_an_invoice_is_refused_clearly(data):
    with pytest.raises(validation.NotAnInvoice):
        validation.validate(data)
