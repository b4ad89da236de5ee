"""An imported row obeys exactly the rules of ``party_create``, and is stored as it stores.

The importer checks rows without building model instances (``privacy.bulk``
and ``parties.rules``); these tests hold it to the service's answer, row by
row: the same rows accepted, the same fields refused with the same messages,
and accepted rows stored with the same values and blind indexes.
"""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from faker import Faker

from comptoir.parties import services as party_services
from comptoir.parties.importing import services
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.parties.services.parties import PARTY_FIELDS
from comptoir.privacy import blind_index
from comptoir.privacy.suppression.services import suppression_add

fake = Faker("fr_FR")

CASES = {
    "individual": {"family_name": "Fabre", "given_names": "Léa", "phone": "06 12 34 56 78"},
    "individual with email and city": {
        "family_name": "Roux",
        "email": "Lea.Roux@Exemple.FR",
        "billing_postal_code": "69003",
        "billing_city": "Lyon",
        "civility": "mrs",
    },
    "no family name": {"given_names": "Léa"},
    "bad email": {"family_name": "Fabre", "email": "pas-une-adresse"},
    "bad phone": {"family_name": "Fabre", "phone": "12"},
    "name too long": {"family_name": "x" * 151},
    "unknown civility": {"family_name": "Fabre", "civility": "dr"},
    "company": {"company_name": "Boulangerie Éclair", "siren": "732 829 320"},
    "company with siret only": {"company_name": "Atelier", "siret": "73282932000074"},
    "company with an address": {  # sealed under the organisation's key: no person
        "company_name": "Menuiserie Roux",
        "billing_street": "3 rue des Lilas",
        "billing_postal_code": "33000",
        "billing_city": "Bordeaux",
    },
    "bad siren": {"company_name": "Atelier", "siren": "123456789"},
    "siret of another siren": {
        "company_name": "Atelier",
        "siren": "732829320",
        "siret": "55208131766522",
    },
    "enterprise number in France": {"company_name": "Atelier", "enterprise_number": "0403170701"},
    "belgian company": {
        "company_name": "Brasserie",
        "country": "BE",
        "enterprise_number": "0403.170.701",
    },
    "siren in Belgium": {"company_name": "Brasserie", "country": "BE", "siren": "732829320"},
    "bad vat": {"company_name": "Atelier", "vat_number": "FR00123456789"},
    "unknown country": {"company_name": "Atelier", "country": "DE"},
    "belgian company with its peppol id": {
        "company_name": "Brasserie",
        "country": "BE",
        "enterprise_number": "0403170701",
        "einvoice_address": " 0208:0403.170.701 ",
    },
    "company with a french directory address": {
        "company_name": "Atelier",
        "einvoice_address": "0225:732 829 320_FACT",
    },
    "individual with an e-invoicing email": {
        "family_name": "Fabre",
        "einvoice_address": "em:lea.fabre@exemple.fr",
    },
    "bad e-invoicing scheme": {"company_name": "Atelier", "einvoice_address": "1234:5678"},
    "bad peppol id": {"company_name": "Atelier", "einvoice_address": "0208:0403170702"},
}


def _import_one(world, fields: dict):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(list(fields))
    writer.writerow(list(fields.values()))
    job = services.import_job_create(
        organisation=world.org_a,
        data=out.getvalue().encode(),
        mapping={name: name for name in fields},
    )
    return services.import_job_run(job_id=job.pk)


def _service_errors(world, actor, kind: str, fields: dict) -> set[tuple[str, str]] | Party:
    try:
        return party_services.party_create(
            actor=actor, organisation=world.org_a, kind=kind, allow_duplicate=True, **fields
        )
    except ValidationError as exc:
        return {
            (name, message) for name, messages in exc.message_dict.items() for message in messages
        }


def _stored(party: Party) -> dict:
    party = Party.objects.of(party.organisation_id).get(pk=party.pk)
    values = {name: getattr(party, name) for name in PARTY_FIELDS if name != "sales_rep"}
    for name in (
        "family_name_index",
        "family_name_prefix",
        "email_index",
        "phone_index",
        "company_name_key",
    ):
        values[name] = getattr(party, name)
    values["has_own_key"] = party.data_subject_id is not None
    return values


@pytest.mark.parametrize("case", sorted(CASES))
def test_import_accepts_and_refuses_as_party_create(world, actor, case):
    fields = CASES[case]
    kind = PartyKind.COMPANY if fields.get("company_name") else PartyKind.INDIVIDUAL
    job = _import_one(world, fields)
    created = _service_errors(world, actor, kind, fields)
    if isinstance(created, Party):
        assert (job.rejected, job.parties_created) == (0, 1), job.rejections
        imported = Party.objects.of(world.org_a).exclude(pk=created.pk).get()
        assert _stored(imported) == _stored(created)
        for name in ("email", "phone"):
            if fields.get(name):
                lookup = blind_index.lookup(Party, name, fields[name], organisation=world.org_a)
                assert Party.objects.of(world.org_a).filter(**lookup).count() == 2
    else:
        assert job.parties_created == 0
        assert {(column, reason) for _line, column, reason in job.rejections} == created


def test_a_value_met_again_in_the_file_is_judged_the_same(world):
    """Checked values are remembered for the job (cities, names repeat): the same
    verdict every time, whichever batch the row falls in."""
    city, bad_email = fake.city(), "pas-une-adresse"
    rows = [
        [fake.last_name(), bad_email, city],
        [fake.last_name(), fake.email(), city],
        [fake.last_name(), bad_email, city],
        [fake.last_name(), fake.email(), city],
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["family_name", "email", "billing_city"])
    writer.writerows(rows)
    job = services.import_job_create(
        organisation=world.org_a,
        data=out.getvalue().encode(),
        mapping={name: name for name in ("family_name", "email", "billing_city")},
        batch_size=2,
    )
    job = services.import_job_run(job_id=job.pk)
    assert (job.parties_created, job.rejected) == (2, 2)
    assert sorted(line for line, _column, _reason in job.rejections) == [2, 4]
    assert {reason for _line, _column, reason in job.rejections} == {"Enter a valid email address."}
    cities = {p.billing_city for p in Party.objects.of(world.org_a)}
    assert cities == {city}


def test_an_imported_contact_person_is_indexed_as_contact_person_create_indexes(
    world, actor, make_company
):
    """The same family name, through the service and through the importer: the same
    blind index and prefix index (what finding people by name reads)."""
    name = "Le Guén-" + fake.last_name()
    company = make_company(company_name="Société Témoin")
    made = party_services.contact_person_create(actor=actor, party=company, family_name=name)
    job = _import_one(world, {"company_name": "Atelier Témoin", "family_name": name})
    assert (job.rejected, job.contacts_created) == (0, 1), job.rejections
    imported = ContactPerson.objects.of(world.org_a).exclude(pk=made.pk).get()
    for index in ("family_name_index", "family_name_prefix"):
        assert getattr(imported, index) == getattr(made, index) is not None


# Values on the suppression list (GDPR art. 21): refused by the importer's batched
# check exactly as ``party_create`` refuses them (same column, same reason).
SUPPRESSED = "objecte.lea@exemple.fr", "06 44 55 66 77"
SUPPRESSED_CASES = {
    "suppressed email": {"family_name": "Fabre", "email": "Objecte.Lea@Exemple.FR"},
    "suppressed phone": {"family_name": "Fabre", "phone": "+33 6 44 55 66 77"},
    "both suppressed": {"family_name": "Fabre", "email": SUPPRESSED[0], "phone": SUPPRESSED[1]},
    "bad email beats the list": {"family_name": "Fabre", "email": "pas-une-adresse"},
    "not suppressed": {"family_name": "Fabre", "email": "lea.fabre@exemple.fr"},
}


@pytest.mark.parametrize("case", sorted(SUPPRESSED_CASES))
def test_import_refuses_suppressed_values_as_party_create(world, actor, case):
    for kind, value in zip(("email", "phone"), SUPPRESSED, strict=True):
        suppression_add(organisation=world.org_a, actor=actor, kind=kind, value=value)
    fields = SUPPRESSED_CASES[case]
    kind = PartyKind.COMPANY if fields.get("company_name") else PartyKind.INDIVIDUAL
    job = _import_one(world, fields)
    created = _service_errors(world, actor, kind, fields)
    if isinstance(created, Party):
        assert (job.rejected, job.parties_created) == (0, 1), job.rejections
    else:
        assert job.parties_created == 0
        assert {(column, reason) for _line, column, reason in job.rejections} == created
        assert case == "bad email beats the list" or all(
            "objected" in reason for _column, reason in created
        )
