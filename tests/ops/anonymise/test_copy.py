"""``comptoir anonymised-copy OUT``: no original personal value survives in the
copy (raw bytes, or decrypted under the copy's keys), the same person has the
same fakes everywhere, formats stay valid, and Comptoir runs on the copy."""

import json
import random
import re
import sqlite3
import string
import subprocess
import sys
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path

import phonenumbers
import pytest
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.core.validators import validate_email
from django.db import models
from faker import Faker
from schwifty import IBAN

from comptoir.core.mailabout import MailAbout
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.models import Invoice, IssuedDocument
from comptoir.invoicing.services.payments import payment_record
from comptoir.mail.models import Message
from comptoir.mail.services import messages_queue
from comptoir.ops.anonymise import copy as copy_module
from comptoir.ops.anonymise.copy import copy_environment, key_file_of
from comptoir.ops.anonymise.load import NotEmpty, copy_load
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.parties.services.interactions import interaction_record
from comptoir.privacy.breaches.services import breach_record
from comptoir.privacy.consent.services import consent_give, consent_wording_create
from comptoir.privacy.crypto import DecryptionError
from comptoir.privacy.records.disclosures import disclosure_record
from comptoir.privacy.registry import registry
from comptoir.privacy.requests.services import request_record
from comptoir.privacy.services import subject_shred
from tests.conftest import make_token
from tests.invoicing.conftest import line
from tests.privacy.breaches.conftest import facts

pytestmark = pytest.mark.django_db(transaction=False)
MIME_TYPE = re.compile(r"[a-z]+/[\w.+-]+")
REPO = Path(__file__).resolve().parents[3]
fr, be = Faker("fr_FR"), Faker("nl_BE")


def _token() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(7))  # noqa: S311


def _phone(region: str) -> str:
    while True:
        if region == "BE":
            candidate = "+32 47" + "".join(random.choices(string.digits, k=7))  # noqa: S311
        else:
            candidate = "+33 6" + "".join(random.choices(string.digits, k=8))  # noqa: S311
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate, region)):
            return candidate


def _individual(actor, organisation, faker):
    token = _token()
    country = organisation.country
    return parties.party_create(
        actor=actor,
        organisation=organisation,
        kind=PartyKind.INDIVIDUAL,
        is_client=True,
        given_names=f"Zephyrine{token}",
        family_name=f"Quatrebarbe{token}",
        email=f"zq.{token}@{token}-mail.fr",
        phone=_phone(country),
        iban=faker.iban(),
        billing_street=f"{random.randint(2, 90)} impasse {token.capitalize()}",  # noqa: S311
        billing_postal_code=faker.postcode(),
        billing_city=f"Bourg-{token.capitalize()}",
        billing_country=country,
    )


@pytest.fixture
def populated(world, actor, make_client, make_draft):
    """Two organisations (French, Belgian) with individuals, a company and its
    contact person, issued invoices, a payment, consent, an interaction, a
    rights request, a mail, a breach, a disclosure, an API token and a
    shredded person."""
    people = {}
    for organisation, faker in ((world.org_a, fr), (world.org_b, be)):
        person = _individual(actor, organisation, faker)
        people[organisation.country] = person
        rate = "21" if organisation.country == "BE" else "20"
        draft = make_draft(
            organisation,
            party=person,
            lines=[line(rate=rate)],
            notes=f"Livrer chez {person.given_names} avant midi",
        )
        invoice = invoicing.invoice_issue(actor=actor, invoice=draft)
        payment_record(
            actor=actor,
            party=person,
            amount=invoice.payable,
            method="transfer",
            received_on=date.today(),
            reference=f"VIR {person.family_name}",
            notes=f"Virement de {person.family_name}",
            allocations="auto",
        )
        consent_give(
            actor=actor,
            subject=person.data_subject,
            purpose="prospection_post",
            channel="paper",
            wording=consent_wording_create(
                actor=actor,
                organisation=organisation,
                purpose="prospection_post",
                language="fr",
                text="J'accepte de recevoir des offres par courrier.",
            ),
            form=f"Salon {person.family_name}",
            source_ip="10.11.12.13",
        )
        request_record(
            actor=actor,
            organisation=organisation,
            kind="access",
            email=person.email,
            message=f"Je suis {person.given_names} {person.family_name}, que savez-vous ?",
        )
    company = make_client(world.org_a)
    token = _token()
    contact = parties.contact_person_create(
        actor=actor,
        party=company,
        given_names=f"Anselme{token}",
        family_name=f"Petitcolas{token}",
        email=f"a.{token}@{token}-corp.fr",
        phone=_phone("FR"),
        mobile=_phone("FR"),
        linkedin=f"https://www.linkedin.com/in/anselme-{token}",
        notes=f"Préfère être appelé le matin, demander {token}",
    )
    interaction_record(
        actor=actor,
        party=company,
        kind="call",
        direction="inbound",
        contact_person=contact,
        note=f"Appel de {contact.given_names} au sujet de la commande {token}",
    )
    invoicing.invoice_issue(actor=actor, invoice=make_draft(world.org_a, party=company))
    person = people["FR"]
    messages_queue(
        messages=[
            EmailMessage(
                subject=f"Votre facture, {person.given_names}",
                body=f"Bonjour {person.given_names} {person.family_name}, voici votre facture.",
                to=[person.email],
                cc=[contact.email],
                attachments=[(f"facture-{person.family_name}.pdf", b"%PDF-1.7", "application/pdf")],
            )
        ],
        about=MailAbout(organisation_id=world.org_a.pk),
    )
    # A person whose key was shredded: their values are noise, in the copy too.
    shredded = _individual(actor, world.org_a, fr)
    subject_shred(subject=shredded.data_subject, actor=actor)
    make_token(world.member("owner"), world.org_a)
    breach_record(
        actor=actor,
        organisation=world.org_a,
        **facts(description=f"Le portable de {person.given_names} {person.family_name} volé"),
    )
    disclosure_record(
        organisation=world.org_a,
        subject=person.data_subject,
        kind="other",
        recipient=f"Cabinet Huissier {token.capitalize()}",
        what="F-0001",
        actor=actor,
    )
    return people, contact, shredded


def _originals() -> set[str]:
    """Every personal value of the source, decrypted: those long enough to be
    searched without meeting themselves by chance in other text."""
    found: set[str] = set()
    for model in registry.models():
        if model._meta.app_label == "tests":
            continue
        declaration = registry.for_model(model)
        columns = {f.name: f for f in model._meta.concrete_fields}
        names = [n for n in declaration.fields if n in columns and not columns[n].choices]
        for obj in model._base_manager.all():
            for name in names:
                try:
                    value = getattr(obj, name)
                except DecryptionError:  # the shredded person's: nobody can read them
                    continue
                if model is IssuedDocument and name == "snapshot":
                    found |= _snapshot_originals(json.loads(value))
                elif model is Message and name in ("recipients", "parts") and value:
                    found |= _strings(json.loads(value))
                elif isinstance(value, str) and len(value) >= 6:
                    found.add(value)
                elif isinstance(value, models.fields.files.FieldFile) and value.name:
                    found.add(value.name)
    return found


def _strings(value) -> set[str]:
    """The strings of a JSON value (its keys and MIME types aside)."""
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value))
    if isinstance(value, str) and len(value) >= 6 and not MIME_TYPE.fullmatch(value):
        return {value}
    return set()


def _snapshot_originals(document: dict) -> set[str]:
    buyer = document["buyer"]
    values = [buyer["address"]["street"], buyer["address"]["city"], buyer["email"], buyer["phone"]]
    if not buyer["is_business"]:
        values.append(buyer["name"])
    return {v for v in values if len(v) >= 6}


def _copy(tmp_path) -> Path:
    out = tmp_path / "copy.sqlite3"
    call_command("anonymised-copy", str(out))
    return out


def _in_copy(out: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, *args],
        env=copy_environment(out, key_file_of(out)),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _read_copy(out: Path) -> dict:
    return json.loads(_in_copy(out, "-m", "tests.ops.anonymise.read_copy"))


def test_no_original_personal_value_survives_the_same_person_has_the_same_fakes(
    populated, tmp_path, capsys, monkeypatch
):
    originals = _originals()
    people, contact, shredded = populated
    # The test sees them (decrypted), the mail's too.
    assert people["FR"].email in originals and contact.notes in originals
    assert any(people["FR"].family_name in v and v.startswith("facture-") for v in originals)
    # A temporary folder of this test's own: the other database's run may be
    # making a copy at the same moment.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()

    out = _copy(tmp_path)

    printed = capsys.readouterr().out
    assert f"COMPTOIR_DATABASE_URL=sqlite:///{out}" in printed
    assert f"COMPTOIR_MASTER_KEY_FILE={key_file_of(out)}" in printed
    assert key_file_of(out).stat().st_mode & 0o777 == 0o600
    assert not list((tmp_path / "temp").glob("comptoir-anonymise-*"))
    # Raw bytes: the copy's files (database, its WAL, its key store), whole.
    raw = b"".join(
        p.read_bytes()
        for p in tmp_path.iterdir()
        if p.is_file() and p.name != key_file_of(out).name
    )
    assert [v for v in originals if v.encode() in raw] == []
    # Decrypted under the copy's own keys.
    copy = _read_copy(out)
    decrypted = "\n".join(copy["values"])
    assert [v for v in originals if v in decrypted] == []
    documents = json.dumps(copy["documents"], ensure_ascii=False)
    assert [v for v in originals if v in documents] == []
    # Non-personal data is kept as it was.
    issued = IssuedDocument.objects.of(people["FR"].organisation).order_by("pk")
    assert [d["number"] for d in copy["documents"][: issued.count()]] == [i.number for i in issued]
    # What would open the copy or production is not copied usable; production's
    # blind indexes (keyed digests of the originals) are not copied either.
    with closing(sqlite3.connect(out)) as db:
        passwords = [row[0] for row in db.execute("SELECT password FROM accounts_user")]
        assert passwords and all(p.startswith("!") for p in passwords)  # unusable
        for table in ("accounts_apitoken", "django_session", "mfa_authenticator"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)  # noqa: S608
        query = "SELECT email_index, family_name_index FROM parties_party WHERE id = ?"
        assert db.execute(query, [shredded.pk]).fetchone() == (None, None)
    # Comptoir works on the copy: its journal and invoice chains verify under its keys.
    _in_copy(out, "-m", "comptoir.cli", "audit", "verify")
    _in_copy(out, "-m", "comptoir.cli", "invoices", "verify")

    # The same person has the same fakes everywhere, in valid formats (one copy
    # for both halves of the test: each costs a migration of a new database).
    by_id = {p["id"]: p for p in copy["parties"]}
    for country, person in people.items():
        fake = by_id[person.pk]
        assert fake["name"] != person.display_name and fake["email"] != person.email
        invoice = Invoice.objects.of(person.organisation).get(party=person)
        document = next(d for d in copy["documents"] if d["invoice"] == invoice.pk)
        buyer = document["buyer"]
        assert buyer["name"] == fake["name"]
        assert buyer["address"]["street"] == fake["street"]
        assert buyer["address"]["city"] == fake["city"]
        assert buyer["address"]["postal_code"] == fake["postal_code"]
        assert copy["found"][fake["email"]] == [person.pk]  # its blind index, recomputed
        # The rights request's address (another table, another key): the same fake.
        assert copy["values"].count(fake["email"]) == 2
        validate_email(fake["email"])
        assert phonenumbers.is_valid_number(phonenumbers.parse(fake["phone"], country))
        IBAN(fake["iban"])
        assert re.fullmatch(r"\d{5}" if country == "FR" else r"\d{4}", fake["postal_code"])
    (fake_contact,) = [c for c in copy["contacts"] if c["id"] == contact.pk]
    assert fake_contact["given"] != contact.given_names
    validate_email(fake_contact["email"])
    assert phonenumbers.is_valid_number(phonenumbers.parse(fake_contact["phone"], "FR"))


def test_an_existing_out_is_refused_and_nothing_is_written(world, tmp_path):
    out = tmp_path / "copy.sqlite3"
    out.write_bytes(b"already here")
    with pytest.raises(CommandError, match=re.escape(str(out))):
        call_command("anonymised-copy", str(out))
    assert out.read_bytes() == b"already here"
    assert not key_file_of(out).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3"]


def test_an_existing_key_file_is_refused_too(db, tmp_path):
    out = tmp_path / "copy.sqlite3"
    key_file_of(out).write_text("0" * 64)
    with pytest.raises(CommandError, match=re.escape(str(key_file_of(out)))):
        call_command("anonymised-copy", str(out))
    assert not out.exists()


def test_help_says_what_is_not_copied_usable():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "comptoir.cli", "anonymised-copy", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    text = " ".join(result.stdout.split())
    for words in (
        "passwords (unusable)",
        "second factors",
        "API tokens",
        "sessions",
        "OUT.master.key",
    ):
        assert words in text


def test_a_failed_load_keeps_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(copy_module, "LOAD_COMMAND", "no-such-command")
    out = tmp_path / "copy.sqlite3"
    with pytest.raises(CommandError, match="(exit status|code de sortie) 1"):
        call_command("anonymised-copy", str(out))
    assert list(tmp_path.iterdir()) == []


def test_the_loader_refuses_a_database_that_holds_data(world, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("")
    with pytest.raises(NotEmpty):
        copy_load(rows_path=rows)
