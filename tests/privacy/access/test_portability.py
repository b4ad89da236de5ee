"""Portability: only what rests on consent or contract, following the published schema."""

import io
import json
import zipfile

import jsonschema
import pytest
from django.urls import reverse
from faker import Faker

from comptoir.parties import services
from comptoir.privacy.access import portability_export, portability_schema
from comptoir.privacy.access.collect import columns, gather
from comptoir.privacy.access.portability import (
    PORTABLE_BASES,
    SCHEMA_FILE,
    is_portable,
    schema_text,
)
from comptoir.privacy.declarations import LegalBasis
from comptoir.privacy.registry import registry

pytestmark = pytest.mark.django_db
fake = Faker("fr_FR")


def _document(export) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("portability.json"))


def _validate(document, schema) -> None:
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def test_only_consent_or_contract_fields_and_the_schema_holds(
    world, actor, make_individual, issue_invoice
):
    person = make_individual(phone="+33612345678")
    services.interaction_record(
        actor=actor, party=person, kind="call", direction="inbound", note=fake.sentence()
    )
    invoice = issue_invoice(person, notes=fake.sentence())

    export = portability_export(
        organisation=world.org_a, subjects=[person.data_subject], actor=actor
    )

    document = _document(export)
    _validate(document, portability_schema())
    _validate(document, json.loads(SCHEMA_FILE.read_text()))
    data = document["data"]
    assert data["parties.party"][0]["email"] == person.email
    assert data["parties.party"][0]["phone"] == "+33612345678"
    assert data["invoicing.invoice"] == [{"id": invoice.pk, "notes": invoice.notes}]
    # Every field exported rests on consent or contract; the others found are left out.
    left_out = 0
    for kind in gather(organisation=world.org_a, subjects=[person.data_subject]).kinds:
        for column in kind.columns:
            if column.personal is None:
                continue
            in_document = any(column.name in row for row in data.get(kind.label, []))
            assert in_document == bool(PORTABLE_BASES & set(column.personal.legal_bases))
            left_out += not in_document
    assert left_out  # e.g. the member who issued the invoice (accounting only)
    assert "issued_by" not in data["invoicing.issueddocument"][0]


def test_the_zip_holds_csv_beside_the_json(world, actor, make_individual):
    person = make_individual()
    archive = zipfile.ZipFile(
        io.BytesIO(
            portability_export(
                organisation=world.org_a, subjects=[person.data_subject], actor=actor
            ).content
        )
    )
    text = archive.read("csv/parties.party.csv").decode()
    header, row = text.splitlines()[:2]
    assert header.startswith("id,") and "email" in header.split(",")
    assert person.email in row


def test_a_new_declared_field_appears_in_the_schema_and_the_document(
    world, actor, make_individual, gift_declared
):
    person = make_individual()
    gift_declared(
        organisation=world.org_a, data_subject=person.data_subject, wish="a bicycle"
    ).save()
    schema = portability_schema()
    gift = schema["properties"]["data"]["properties"]["privacy_tests.gift"]
    assert set(gift["items"]["properties"]) == {"id", "wish"}  # offered_on: statistics only
    assert gift["items"]["properties"]["wish"]["x-legal-bases"] == [LegalBasis.CONSENT]
    document = _document(
        portability_export(organisation=world.org_a, subjects=[person.data_subject], actor=actor)
    )
    _validate(document, schema)
    assert document["data"]["privacy_tests.gift"][0]["wish"] == "a bicycle"
    assert (
        "privacy_tests.gift"
        not in portability_schema(installed_only=True)["properties"]["data"]["properties"]
    )


def test_the_stored_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text() == schema_text(portability_schema(installed_only=True)), (
        "the declarations changed: rewrite the file with portability.write_schema_file()"
    )


def test_every_portable_field_of_the_schema_is_declared_so():
    schema = portability_schema(installed_only=True)
    jsonschema.Draft202012Validator.check_schema(schema)
    for label, kind in schema["properties"]["data"]["properties"].items():
        model = next(m for m in registry.models() if m._meta.label_lower == label)
        declared = registry.for_model(model).fields
        for name, field in kind["items"]["properties"].items():
            if name != "id":
                assert PORTABLE_BASES & set(declared[name].legal_bases), (label, name)
                assert set(field["x-legal-bases"]) == {str(b) for b in declared[name].legal_bases}


def test_the_schema_is_public_and_valid(client):
    response = client.get(reverse("privacy:portability_schema"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    schema = json.loads(response.content)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert reverse("privacy:portability_schema") == "/privacy/portability.schema.json"


def test_is_portable_reads_the_legal_bases():
    party = next(m for m in registry.models() if m._meta.label_lower == "parties.party")
    chosen = columns(party, registry.for_model(party), [])
    assert is_portable(next(c for c in chosen if c.name == "email"))
    assert not is_portable(next(c for c in chosen if c.name == "kind"))  # not personal
