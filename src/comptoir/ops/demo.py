"""A demo organisation with generated people (Faker fr_FR and nl_BE), made on
a new database so that a first ``make run`` has something to show."""

import json
import secrets
import string
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from faker import Faker
from stdnum import luhn

from comptoir.accounts.services import user_create
from comptoir.audit.services import Actor
from comptoir.tenancy.models import Organisation
from comptoir.tenancy.roles import Role
from comptoir.tenancy.services import membership_add, organisation_create

CREDENTIALS_FILE = "demo-credentials.json"
DEMO_DOMAIN = "demo.comptoir.test"  # .test is reserved: no mail ever reaches a person


@dataclass
class DemoCredentials:
    email: str
    password: str


def fake_siren(fake: Faker) -> str:
    body = "".join(fake.random_choices(string.digits, length=8))
    return body + luhn.calc_check_digit(body)


def fake_be_enterprise_number(fake: Faker) -> str:
    body = "0" + "".join(fake.random_choices(string.digits, length=7))
    body = body[:1] + str(fake.random_int(2, 9)) + body[2:]
    return f"{body}{97 - int(body) % 97:02d}"


def fr_vat_from_siren(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _password() -> str:
    # four kinds of characters, 16 long: far beyond CNIL 2022-100's 50 bits
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(13))
    return core + secrets.choice("ABCDEFGHJKLMNP") + secrets.choice("23456789") + "!"


def _email(fake: Faker, prefix: str) -> str:
    name = fake.unique.user_name()
    return f"{prefix}.{name}@{DEMO_DOMAIN}".lower()


@transaction.atomic
def demo_create(*, seed: int | None = None) -> DemoCredentials:
    system = Actor.system()
    fr = Faker("fr_FR")
    be = Faker("nl_BE")
    if seed is not None:
        fr.seed_instance(seed)
        be.seed_instance(seed)
    credentials = DemoCredentials(email=f"owner@{DEMO_DOMAIN}", password=_password())
    owner = user_create(
        actor=system,
        email=credentials.email,
        password=credentials.password,
        display_name=fr.name(),
    )

    siren = fake_siren(fr)
    french = organisation_create(
        actor=system,
        owner=owner,
        legal_name=f"{fr.last_name()} {fr.random_element(['Distribution', 'Négoce', 'Services'])}",
        legal_form="SAS",
        country="FR",
        siren=siren,
        siret=siren + "0001" + luhn.calc_check_digit(siren + "0001"),
        vat_number=fr_vat_from_siren(siren),
        address_line=fr.street_address(),
        postal_code=fr.postcode(),
        city=fr.city(),
        privacy_contact_name=fr.name(),
        privacy_contact_email=f"dpo@{DEMO_DOMAIN}",
        subscription_start=date.today(),
    )
    number = fake_be_enterprise_number(be)
    belgian = organisation_create(
        actor=system,
        owner=owner,
        legal_name=f"{be.last_name()} {be.random_element(['Handel', 'Diensten', 'Groothandel'])}",
        legal_form="BV",
        country="BE",
        enterprise_number=number,
        vat_number=f"BE{number}",
        address_line=be.street_address(),
        postal_code=be.postcode(),
        city=be.city(),
        privacy_contact_name=be.name(),
        privacy_contact_email=f"privacy@{DEMO_DOMAIN}",
        subscription_start=date.today(),
    )
    from comptoir.ops.demo_parties import demo_parties
    from comptoir.ops.demo_sales import demo_sales

    for organisation, fake in ((french, fr), (belgian, be)):
        for role in (Role.ADMIN, Role.SALES, Role.ACCOUNTANT, Role.SUPPORT, Role.AUDITOR):
            member = user_create(
                actor=system, email=_email(fake, role), password=None, display_name=fake.name()
            )
            membership_add(actor=system, organisation=organisation, user=member, role=role)
        demo_parties(actor=system, organisation=organisation, fake=fake)
        demo_sales(actor=system, organisation=organisation, fake=fake)
    _credentials_path().write_text(json.dumps(asdict(credentials)))
    _credentials_path().chmod(0o600)
    return credentials


def _credentials_path() -> Path:
    return Path(settings.VAR_DIR) / CREDENTIALS_FILE


def demo_credentials() -> DemoCredentials | None:
    path = _credentials_path()
    if not path.exists():
        return None
    return DemoCredentials(**json.loads(path.read_text()))


def database_is_new() -> bool:
    return not Organisation.objects.exists()
