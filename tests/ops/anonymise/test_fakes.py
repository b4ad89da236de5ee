"""The fakes: one per original (whatever its spelling), never the original,
always valid for its kind and country."""

import re

import phonenumbers
import pytest
from django.core.validators import validate_email
from faker import Faker
from schwifty import BIC, IBAN
from stdnum import luhn
from stdnum.be import vat as be_vat

from comptoir.core import payment_reference
from comptoir.ops.anonymise.fakes import FakeValues
from comptoir.ops.anonymise.plan import KEEP, kind_of
from comptoir.parties.models import ContactPerson, Party

fr, be = Faker("fr_FR"), Faker("nl_BE")


def test_the_same_original_gets_the_same_fake_whatever_its_spelling():
    fakes = FakeValues()
    assert fakes.email("Jeanne.Martin@Example.FR") == fakes.email(" jeanne.martin@example.fr")
    assert fakes.phone("06 12 34 56 78", "FR") == fakes.phone("06.12.34.56.78", "FR")
    assert fakes.given_name("Jeanne", "FR") == fakes.given_name("Jeanne", "BE")
    assert fakes.email("a@example.fr") != fakes.email("b@example.fr")


def test_another_run_gives_other_fakes():
    assert FakeValues().email("jeanne@example.fr") != FakeValues().email("jeanne@example.fr")


def test_a_fake_is_never_its_original():
    fakes = FakeValues(key=b"k" * 32)
    for original in ["a", "ab", "Martin", "Paris", "x" * 3]:
        assert fakes.text(original).casefold() != original.casefold()
        assert fakes.family_name(original) != original


@pytest.mark.parametrize("country", ["FR", "BE"])
def test_formats_stay_valid(country):
    fakes = FakeValues()
    faker = fr if country == "FR" else be
    for _ in range(30):
        validate_email(fakes.email(faker.email(), country))
        phone = fakes.phone(faker.phone_number(), country)
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone, country))
        iban = IBAN(fakes.iban(faker.iban(), country))
        assert iban.country_code == country
        BIC(fakes.bic(faker.swift(length=8), country))
        postal = fakes.postal_code(faker.postcode(), country)
        assert re.fullmatch(r"\d{5}" if country == "FR" else r"\d{4}", postal)
    assert luhn.is_valid(fakes.siren("732829320"))
    assert luhn.is_valid(fakes.siret("73282932000074"))
    assert be_vat.is_valid(fakes.enterprise_number("0403170701"))
    assert fakes.einvoice_address("0225:732829320").startswith("0225:")
    validate_email(fakes.einvoice_address("EM:compta@example.fr").removeprefix("EM:"))
    assert payment_reference.is_valid(fakes.reference("+++090/9337/55493+++"))


def test_text_keeps_about_the_length_and_the_limit():
    fakes = FakeValues()
    original = fr.text(max_nb_chars=400)
    faked = fakes.text(original)
    assert 0.5 * len(original) <= len(faked) <= len(original)
    assert len(fakes.text(original, max_length=50)) <= 50


def test_kinds_follow_the_declarations():
    party = {f.name: kind_of(Party, f) for f in Party._meta.concrete_fields}
    assert party["email"] == "email" and party["phone"] == "phone" and party["iban"] == "iban"
    assert party["given_names"] == "given_name" and party["billing_city"] == "city"
    assert party["company_name"] == KEEP and party["siren"] == KEEP  # declared not personal
    person = {f.name: kind_of(ContactPerson, f) for f in ContactPerson._meta.concrete_fields}
    assert person["notes"] == "text" and person["linkedin"] == "profile"
    assert person["mobile"] == "phone" and person["contact_status"] == KEEP  # a choice
