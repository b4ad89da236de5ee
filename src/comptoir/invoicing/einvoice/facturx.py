"""Factur-X: the CII XML embedded in the invoice's PDF/A-3 (``factur-x.xml``,
relationship "Data", Factur-X XMP metadata), with the ``factur-x`` package.

``embed(pdf_a3_bytes, cii_xml_bytes) -> bytes``. The PDF comes from WeasyPrint
(``write_pdf(pdf_variant="pdf/a-3b")``); the XML from ``cii.build``. The XML
is checked against the Factur-X EN16931 XSD on the way in (the business
rules are ``validation.validate``'s job).
"""

from __future__ import annotations

from facturx import generate_from_binary

FLAVOR = "factur-x"
LEVEL = "en16931"


class EmbedError(ValueError):
    """The PDF or the XML could not be made into a Factur-X file."""


def embed(pdf_a3_bytes: bytes, cii_xml_bytes: bytes, *, lang: str | None = None) -> bytes:
    """The Factur-X PDF: ``pdf_a3_bytes`` with ``cii_xml_bytes`` attached."""
    if pdf_a3_bytes[:5] != b"%PDF-":
        raise EmbedError("not a PDF")
    try:
        return generate_from_binary(
            pdf_a3_bytes,
            cii_xml_bytes,
            flavor=FLAVOR,
            level=LEVEL,
            check_xsd=True,
            lang=lang,
        )
    except Exception as exc:  # factur-x raises bare exceptions (XSD errors included)
        raise EmbedError(" ".join(str(exc).split())) from exc
