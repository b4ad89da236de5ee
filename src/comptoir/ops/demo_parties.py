"""Generated prospects, clients and suppliers for a demo organisation.

Everything goes through the parties services, so the demo data is encrypted,
indexed and journalled like real data. Email addresses use the reserved
``.example`` domain: no message can ever reach a real person.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import services
from comptoir.parties.models import Channel, ContactStatus, Direction, InteractionKind, Origin
from comptoir.privacy import normalise
from comptoir.sales import services as sales_services
from comptoir.tenancy.models import Membership, Organisation

COMPANIES = 6
INDIVIDUALS = 3


def _email(given: str, family: str, domain: str) -> str:
    return f"{slugify(given)}.{slugify(family)}@{domain}.example"


def _phone(fake: Faker) -> str:
    """A generated number the phone normaliser accepts, or none."""
    for _ in range(5):
        number = fake.phone_number()
        try:
            normalise.phone(number, fake.current_country_code())
        except normalise.NormalisationError:
            continue
        return number
    return ""


def demo_parties(*, actor: Actor, organisation: Organisation, fake: Faker) -> None:
    sales_rep = Membership.objects.of(organisation).filter(role="sales").first()
    origins = list(Origin.values)
    parties = []
    for n in range(COMPANIES):
        name = fake.company()
        identifiers = (
            {"siren": fake_siren(fake)}
            if organisation.country == "FR"
            else {"enterprise_number": fake_be_enterprise_number(fake)}
        )
        party = services.party_create(
            actor=actor,
            organisation=organisation,
            kind="company",
            company_name=name,
            country=organisation.country,
            is_prospect=n % 3 == 0,
            is_client=n % 3 != 0,
            is_supplier=n == COMPANIES - 1,
            billing_street=fake.street_address(),
            billing_postal_code=fake.postcode(),
            billing_city=fake.city(),
            billing_country=organisation.country,
            sales_rep=sales_rep,
            origin=origins[n % len(origins)],
            **identifiers,
        )
        parties.append(party)
        domain = slugify(name)[:40] or f"societe-{n}"
        for m in range(1 + n % 2):
            given, family = fake.first_name(), fake.last_name()
            person = services.contact_person_create(
                actor=actor,
                party=party,
                given_names=given,
                family_name=family,
                job_title=fake.job()[:120],
                email=_email(given, family, domain),
                mobile=_phone(fake),
                contact_status=ContactStatus.REGULAR if m == 0 else ContactStatus.OCCASIONAL,
                preferred_channel=Channel.EMAIL if m == 0 else "",
            )
            services.interaction_record(
                actor=actor,
                party=party,
                contact_person=person,
                kind=InteractionKind.CALL if m == 0 else InteractionKind.DOCUMENTATION_REQUEST,
                direction=Direction.INBOUND if (n + m) % 2 else Direction.OUTBOUND,
                occurred_at=timezone.now() - timedelta(days=3 * n + m + 1),
            )
    for _ in range(INDIVIDUALS):
        given, family = fake.first_name(), fake.last_name()
        services.party_create(
            actor=actor,
            organisation=organisation,
            kind="individual",
            country=organisation.country,
            is_prospect=True,
            given_names=given,
            family_name=family,
            email=_email(given, family, "particulier"),
            origin=Origin.WEBSITE_FORM,
        )
    for n, party in enumerate(parties[:4]):
        sales_services.opportunity_create(
            actor=actor,
            party=party,
            title=f"{fake.catch_phrase()[:80]}",
            amount=Decimal(1500 + 750 * n),
            expected_close_on=timezone.localdate() + timedelta(days=30 * (n + 1)),
            owner=sales_rep,
        )
