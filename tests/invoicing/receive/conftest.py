"""Received e-invoices: the reference files, and French or Belgian ones made from
the domestic French example with other suppliers' identifiers."""

from pathlib import Path

import pytest
from django.conf import settings
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren, fr_vat_from_siren

# The browser test runs as those of tests/web do: the system Chromium, its checks.
from tests.web.conftest import (  # noqa: F401
    _browser_defaults,
    browser_context_args,
    browser_type_launch_args,
    site,
)

EXAMPLES = Path(settings.EINVOICE_RULES) / "examples"
FRENCH = "cii-fr-domestic-valid.xml"
REFERENCES = ["cii-valid.xml", FRENCH, "peppol-ubl-valid.xml", "peppol-ubl-creditnote-valid.xml"]
# The buyer of the French example: the organisation that receives it.
FRENCH_BUYER_SIREN = "912345675"

fr = Faker("fr_FR")
be = Faker("nl_BE")


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def french_cii(
    *,
    number: str = "F-2026-00042",
    name: str | None = None,
    siren: str | None = None,
    vat: str | None = None,
    total: str | None = None,
) -> bytes:
    """The domestic French example from another supplier (``siren=""`` drops the
    SIREN, ``vat=""`` the VAT number), or with another number or grand total."""
    xml = example(FRENCH).decode()
    xml = xml.replace("<ram:ID>F-2026-00042</ram:ID>", f"<ram:ID>{number}</ram:ID>")
    if name is not None:
        xml = xml.replace("Atelier Exemple SARL", name)
    if siren is not None:
        xml = xml.replace(
            '<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">900000001</ram:ID>'
            "</ram:SpecifiedLegalOrganization>",
            f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{siren}</ram:ID>'
            "</ram:SpecifiedLegalOrganization>"
            if siren
            else "",
        )
        xml = xml.replace(
            '<ram:URIID schemeID="0225">900000001</ram:URIID>',
            f'<ram:URIID schemeID="0225">{siren or "900000001"}</ram:URIID>'
            if siren
            else '<ram:URIID schemeID="EM">factures@example.test</ram:URIID>',
        )
    if vat is not None:
        xml = xml.replace(
            '<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR68900000001</ram:ID>'
            "</ram:SpecifiedTaxRegistration>",
            f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{vat}</ram:ID>'
            "</ram:SpecifiedTaxRegistration>"
            if vat
            else "",
        )
    if total is not None:
        xml = xml.replace(
            "<ram:GrandTotalAmount>1440.00</ram:GrandTotalAmount>",
            f"<ram:GrandTotalAmount>{total}</ram:GrandTotalAmount>",
        )
    return xml.encode()


def belgian_cii(*, enterprise_number: str, number: str = "2026/0007") -> bytes:
    """The French example sent by a Belgian supplier (enterprise number, scheme 0208)."""
    xml = french_cii(number=number, name=be.company(), siren="", vat=f"BE{enterprise_number}")
    xml = xml.decode().replace(
        '<ram:URIID schemeID="EM">factures@example.test</ram:URIID>',
        f'<ram:URIID schemeID="0208">{enterprise_number}</ram:URIID>',
    )
    seller, rest = xml.split("</ram:SellerTradeParty>", 1)
    seller = seller.replace(
        "<ram:CountryID>FR</ram:CountryID>", "<ram:CountryID>BE</ram:CountryID>"
    )
    return f"{seller}</ram:SellerTradeParty>{rest}".encode()


def new_siren() -> str:
    return fake_siren(fr)


def new_enterprise_number() -> str:
    return fake_be_enterprise_number(be)


def vat_of(siren: str) -> str:
    return fr_vat_from_siren(siren)


@pytest.fixture
def organisation(world):
    """Organisation A, the buyer the French example names."""
    world.org_a.siren = FRENCH_BUYER_SIREN
    world.org_a.vat_number = fr_vat_from_siren(FRENCH_BUYER_SIREN)
    world.org_a.save(update_fields=["siren", "vat_number"])
    return world.org_a


@pytest.fixture
def actor(world):
    return Actor.user(world.member("owner").pk)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Each test keeps its files in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def supplier(actor, organisation, **fields):
    from comptoir.parties import services
    from comptoir.parties.models import PartyKind

    return services.party_create(
        actor=actor,
        organisation=organisation,
        kind=PartyKind.COMPANY,
        company_name=fields.pop("company_name", fr.company()),
        is_supplier=True,
        **fields,
    )


@pytest.fixture(autouse=True)
def english():
    """Messages checked in English (French is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
