"""The rules a party or a contact person obeys across its fields, over plain values.

One definition for two callers: ``Party.clean`` / ``ContactPerson.clean``
(and the services that create and update through ``full_clean``) hand these
functions their own values, and the importer hands them a row's values
without building a model instance (``privacy.bulk``). Each function takes a
mutable mapping holding every name it reads, may rewrite values into their
checked form (identifiers), and returns errors keyed by field name.
"""

from collections.abc import MutableMapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from comptoir.core import identifiers
from comptoir.core.einvoice_addresses import EAS_CODES
from comptoir.parties.models.choices import ContactStatus, Country, PartyKind

Values = MutableMapping[str, Any]
Errors = dict[str, ValidationError]

IDENTIFIERS = ("siren", "siret", "enterprise_number", "vat_number")
BANK_DETAILS = ("iban", "bic")
EINVOICE_ADDRESS = "einvoice_address"
# What the checks rewrite into their checked form.
CHECKED_FIELDS = (*IDENTIFIERS, EINVOICE_ADDRESS)
# What ``party_tidy`` rewrites.
TIDIED_FIELDS = ("company_name", *IDENTIFIERS, *BANK_DETAILS, EINVOICE_ADDRESS)
PERSON_FIELDS = ("given_names", "family_name", "email", "phone", "civility")
DATE_ORDER = (("client_since", "client_ended_on"), ("supplier_since", "supplier_ended_on"))
ROLE_DATES = (
    ("is_prospect", "first_contact_on"),
    ("is_client", "client_since"),
    ("is_supplier", "supplier_since"),
)
# Every name the party rules read.
PARTY_RULE_FIELDS = (
    "kind",
    "country",
    "company_name",
    *IDENTIFIERS,
    EINVOICE_ADDRESS,
    *PERSON_FIELDS,
    *(name for pair in DATE_ORDER for name in pair),
)
CONTACT_PERSON_RULE_FIELDS = ("contact_status", "preferred_channel")

# The electronic address schemes a party's e-invoicing address may name ("SCHEME:VALUE"):
# the EN 16931 EAS code list, written once in core.
EINVOICE_SCHEMES = EAS_CODES
SIREN_SCHEMES = ("0002", "0225")  # 0225: the French directory (SIREN, or SIREN_suffix)


def _french_directory(value: str) -> str:
    """A French directory address: a SIREN, alone or followed by ``_`` and a
    suffix (SIRET, routing code) the platform gave."""
    siren, underscore, rest = value.partition("_")
    checked = identifiers.siren(identifiers.compact(siren))
    if underscore and not rest:
        raise ValidationError(_("Give what follows the “_” or leave it out."), code="invalid")
    return f"{checked}{underscore}{rest}"


# The schemes whose value is checked, and how (each returns the value in its checked form).
EINVOICE_VALUE_CHECKS = {
    "0002": lambda value: identifiers.siren(identifiers.compact(value)),
    "0009": lambda value: identifiers.siret(identifiers.compact(value)),
    "0208": lambda value: identifiers.be_enterprise_number(identifiers.compact(value)),
    "0225": _french_directory,
    "EM": lambda value: _email(value),
}


def _email(value: str) -> str:
    validate_email(value)
    return value


def einvoice_address(value: str) -> str:
    """A party's electronic invoicing address, ``SCHEME:VALUE``, in its checked form
    (e.g. ``0208:0403170701``, ``0225:315143296``, ``EM:factures@example.fr``): a
    known scheme, a value, and for a Belgian enterprise number (0208), a SIREN
    (0002, 0225) or a SIRET (0009) a valid one. Messages never quote the value."""
    scheme, colon, rest = value.partition(":")
    scheme, rest = scheme.strip().upper(), rest.strip()
    if not colon or not scheme:
        raise ValidationError(
            _("Write the scheme, a colon and the identifier, e.g. 0208:0403170701."),
            code="invalid",
        )
    if scheme not in EINVOICE_SCHEMES:
        raise ValidationError(
            _("Unknown electronic address scheme: use a code of the EAS list (e.g. 0208, 0225)."),
            code="scheme",
        )
    if not rest:
        raise ValidationError(_("Give the identifier after the colon."), code="required")
    check = EINVOICE_VALUE_CHECKS.get(scheme)
    if check is not None:
        rest = check(rest)
    elif any(character.isspace() for character in rest):
        raise ValidationError(_("An electronic address has no space."), code="invalid")
    return f"{scheme}:{rest}"


def einvoice_parts(address: str) -> tuple[str, str]:
    """A stored e-invoicing address as the e-invoice writes it (BT-49 and its scheme
    identifier): ``("0208", "0403170701")``; ``("", "")`` when the party has none."""
    scheme, _colon, identifier = address.partition(":")
    return (scheme, identifier) if identifier else ("", "")


def party_tidy(values: Values) -> None:
    """What a party's values become before any check: identifiers and bank details
    compact and upper-case (an IBAN is kept in its electronic form), the name and
    the e-invoicing address stripped."""
    for name in (*IDENTIFIERS, *BANK_DETAILS):
        values[name] = identifiers.compact(values[name])
    values["company_name"] = values["company_name"].strip()
    values[EINVOICE_ADDRESS] = values[EINVOICE_ADDRESS].strip()


def role_dates(values: Values, today: date) -> None:
    """A role taken without its date starts ``today``."""
    for flag, since in ROLE_DATES:
        if values[flag] and not values[since]:
            values[since] = today


def party_errors(values: Values) -> Errors:
    errors: Errors = {}
    _kind(values, errors)
    _identifiers(values, errors)
    for since, until in DATE_ORDER:
        start, end = values[since], values[until]
        if start and end and end < start:
            errors[until] = ValidationError(
                _("A relationship cannot end before it starts."), code="order"
            )
    return errors


def _kind(values: Values, errors: Errors) -> None:
    if values["kind"] == PartyKind.COMPANY:
        if not values["company_name"]:
            errors["company_name"] = ValidationError(
                _("A company needs its name."), code="required"
            )
        for name in PERSON_FIELDS:
            if values[name]:
                errors[name] = ValidationError(
                    _("A company's people are its contact persons."), code="company"
                )
    elif values["kind"] == PartyKind.INDIVIDUAL and not values["family_name"]:
        errors["family_name"] = ValidationError(
            _("An individual needs a family name."), code="required"
        )


def _identifiers(values: Values, errors: Errors) -> None:
    def check(name: str, validate) -> None:
        value = values[name]
        if value and name not in errors:
            try:
                values[name] = validate(value)
            except ValidationError as exc:
                errors[name] = exc

    country = values["country"]
    if country == Country.FRANCE:
        check("siren", identifiers.siren)
        check("siret", identifiers.siret)
        siret = values["siret"]
        if siret and "siret" not in errors and "siren" not in errors:
            if not values["siren"]:
                values["siren"] = siret[:9]
            elif siret[:9] != values["siren"]:
                errors["siret"] = ValidationError(
                    _("The SIRET must start with the SIREN."), code="mismatch"
                )
        if values["enterprise_number"]:
            errors["enterprise_number"] = ValidationError(
                _("Only Belgian parties have an enterprise number."), code="country"
            )
    elif country == Country.BELGIUM:
        check("enterprise_number", identifiers.be_enterprise_number)
        for name in ("siren", "siret"):
            if values[name]:
                errors[name] = ValidationError(_("Only French parties have one."), code="country")
    check("vat_number", lambda value: identifiers.vat_number(value, country))
    check(EINVOICE_ADDRESS, einvoice_address)


def contact_person_errors(values: Values) -> Errors:
    if values["contact_status"] == ContactStatus.OCCASIONAL and values["preferred_channel"]:
        return {
            "preferred_channel": ValidationError(
                _("Only a regular contact chooses a preferred channel."), code="occasional"
            )
        }
    return {}
