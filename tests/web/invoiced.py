"""A client company of org A with an issued invoice (its PDF on its page),
for the tests that walk the main pages."""

from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing.models import Invoice
from comptoir.ops.demo import fake_siren, fr_vat_from_siren
from comptoir.parties import services as parties
from comptoir.parties.models import Party, PartyKind
from tests.invoicing.payments.issued import issued_invoice

fr = Faker("fr_FR")


def invoiced_client(world) -> tuple[Party, Invoice]:
    siren = fake_siren(fr)
    party = parties.party_create(
        actor=Actor.user(world.member("sales").pk),
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        is_client=True,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
        siren=siren,
        vat_number=fr_vat_from_siren(siren),
        billing_street=fr.street_address(),
        billing_postal_code=fr.postcode(),
        billing_city=fr.city(),
    )
    return party, issued_invoice(party)
