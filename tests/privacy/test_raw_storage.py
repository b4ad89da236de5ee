"""No plaintext personal value is in the database: read its raw bytes.

On SQLite the whole database image is read (``serialize()`` gives the bytes
of the database file, the test database being in memory); on PostgreSQL
every column of every stored row is read through a plain cursor. A company
name, stored in clear on purpose, must be found: the search can fail.
"""

from datetime import date

import pytest
from faker import Faker

from tests.privacy.models import Person
from tests.raw_storage import raw_database

fr, be = Faker("fr_FR"), Faker("nl_BE")


@pytest.fixture
def people(make_person, world):
    made = []
    for fake, organisation, phone, iban in (
        (fr, world.org_a, "06 12 34 56 78", "FR76 3000 6000 0112 3456 7890 189"),
        (be, world.org_b, "+32 470 12 34 56", "BE68 5390 0754 7034"),
    ):
        for _ in range(3):
            made.append(
                make_person(
                    organisation,
                    family_name=fake.last_name() + "-Testperson",
                    email=f"{fake.user_name()}.plaintext@example.test",
                    phone=phone,
                    iban=iban,
                    birth_date=date(1980, 5, 17),
                    note=f"Note confidentielle {fake.sentence()}",
                    company_name=f"CLEARCOMPANY {fake.company()}",
                )
            )
    return made


def secrets_of(person: Person) -> list[bytes]:
    digits = "".join(c for c in person.phone if c.isdigit())
    values = [
        person.family_name,
        person.email,
        person.email.split("@")[0],
        person.phone,
        digits[-8:],
        person.iban.replace(" ", ""),
        person.iban,
        person.note,
        person.note[:20],
        "1980-05-17",
    ]
    return [v.encode() for v in values] + [v.encode("utf-16-le") for v in values[:2]]


def test_no_plaintext_personal_value_is_stored(people):
    raw = raw_database(Person)
    for person in people:
        assert person.company_name.encode() in raw  # the control: clear text is found
        for secret in secrets_of(person):
            assert secret not in raw, f"{secret!r} stored in clear"
        assert raw.count(person.row_uuid.hex.encode()) or str(person.row_uuid).encode() in raw


def test_values_written_by_bulk_create_are_encrypted_too(world):
    from comptoir.privacy.keys import subject_create

    rows = [
        Person(
            organisation=world.org_a,
            data_subject=subject_create(organisation=world.org_a),
            family_name=f"Bulkname{n}",
            email=f"bulk{n}.plaintext@example.test",
            note=f"Bulk note {n}",
        )
        for n in range(5)
    ]
    Person.across_organisations.bulk_create(rows)
    raw = raw_database(Person)
    for n in range(5):
        for secret in (f"Bulkname{n}", f"bulk{n}.plaintext", f"Bulk note {n}"):
            assert secret.encode() not in raw
    stored = Person.across_organisations.filter(row_uuid__in=[r.row_uuid for r in rows])
    assert sorted(p.family_name for p in stored) == [f"Bulkname{n}" for n in range(5)]


def test_user_emails_names_and_allauth_addresses_are_not_stored_in_clear(db):
    from allauth.account.models import EmailAddress

    from comptoir.accounts.models import EmailAddressSeal, User
    from comptoir.accounts.services import user_create
    from comptoir.audit.services import Actor

    users = [
        user_create(
            actor=Actor.system(),
            email=f"{fake.user_name()}.plaintext@example.test",
            password=None,
            display_name=f"{fake.first_name()} {fake.last_name()}-Testname",
        )
        for fake in (fr, be)
    ]
    secondary = EmailAddress.objects.create(
        user=users[0], email="second.plaintext@example.test", verified=False
    )
    raw = raw_database(User, EmailAddress, EmailAddressSeal)
    assert b"@blind.invalid" in raw  # the control: the pseudonyms are read
    for user in users:
        for secret in (user.email, user.email.split("@")[0], user.display_name):
            assert secret.encode() not in raw, f"{secret!r} stored in clear"
            assert secret.encode("utf-16-le") not in raw
    assert secondary.email.split("@")[0].encode() not in raw
