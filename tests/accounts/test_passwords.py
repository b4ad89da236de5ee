"""Password strength (CNIL deliberation 2022-100, with throttling: at least 50
bits, e.g. 8+ characters of 3 of 4 kinds) and Argon2 hashing."""

import math
import string

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

import comptoir.settings as production_settings
from comptoir.accounts.passwords import CnilPasswordValidator
from tests.accounts.conftest import password_login, signed_in_user_id
from tests.factories import PASSWORD, UserFactory

LOWER, UPPER, DIGITS = string.ascii_lowercase, string.ascii_uppercase, string.digits
SYMBOLS = "!#$%&()*+,-./:;<=>?@[]^_{|}~ "
PRINTABLE = LOWER + UPPER + DIGITS + SYMBOLS


def cnil_bits(password: str) -> float:
    """The CNIL's estimate, written out independently: length × log2(alphabet),
    the alphabet being the union of the kinds the password uses."""
    alphabet = sum(
        size
        for kind, size in ((LOWER, 26), (UPPER, 26), (DIGITS, 10), (SYMBOLS, 33))
        if any(c in kind for c in password)
    )
    return len(password) * math.log2(alphabet) if alphabet else 0.0


def kinds(password: str) -> int:
    return sum(any(c in kind for c in password) for kind in (LOWER, UPPER, DIGITS, SYMBOLS))


def accepted(password: str) -> bool:
    try:
        validate_password(password)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "password",
    [
        "Kq7vbnTz",  # 8 characters, three kinds
        "vb4#tq9!",  # lower case, digits, symbols
        "QZ-87-VT-41",  # upper case, digits, symbols
        "fenetre citron lampe violon",  # a pass-phrase: 27 characters, two kinds
        "8402719365028461",  # 16 digits: 53 bits
    ],
)
def test_strong_enough(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Kq7v#bn", "too_short"),  # four kinds, seven characters
        ("kqzvbntw", "too_weak"),  # eight lower-case letters: 38 bits
        ("kq7vbn3t", "too_weak"),  # two kinds, eight characters: 41 bits
        ("84027193650284", "too_weak"),  # fourteen digits: 47 bits
    ],
)
def test_too_weak(password, code):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert code in [e.code for e in caught.value.error_list]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=PRINTABLE, max_size=24))
def test_accepted_passwords_reach_the_cnil_rule(password):
    if accepted(password):
        assert len(password) >= 8
        assert kinds(password) >= 3 or cnil_bits(password) >= 50


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.text(alphabet=LOWER, min_size=3, max_size=6),
    st.text(alphabet=UPPER, min_size=1, max_size=4),
    st.text(alphabet=DIGITS, min_size=1, max_size=4),
    st.randoms(use_true_random=False),
)
def test_eight_characters_of_three_kinds_are_enough(lower, upper, digits, rnd):
    chars = list(lower + upper + digits)
    rnd.shuffle(chars)
    password = "".join(chars)
    if len(password) >= 8:
        CnilPasswordValidator().validate(password)


def test_hashed_with_argon2(db):
    assert production_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    user = UserFactory()
    assert user.password.startswith("argon2$argon2id$")
    assert PASSWORD not in user.password


def test_a_weak_new_password_is_refused_by_the_change_form(world):
    user = world.member("sales")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "kq7vbn3t", "password2": "kq7vbn3t"},
    )
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["password1"]]
    assert "too_weak" in codes
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_strong_new_password_is_taken_and_signs_in(world):
    user = world.member("sales")
    client = Client()
    client.force_login(user)
    new = "Citron-vert-2031"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    login = Client()
    assert password_login(login, user.email, new).status_code == 302
    assert signed_in_user_id(login) == user.pk
