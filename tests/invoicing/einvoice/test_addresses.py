"""Electronic invoicing addresses: derived from a party's registration when
none is given, explicit "SCHEME:VALUE" ones checked against the EAS list."""

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core import einvoice_addresses as addresses
from comptoir.core.einvoice_addresses import InvalidAddress
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren

FR = Faker("fr_FR")
BE = Faker("nl_BE")


def test_a_french_party_is_addressed_in_the_french_directory_by_its_siren():
    siren = fake_siren(FR)
    assert addresses.resolve(country="FR", siren=siren) == ("0225", siren)


def test_a_belgian_party_is_addressed_on_peppol_by_its_enterprise_number():
    number = fake_be_enterprise_number(BE)
    dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"
    assert addresses.resolve(country="BE", enterprise_number=dotted) == ("0208", number)


def test_an_explicit_address_wins_over_the_derived_one():
    siren = fake_siren(FR)
    siret = siren + "00017"
    assert addresses.resolve(f"0009:{siret}", country="FR", siren=siren) == ("0009", siret)


def test_a_party_without_registration_falls_back_to_its_email_or_nothing():
    email = FR.free_email()
    assert addresses.resolve(country="FR", email=email) == ("EM", email)
    assert addresses.resolve(country="US") == ("", "")
    assert addresses.resolve(country="FR", email="not an email") == ("", "")


@pytest.mark.parametrize(
    "text",
    ["0208:0403170701", "0208:0403.170.701", " 0208 : BE0403170701 ", "EM:compta@example.fr"],
)
def test_explicit_addresses_are_parsed(text):
    scheme, value = addresses.parse(text)
    assert scheme in addresses.EAS_CODES
    assert addresses.parse(addresses.format_address(scheme, value)) == (scheme, value)


def test_parsed_values_are_normalised():
    assert addresses.parse("0208:0403.170.701") == ("0208", "0403170701")
    assert addresses.parse("em:compta@example.fr") == ("EM", "compta@example.fr")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0403170701", "SCHEME:VALUE"),
        ("9999:123", "unknown"),
        ("XX:abc", "unknown"),
        ("0208:", "empty"),
        ("0088:12 34", "spaces"),
        ("0208:0403170702", "check 97"),  # wrong check digits
        ("0002:123456789", "check digit"),  # fails Luhn
        ("0009:1234", "SIRET"),
        ("0225:abc", "SIREN"),
        ("EM:nobody", "name@domain"),
        ("0088:" + "1" * 126, "125"),
    ],
)
def test_wrong_addresses_are_refused_with_a_reason(text, why):
    with pytest.raises(InvalidAddress, match=why):
        addresses.parse(text)


def test_the_french_directory_accepts_a_siren_with_a_routing_suffix():
    siren = fake_siren(FR)
    assert addresses.parse(f"0225:{siren}_COMPTA") == ("0225", f"{siren}_COMPTA")


def test_peppol_schemes_are_eas_schemes_without_email():
    assert addresses.PEPPOL_EAS_CODES < addresses.EAS_CODES
    assert "EM" not in addresses.PEPPOL_EAS_CODES
    assert {"0002", "0009", "0208", "0225"} <= addresses.PEPPOL_EAS_CODES


@given(st.text(max_size=60))
def test_parse_refuses_or_returns_a_known_scheme_never_crashes(text):
    try:
        scheme, value = addresses.parse(text)
    except InvalidAddress:
        return
    assert scheme in addresses.EAS_CODES
    assert value and " " not in value
