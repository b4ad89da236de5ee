"""No plaintext name, email, phone, address, note or bank detail is in the database.

The approach of tests/privacy/test_raw_storage.py: on SQLite the whole
database image is read, on PostgreSQL every column of every row of the
app's tables through a plain cursor. Company names are stored in clear on
purpose and must be found (the control that proves the search can succeed).
"""

import pytest
from faker import Faker

from comptoir.parties import services
from comptoir.parties.models import ContactPerson, Direction, Interaction, Party, PartyKind
from tests.raw_storage import raw_database

fr, be = Faker("fr_FR"), Faker("nl_BE")


@pytest.fixture
def stored(world, actor, make_company, make_contact):
    secrets, companies = [], []
    for fake, organisation, mobile in (
        (fr, world.org_a, "06 12 34 56 78"),
        (be, world.org_b, "+32 470 12 34 56"),
    ):
        company = make_company(
            organisation,
            company_name=f"CLEARCOMPANY {fake.company()}",
            iban=fake.iban(),
            bic=fake.swift11(),
        )
        companies.append(company.company_name)
        person = make_contact(
            company,
            given_names=f"{fake.first_name()}zq",
            family_name=f"{fake.last_name()}-Testperson",
            birth_name=f"{fake.last_name()}-Birthname",
            email=f"{fake.user_name()}.plaintext@example.test",
            mobile=mobile,
            linkedin=f"https://www.linkedin.com/in/{fake.user_name()}-secret",
            notes=f"Note confidentielle {fake.sentence()}",
        )
        individual = services.party_create(
            actor=actor,
            organisation=organisation,
            kind=PartyKind.INDIVIDUAL,
            country=organisation.country,
            given_names=f"{fake.first_name()}zq",
            family_name=f"{fake.last_name()}-Individual",
            email=f"{fake.user_name()}.individual@example.test",
            billing_street=f"{fake.street_address()} secretstreet",
            iban=fake.iban(),
            bic=fake.swift8(),
        )
        interaction = services.interaction_record(
            actor=actor,
            party=company,
            contact_person=person,
            kind="complaint",
            direction=Direction.INBOUND,
            note=f"Réclamation privée {fake.sentence()}",
        )
        digits = "".join(c for c in mobile if c.isdigit())
        secrets += [
            person.given_names,
            person.family_name,
            person.birth_name,
            person.email,
            person.email.split("@")[0],
            person.mobile,
            digits[-8:],
            person.linkedin,
            person.notes,
            person.notes[:20],
            individual.given_names,
            individual.family_name,
            individual.email,
            individual.billing_street,
            interaction.note,
            interaction.note[:20],
        ]
        for party in (company, individual):
            secrets += [
                party.iban,
                party.iban_grouped,
                party.iban[4:],  # the account without its country and check digits
                party.iban[-11:],
                party.bic,
            ]
    return secrets, companies


def test_no_plaintext_personal_value_is_stored(stored):
    secrets, companies = stored
    raw = raw_database(Party, ContactPerson, Interaction)
    for name in companies:
        assert name.encode() in raw  # the control: clear text is found
    for secret in secrets:
        for encoded in (secret.encode(), secret.encode("utf-16-le")):
            assert encoded not in raw, f"{secret!r} stored in clear"
