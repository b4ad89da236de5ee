"""A business identifier of the wrong shape and one whose check digits are wrong get
different messages, the same from the service and from the importer."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from comptoir.parties import services
from comptoir.parties.importing import services as import_services
from comptoir.parties.models import PartyKind

SHAPE = {
    "siren": "Enter a valid SIREN (9 digits).",
    "siret": "Enter a valid SIRET (14 digits).",
    "enterprise_number": (
        "Enter a valid Belgian enterprise number (10 digits, such as 0403.170.701)."
    ),
    "vat_number FR": "Enter a valid French VAT number (FR + 11 characters).",
    "vat_number BE": "Enter a valid Belgian VAT number (BE + 10 digits).",
}
CHECK = {
    "siren": "This SIREN has 9 digits but its check digit is wrong: look for a typo.",
    "siret": "This SIRET has 14 digits but its check digit is wrong: look for a typo.",
    "enterprise_number": (
        "The check digits of this Belgian enterprise number are wrong: look for a typo."
    ),
    "vat_number FR": (
        "The key of this French VAT number does not match its SIREN: look for a typo."
    ),
    "vat_number BE": "The check digits of this Belgian VAT number are wrong: look for a typo.",
}
# (case, country, field, value, expected message)
CASES = [
    ("siren: 9 digits, wrong check digit", "FR", "siren", "732 829 321", CHECK["siren"]),
    ("siren: 8 digits", "FR", "siren", "73282932", SHAPE["siren"]),
    ("siren: a letter", "FR", "siren", "73282932A", SHAPE["siren"]),
    ("siret: wrong check digit", "FR", "siret", "73282932000075", CHECK["siret"]),
    ("siret: 13 digits", "FR", "siret", "7328293200007", SHAPE["siret"]),
    ("vat FR: wrong key", "FR", "vat_number", "FR45732829320", CHECK["vat_number FR"]),
    ("vat FR: too short", "FR", "vat_number", "FR4473282932", SHAPE["vat_number FR"]),
    (
        "enterprise number: wrong check",
        "BE",
        "enterprise_number",
        "0403.170.702",
        CHECK["enterprise_number"],
    ),
    (
        "enterprise number: a letter",
        "BE",
        "enterprise_number",
        "04031A0701",
        SHAPE["enterprise_number"],
    ),
    ("vat BE: wrong check", "BE", "vat_number", "BE0403170702", CHECK["vat_number BE"]),
    ("vat BE: letters", "BE", "vat_number", "BE04031707AB", SHAPE["vat_number BE"]),
]


def _service_message(world, actor, country, field, value) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        services.party_create(
            actor=actor,
            organisation=world.org_a,
            kind=PartyKind.COMPANY,
            company_name="Atelier",
            country=country,
            **{field: value},
        )
    return caught.value.message_dict[field]


def _import_message(world, country, field, value) -> list[str]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["company_name", "country", field])
    writer.writerow(["Atelier", country, value])
    job = import_services.import_job_create(
        organisation=world.org_a,
        data=out.getvalue().encode(),
        mapping={name: name for name in ("company_name", "country", field)},
    )
    job = import_services.import_job_run(job_id=job.pk)
    return [reason for _line, column, reason in job.rejections if column == field]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_shape_and_check_digits_are_told_apart_by_the_service_and_the_import(world, actor, case):
    _name, country, field, value, expected = case
    with translation.override("en"):
        assert _service_message(world, actor, country, field, value) == [expected]
        assert _import_message(world, country, field, value) == [expected]


def test_the_messages_are_translated(world, actor):
    with translation.override("fr"):
        message = _service_message(world, actor, "FR", "siren", "732829321")[0]
    assert "9 chiffres" in message and "clé" in message
