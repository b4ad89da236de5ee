"""Fake values by kind, the same fake for the same original within one run.

``FakeValues`` keys every fake by an HMAC of (kind, normalised original)
under a random key drawn for the run, and seeds Faker (fr_FR or nl_BE) from
that HMAC: the same person's name, email or phone gives the same fake in
every table of the copy, and nothing links a fake to its original once the
run is over (the key is never written anywhere). Formats stay valid: emails
are addresses of the reserved ``example.*`` domains, phone numbers are valid
for their country (phonenumbers), IBANs pass schwifty, SIRENs, SIRETs and
Belgian enterprise numbers pass python-stdnum, postal codes have their
country's shape, dates stay dates.
"""

import hashlib
import hmac
import ipaddress
import os
import random
import re
import string
from collections.abc import Callable
from datetime import date, timedelta
from email.utils import formataddr, parseaddr

import phonenumbers
from faker import Faker
from schwifty import BIC, IBAN
from stdnum import luhn
from stdnum.be import vat as be_vat
from text_unidecode import unidecode

from comptoir.core import payment_reference
from comptoir.privacy import normalise

LOCALES = {"FR": "fr_FR", "BE": "nl_BE"}
DEFAULT_COUNTRY = "FR"
# RFC 2606: domains that never deliver mail.
SAFE_DOMAINS = ("example.com", "example.org", "example.net")


def _country(country: str | None) -> str:
    country = (country or "").upper()
    return country if country in LOCALES else DEFAULT_COUNTRY


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", unidecode(text).lower()) or "x"


def _normal_email(value: str) -> str:
    try:
        return normalise.email(value)
    except normalise.NormalisationError:
        return value.strip().lower()


def _normal_phone(value: str) -> str:
    try:
        return normalise.phone(value, DEFAULT_COUNTRY)
    except normalise.NormalisationError:
        return re.sub(r"\s+", "", value)


def _normal_name(value: str) -> str:
    try:
        return normalise.name(value)
    except normalise.NormalisationError:
        return value.strip().casefold()


def _same(value: str) -> str:
    return value


def _folded(value: str) -> str:
    return " ".join(value.split()).casefold()


# How an original is normalised before it is keyed: two spellings of the same
# email or phone number get the same fake.
NORMAL: dict[str, Callable[[str], str]] = {
    "email": _normal_email,
    "phone": _normal_phone,
    "given_name": _normal_name,
    "family_name": _normal_name,
    "full_name": _normal_name,
    "iban": lambda v: re.sub(r"\s+", "", v).upper(),
    "bic": lambda v: v.strip().upper(),
    "street": _folded,
    "city": _folded,
    "postal_code": lambda v: re.sub(r"\s+", "", v).upper(),
}


class FakeValues:
    """The run's fakes. ``key``: the HMAC key (random by default; tests pass one)."""

    def __init__(self, key: bytes | None = None):
        self._key = key if key is not None else os.urandom(32)
        self._fakers = {country: Faker(locale) for country, locale in LOCALES.items()}
        self._memo: dict[tuple[str, str], object] = {}

    # The seed ----------------------------------------------------------------
    def digest(self, kind: str, original) -> bytes:
        text = str(original)
        normal = NORMAL.get(kind, _same)(text)
        return hmac.new(self._key, f"{kind}\x00{normal}".encode(), hashlib.sha256).digest()

    def _rng(self, kind: str, original, country: str) -> tuple[Faker, random.Random]:
        seed = int.from_bytes(self.digest(kind, original)[:8], "big")
        faker = self._fakers[country]
        faker.seed_instance(seed)
        return faker, random.Random(seed)  # noqa: S311 (fakes, not secrets: seeded from the HMAC)

    def _memoised(self, kind: str, original, country: str, make, *, keyed: bool = False):
        """The fake of ``original``, made once. ``country`` picks Faker's locale;
        with ``keyed`` it is part of the key too (a postal code is the same
        original in a different country), else the first row's locale wins, so a
        name reads the same in a French and in a Belgian table."""
        memo_key = (kind, country if keyed else "", self.digest(kind, original).hex())
        found = self._memo.get(memo_key)
        if found is None:
            faker, rng = self._rng(kind, original, country)
            found = make(faker, rng)
            for attempt in range(1, 20):  # a fake never equals its original
                if str(found).strip().casefold() != str(original).strip().casefold():
                    break
                faker, rng = self._rng(kind, f"{original}\x00{attempt}", country)
                found = make(faker, rng)
            self._memo[memo_key] = found
        return found

    # Identity ------------------------------------------------------------------
    def given_name(self, original: str, country: str | None = None) -> str:
        return self._memoised(
            "given_name", original, _country(country), lambda f, r: f.first_name()
        )

    def family_name(self, original: str, country: str | None = None) -> str:
        return self._memoised(
            "family_name", original, _country(country), lambda f, r: f.last_name()
        )

    def full_name(self, original: str, country: str | None = None) -> str:
        return self._memoised(
            "full_name",
            original,
            _country(country),
            lambda f, r: f"{f.first_name()} {f.last_name()}",
        )

    def organisation_name(self, original: str, country: str | None = None) -> str:
        return self._memoised("organisation", original, _country(country), lambda f, r: f.company())

    def email(
        self, original: str, country: str | None = None, *, names: tuple[str, str] | None = None
    ) -> str:
        """An address of a reserved domain; made of ``names`` (the owner's fake
        given and family names) when the first row met with it names them."""

        def make(f: Faker, r: random.Random) -> str:
            tag = self.digest("email", original).hex()[:6]
            given, family = names or (f.first_name(), f.last_name())
            local = f"{_slug(given)}.{_slug(family)}.{tag}"
            return f"{local}@{r.choice(SAFE_DOMAINS)}"

        # One fake per address whatever the row's country: the same person
        # is written to from a French and a Belgian organisation alike.
        return self._memoised("email", original, DEFAULT_COUNTRY, make)

    def mailbox(self, original: str, country: str | None = None) -> str:
        """A mail header address, ``Name <address>`` or a bare address."""
        name, address = parseaddr(original)
        if not address or "@" not in address:
            return self.email(original, country)
        fake = self.email(address, country)
        return formataddr((self.full_name(name, country), fake)) if name else fake

    def phone(self, original: str, country: str | None = None) -> str:
        context = region = _country(country)
        try:
            found = phonenumbers.region_code_for_number(phonenumbers.parse(original, region))
        except phonenumbers.NumberParseException:
            found = None
        if found in LOCALES:
            region = found
        # A national number reads as one only in its own country.
        international = original.strip().startswith(("+", "00")) or region != context

        def make(f: Faker, r: random.Random) -> str:
            for _ in range(200):
                if region == "BE":
                    national = r.choice(["4", "2"])
                    national += (
                        r.choice(["70", "71", "72", "73", "75", "76", "77", "78", "79", "8", "9"])
                        if national == "4"
                        else ""
                    )
                    national += "".join(r.choice(string.digits) for _ in range(9 - len(national)))
                    candidate = "+32" + national
                else:
                    national = r.choice("1234567") + "".join(
                        r.choice(string.digits) for _ in range(8)
                    )
                    candidate = "+33" + national
                number = phonenumbers.parse(candidate, region)
                if phonenumbers.is_valid_number(number):
                    fmt = (
                        phonenumbers.PhoneNumberFormat.INTERNATIONAL
                        if international
                        else phonenumbers.PhoneNumberFormat.NATIONAL
                    )
                    return phonenumbers.format_number(number, fmt)
            raise RuntimeError("no valid phone number drawn")  # pragma: no cover

        return self._memoised("phone", original, region, make, keyed=True)

    # Places --------------------------------------------------------------------
    def street(self, original: str, country: str | None = None) -> str:
        return self._memoised(
            "street", original, _country(country), lambda f, r: f.street_address()
        )

    def city(self, original: str, country: str | None = None) -> str:
        return self._memoised("city", original, _country(country), lambda f, r: f.city())

    def postal_code(self, original: str, country: str | None = None) -> str:
        region = _country(country)

        def make(f: Faker, r: random.Random) -> str:
            if region == "BE":
                return str(r.randint(1000, 9992))
            return f"{r.randint(1000, 95999):05d}"

        return self._memoised("postal_code", original, region, make, keyed=True)

    # Money -----------------------------------------------------------------------
    def iban(self, original: str, country: str | None = None) -> str:
        compact = re.sub(r"\s+", "", original).upper()
        region = compact[:2] if compact[:2] in LOCALES else _country(country)

        def make(f: Faker, r: random.Random) -> str:
            for _ in range(50):
                value = f.iban()
                try:
                    iban = IBAN(value)
                except ValueError:
                    continue
                return iban.formatted if " " in original else iban.compact
            raise RuntimeError("no valid IBAN drawn")  # pragma: no cover

        return self._memoised("iban", original, region, make, keyed=True)

    def bic(self, original: str, country: str | None = None) -> str:
        region = original.strip().upper()[4:6] if len(original.strip()) >= 6 else ""
        region = region if region in LOCALES else _country(country)

        def make(f: Faker, r: random.Random) -> str:
            letters = "".join(r.choice(string.ascii_uppercase) for _ in range(4))
            location = "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(2))
            value = f"{letters}{region}{location}"
            if len(original.strip()) == 11:
                value += "XXX"
            return str(BIC(value))

        return self._memoised("bic", original, region, make, keyed=True)

    def reference(self, original: str, country: str | None = None) -> str:
        """A payment's reference: a valid Belgian structured communication for
        one, else the same shape (each digit a digit, each letter a letter)."""
        if payment_reference.is_valid(original):
            return self._memoised(
                "structured",
                original,
                DEFAULT_COUNTRY,
                lambda f, r: payment_reference.structured(r.randrange(1, 10**10)),
            )
        return self._memoised("reference", original, DEFAULT_COUNTRY, _shape_of(original))

    # Registration numbers ------------------------------------------------------
    def siren(self, original: str, country: str | None = None) -> str:
        def make(f: Faker, r: random.Random) -> str:
            body = f"{r.randint(10_000_000, 99_999_999):08d}"
            return body + luhn.calc_check_digit(body)

        return self._memoised("siren", original, "FR", make)

    def siret(self, original: str, country: str | None = None) -> str:
        def make(f: Faker, r: random.Random) -> str:
            body = self.siren(original[:9]) + f"{r.randint(1, 9999):04d}"
            return body + luhn.calc_check_digit(body)

        return self._memoised("siret", original, "FR", make)

    def enterprise_number(self, original: str, country: str | None = None) -> str:
        def make(f: Faker, r: random.Random) -> str:
            body = r.randint(2_000_000, 19_999_999)
            number = f"{body:08d}{97 - body % 97:02d}"
            return be_vat.compact(number.zfill(10))

        return self._memoised("enterprise_number", original, "BE", make)

    def einvoice_address(self, original: str, country: str | None = None) -> str:
        """``SCHEME:VALUE``, its value faked as what the scheme names."""
        scheme, sep, value = original.partition(":")
        if not sep:
            return self.einvoice_value("", original, country)
        return f"{scheme}:{self.einvoice_value(scheme, value, country)}"

    def einvoice_value(self, scheme: str, value: str, country: str | None = None) -> str:
        if scheme.upper() == "EM" or "@" in value:
            return self.email(value, country)
        if scheme == "0225" or (scheme == "0002" and len(value) == 9):
            return self.siren(value)
        if scheme == "0009":
            return self.siret(value)
        if scheme == "0208":
            return self.enterprise_number(value)
        return self._memoised("einvoice", value, DEFAULT_COUNTRY, _shape_of(value))

    # Internet ------------------------------------------------------------------
    def profile(self, original: str, country: str | None = None) -> str:
        """A social network profile: a URL of the same site, or a handle."""

        def make(f: Faker, r: random.Random) -> str:
            handle = f"{_slug(f.first_name())}{_slug(f.last_name())}{r.randint(1, 999)}"
            if "linkedin" in original.lower():
                return f"https://www.linkedin.com/in/{handle}"
            if original.strip().startswith("@"):
                return "@" + handle
            if original.strip().lower().startswith(("http", "www", "x.com", "twitter")):
                return f"https://x.com/{handle}"
            return handle

        return self._memoised("profile", original, _country(country), make)

    def ip(self, original: str, country: str | None = None) -> str:
        try:
            version = ipaddress.ip_address(original).version
        except ValueError:
            version = 4

        def make(f: Faker, r: random.Random) -> str:
            if version == 6:  # RFC 3849: the documentation prefix
                return str(ipaddress.IPv6Address(0x20010DB8 << 96 | r.getrandbits(64)))
            block = r.choice(["192.0.2", "198.51.100", "203.0.113"])  # RFC 5737
            return f"{block}.{r.randint(1, 254)}"

        return self._memoised("ip", original, DEFAULT_COUNTRY, make)

    # Other -----------------------------------------------------------------------
    def date(self, original: date, country: str | None = None) -> date:
        """Another date within a year of the original (a date of birth stays plausible)."""

        def make(f: Faker, r: random.Random) -> date:
            return original + timedelta(days=r.choice([-1, 1]) * r.randint(1, 365))

        return self._memoised("date", original.isoformat(), DEFAULT_COUNTRY, make)

    def text(self, original: str, country: str | None = None, *, max_length: int | None = None):
        """Faker text of about the original's length (at most ``max_length``)."""
        size = len(original)
        limit = min(size, max_length) if max_length else size

        def make(f: Faker, r: random.Random) -> str:
            if limit < 5:
                return "".join(r.choice(string.ascii_lowercase) for _ in range(limit))
            made = f.text(max_nb_chars=limit)
            while len(made) < size * 0.8 and len(made) + 2 < limit:
                made += " " + f.text(max_nb_chars=max(5, limit - len(made) - 1))
            return made[:limit]

        return self._memoised(f"text:{limit}", original, _country(country), make)

    def file_name(self, original: str, country: str | None = None) -> str:
        folder, _slash, name = original.rpartition("/")
        stem, dot, extension = name.rpartition(".")
        suffix = f".{extension}" if dot and len(extension) <= 5 else ""
        tag = self.digest("file", original).hex()[:12]
        return f"{folder + '/' if folder else ''}anonymised-{tag}{suffix}"


def _shape_of(original: str):
    """A maker of strings of ``original``'s shape: digits stay digits, letters letters."""

    def make(f: Faker, r: random.Random) -> str:
        out = []
        for ch in original:
            if ch.isdigit():
                out.append(r.choice(string.digits))
            elif ch.isalpha():
                pool = string.ascii_uppercase if ch.isupper() else string.ascii_lowercase
                out.append(r.choice(pool))
            else:
                out.append(ch)
        return "".join(out)

    return make
