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
from django.utils.translation import gettext as _

from comptoir.core import identifiers
from comptoir.parties.models.choices import ContactStatus, Country, PartyKind

Values = MutableMapping[str, Any]
Errors = dict[str, ValidationError]

IDENTIFIERS = ("siren", "siret", "enterprise_number", "vat_number")
BANK_DETAILS = ("iban", "bic")
# What ``party_tidy`` rewrites.
TIDIED_FIELDS = ("company_name", *IDENTIFIERS, *BANK_DETAILS)
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
    *PERSON_FIELDS,
    *(name for pair in DATE_ORDER for name in pair),
)
CONTACT_PERSON_RULE_FIELDS = ("contact_status", "preferred_channel")


def party_tidy(values: Values) -> None:
    """What a party's values become before any check: identifiers and bank details
    compact and upper-case (an IBAN is kept in its electronic form), the name stripped."""
    for name in (*IDENTIFIERS, *BANK_DETAILS):
        values[name] = identifiers.compact(values[name])
    values["company_name"] = values["company_name"].strip()


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


def contact_person_errors(values: Values) -> Errors:
    if values["contact_status"] == ContactStatus.OCCASIONAL and values["preferred_channel"]:
        return {
            "preferred_channel": ValidationError(
                _("Only a regular contact chooses a preferred channel."), code="occasional"
            )
        }
    return {}
