"""PDFs made in the tests: a Factur-X PDF/A-3 from a CII XML, and a plain PDF."""

import html

import facturx
from weasyprint import HTML


def plain_pdf(text: str = "Facture") -> bytes:
    return HTML(string=f"<h1>{html.escape(text)}</h1>").write_pdf(pdf_variant="pdf/a-3b")


def facturx_pdf(xml: bytes) -> bytes:
    return facturx.generate_from_binary(
        plain_pdf(), xml, flavor="factur-x", level="en16931", check_xsd=False
    )
