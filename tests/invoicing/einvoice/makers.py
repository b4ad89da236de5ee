"""Documents for the e-invoice tests: generated French and Belgian parties
(Faker fr_FR / nl_BE, SIREN and VAT numbers with valid check digits) and the
notes a French B2B invoice carries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

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
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren, fr_vat_from_siren

FR = Faker("fr_FR")
BE = Faker("nl_BE")
FR.seed_instance(1212)
BE.seed_instance(1212)

ISSUED = date(2026, 12, 1)

FRENCH_B2B_NOTES = (
    Note(
        "En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement : "
        "40 EUR (art. L441-10 et D441-5 du Code de commerce).",
        "PMT",
    ),
    Note("Pénalités de retard : trois fois le taux d'intérêt légal.", "PMD"),
    Note("Pas d'escompte pour paiement anticipé.", "AAB"),
)


def _fr_address(fake: Faker = FR) -> Address:
    return Address(
        street=fake.street_address(), postal_code=fake.postcode(), city=fake.city(), country="FR"
    )


def french_company(*, vat: bool = True, email: str = "") -> Party:
    siren = fake_siren(FR)
    return Party(
        name=FR.company(),
        country="FR",
        address=_fr_address(),
        siren=siren,
        vat_number=fr_vat_from_siren(siren) if vat else "",
        legal_form="SARL",
        share_capital="10 000 EUR",
        registration=f"RCS {FR.city()}",
        email=email,
    )


def french_consumer() -> Party:
    return Party(
        name=FR.name(),
        country="FR",
        address=_fr_address(),
        is_business=False,
        email=FR.free_email(),
    )


def belgian_company() -> Party:
    number = fake_be_enterprise_number(BE)
    return Party(
        name=BE.company(),
        country="BE",
        address=Address(
            street=BE.street_address(), postal_code=BE.postcode(), city=BE.city(), country="BE"
        ),
        enterprise_number=number,
        vat_number=f"BE{number}",
        registration="RPM Bruxelles",
    )


def foreign_company(country: str, *, vat: str = "") -> Party:
    """A client abroad: a German one (with its VAT number) or one outside the EU."""
    fake = Faker("de_DE" if country == "DE" else "en_US")
    return Party(
        name=fake.company(),
        country=country,
        address=Address(
            street=fake.street_address(),
            postal_code=fake.postcode(),
            city=fake.city(),
            country=country,
        ),
        vat_number=vat,
        # Peppol: a German company by its VAT number (9930), others by DUNS (0060)
        electronic_address=vat if country == "DE" else fake.numerify("#########"),
        electronic_scheme="9930" if country == "DE" else "0060",
    )


def line(
    quantity: str,
    price: str,
    rate: str = "20",
    *,
    category: str = "S",
    discount: str = "0",
    name: str = "",
    unit: str = "C62",
) -> Line:
    return Line(
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        vat_category=category,
        vat_rate=Decimal(rate),
        discount_percent=Decimal(discount),
        name=name or FR.catch_phrase()[:60],
        unit=unit,
    )


def document(
    lines,
    *,
    seller: Party | None = None,
    buyer: Party | None = None,
    kind: Kind = Kind.INVOICE,
    number: str = "F-2026-00042",
    notes=FRENCH_B2B_NOTES,
    **extra,
) -> Document:
    seller = seller or french_company(email="facturation@example.fr")
    values = {
        "kind": kind,
        "number": number,
        "issue_date": ISSUED,
        "seller": seller,
        "buyer": buyer or french_company(),
        "lines": tuple(lines),
        "due_date": ISSUED + timedelta(days=30),
        "payment": Payment(
            means="58",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            terms="Paiement à 30 jours",
        ),
        "notes": notes,
        "operation": Operation.SERVICES,
        "purchase_order": "BC-7788",
    }
    values.update(extra)
    return Document(**values)


def reference(number: str = "F-2026-00041", issued: date = date(2026, 11, 15)) -> Reference:
    return Reference(number=number, issue_date=issued)
