"""Property tests of the normal forms the blind index is computed over."""

import string

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

from comptoir.privacy import normalise
from comptoir.privacy.normalise import NormalisationError

local_parts = st.text(string.ascii_letters + string.digits + "._+-", min_size=1, max_size=30)
labels = st.text(string.ascii_letters + string.digits + "éèàçüößÉ", min_size=1, max_size=20)
domains = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(labels, min_size=1, max_size=3),
    st.sampled_from(["fr", "be", "test", "Com"]),
)


def _valid_domain(domain: str) -> bool:
    try:
        ascii_domain = domain.lower().encode("idna").decode()
    except UnicodeError:
        return False
    return all(0 < len(label) < 64 for label in ascii_domain.split("."))


@given(local_parts, domains)
def test_email_is_idempotent_and_case_blind(local, domain):
    assume(_valid_domain(domain))
    value = f"{local}@{domain}"
    normal = normalise.email(value)
    assert normalise.email(normal) == normal
    assert normalise.email(f"  {value.upper()} ") == normalise.email(value.lower()) == normal
    assert normal.isascii() or not local.isascii()
    assert normal.split("@")[1].isascii()  # the domain is in IDNA


@pytest.mark.parametrize("value", ["", "sans-arobase", "@domaine.fr", "a@", "a b@c.fr", "a@-.fr"])
def test_email_refuses_what_is_not_one(value):
    with pytest.raises(NormalisationError):
        normalise.email(value)


french_mobiles = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"6{n:08d}")


@given(french_mobiles, st.sampled_from(["national", "international", "e164", "spaced"]))
def test_phone_gives_one_e164_whatever_the_spelling(digits, style):
    number = phonenumbers.parse("+33" + digits)
    spelling = {
        "national": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        "international": phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        "e164": "+33" + digits,
        "spaced": " ".join(("0" + digits)[i : i + 2] for i in range(0, 10, 2)),
    }[style]
    normal = normalise.phone(spelling, "FR")
    assert normal == "+33" + digits
    assert normalise.phone(normal, "BE") == normal  # E.164 does not depend on the region


def test_phone_reads_local_forms_in_the_region():
    assert normalise.phone("0470 12 34 56", "BE") == "+32470123456"
    assert normalise.phone("04 70 12 34 56", "FR") == "+33470123456"
    with pytest.raises(NormalisationError):
        normalise.phone("12", "FR")
    with pytest.raises(NormalisationError):
        normalise.phone("pas un numéro", "FR")


belgian_bbans = st.integers(min_value=0, max_value=9_999_999_999).map(
    lambda n: f"{n:010d}{(n % 97) or 97:02d}"
)


@given(belgian_bbans, st.booleans(), st.integers(min_value=1, max_value=6))
def test_iban_is_compact_upper_case_whatever_the_spelling(bban, lower, group):
    compact = "BE" + stdnum_iban.calc_check_digits("BE00" + bban) + bban
    spelled = " ".join(compact[i : i + group] for i in range(0, len(compact), group))
    assert normalise.iban(spelled.lower() if lower else spelled) == compact


def test_iban_refuses_a_wrong_check_digit():
    with pytest.raises(NormalisationError):
        normalise.iban("FR76 3000 6000 0112 3456 7890 188")


@given(st.text(max_size=40))
def test_name_is_idempotent(value):
    try:
        normal = normalise.name(value)
    except NormalisationError:
        assert not normalise._SPACES.sub("", normalise._strip_marks(value).casefold())
        return
    assert normalise.name(normal) == normal
    assert normal == normal.strip() and "  " not in normal


@given(st.text(alphabet="aeiouycnAEIOUYCN -'", min_size=1, max_size=30))
def test_name_ignores_case_and_accents(base):
    accented = base.translate(str.maketrans("aeiouycnAEIOUYCN", "àéîõüÿçñÀÉÎÕÜŸÇÑ"))
    assume(base.strip())
    assert normalise.name(accented) == normalise.name(base.upper()) == normalise.name(base)


def test_name_examples():
    assert normalise.name("  Éloïse   LE GUÉN ") == "eloise le guen"
    assert normalise.name("Straße") == normalise.name("STRASSE")


def _general_phone(value: str, region: str) -> str | None:
    """phonenumbers' own reading, which ``normalise.phone`` must give on every path."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("region", ["FR", "BE"])
def test_phone_common_spellings_read_as_phonenumbers_reads_them(region):
    """Every national prefix and length, in the spellings files hold (the fast path)."""
    for prefix in range(10):
        for length in range(6, 11):
            for tail in (0, 12345678901, 98765432109, 55555555555):
                digits = f"0{prefix}{tail:011d}"[: length + 2]
                for spelling in (
                    digits,
                    " ".join(digits[i : i + 2] for i in range(0, len(digits), 2)),
                    ".".join(digits[i : i + 2] for i in range(0, len(digits), 2)),
                    "+33" + digits[1:],
                    "+32" + digits[1:],
                    "+33 " + digits[1:],
                    "0033" + digits[1:],
                ):
                    expected = _general_phone(spelling, region)
                    if expected is None:
                        with pytest.raises(NormalisationError):
                            normalise.phone(spelling, region)
                    else:
                        assert normalise.phone(spelling, region) == expected, spelling
