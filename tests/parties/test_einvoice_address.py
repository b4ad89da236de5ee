"""A party's electronic invoicing address ("SCHEME:VALUE": a Peppol participant id
such as 0208 + the Belgian enterprise number, the French directory's 0225 + SIREN,
an email under EM...): checked by ``parties.rules`` (known scheme, a value, valid
SIREN, SIRET or enterprise number where the scheme names one), kept in its checked
form, encrypted, and present wherever a party's fields go: services, API, forms,
importer, party page."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import forms, rules, services
from comptoir.parties.importing import readers
from comptoir.parties.importing import services as importing
from comptoir.parties.models import Party, PartyKind
from tests.parties.conftest import counts, fake_siret
from tests.raw_storage import raw_database

fr, be = Faker("fr_FR"), Faker("nl_BE")
SIREN = "732829320"
SIRET = "73282932000074"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0208:0403.170.701", "0208:0403170701"),
        (" 0208 : 0403 170 701 ", "0208:0403170701"),
        ("0002:732 829 320", f"0002:{SIREN}"),
        ("0225:732829320", f"0225:{SIREN}"),
        ("0225:732 829 320_FACTURES", f"0225:{SIREN}_FACTURES"),
        (f"0009:{SIRET[:9]} {SIRET[9:]}", f"0009:{SIRET}"),
        ("9925:BE0403170701", "9925:BE0403170701"),
        ("0088:5790000435968", "0088:5790000435968"),
        ("em:factures@exemple.fr", "EM:factures@exemple.fr"),
    ],
)
def test_a_valid_address_is_kept_in_its_checked_form(given, stored):
    assert rules.einvoice_address(given) == stored


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("5790000435968", "invalid"),  # no scheme
        (":5790000435968", "invalid"),
        ("1234:0403170701", "scheme"),  # not in the EAS list
        ("9960:X", "scheme"),
        ("0208:", "required"),
        ("0208:0403170702", "checksum"),  # a typo in the enterprise number
        ("0002:12345678", "invalid"),
        ("0225:732829321", "checksum"),
        ("0225:732829320_", "invalid"),
        ("0009:73282932000075", "checksum"),
        ("EM:pas-une-adresse", "invalid"),
        ("0088:579 000", "invalid"),  # a space inside an unchecked value
    ],
)
def test_a_bad_address_is_refused_with_its_reason(given, code):
    with pytest.raises(ValidationError) as caught:
        rules.einvoice_address(given)
    assert caught.value.code == code
    # The message never repeats the value (it may be a person's email).
    value = given.split(":")[-1]
    assert not value or value not in " ".join(caught.value.messages)


def test_a_stored_address_splits_into_scheme_and_identifier_for_the_e_invoice():
    assert rules.einvoice_parts(rules.einvoice_address("0208:0403.170.701")) == (
        "0208",
        "0403170701",
    )
    assert rules.einvoice_parts("EM:factures@exemple.fr") == ("EM", "factures@exemple.fr")
    assert rules.einvoice_parts("") == ("", "")


def test_every_scheme_of_the_list_is_known():
    # The EAS code list of the EN 16931 validation artefacts (9901 and the like are retired).
    assert {"0002", "0009", "0088", "0208", "0225", "9925", "9959", "EM"} <= rules.EINVOICE_SCHEMES
    assert not {"9900", "9960", "0000"} & rules.EINVOICE_SCHEMES


def test_a_company_is_created_and_updated_with_its_address_journalled_by_name(world, actor):
    number = fake_be_enterprise_number(be)
    party = services.party_create(
        actor=actor,
        organisation=world.org_b,
        kind=PartyKind.COMPANY,
        country="BE",
        company_name=be.company(),
        enterprise_number=number,
        einvoice_address=f"0208:{number[:4]}.{number[4:7]}.{number[7:]}",
    )
    fresh = Party.objects.of(world.org_b).get(pk=party.pk)
    assert fresh.einvoice_address == f"0208:{number}"
    created = AuditEvent.objects.get(action=Action.CREATE, object_id=str(party.pk))
    assert "einvoice_address" in created.fields

    siren = fake_siren(fr)
    services.party_update(actor=actor, party=fresh, einvoice_address=f"0225:{siren}")
    update = AuditEvent.objects.filter(action=Action.UPDATE).get(object_id=str(party.pk))
    assert update.fields == ["einvoice_address"]
    assert Party.objects.of(world.org_b).get(pk=party.pk).einvoice_address == f"0225:{siren}"
    assert siren not in repr(list(AuditEvent.objects.values()))


def test_a_bad_address_is_refused_on_its_field_and_nothing_is_written(world, actor, make_company):
    party = make_company()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.party_create(
            actor=actor,
            organisation=world.org_a,
            kind=PartyKind.COMPANY,
            company_name=fr.company(),
            einvoice_address="0208:0403170702",
        )
    assert list(caught.value.message_dict) == ["einvoice_address"]
    with pytest.raises(ValidationError) as caught:
        services.party_update(actor=actor, party=party, einvoice_address="XX:1")
    assert list(caught.value.message_dict) == ["einvoice_address"]
    assert counts() == before
    assert Party.objects.of(world.org_a).get(pk=party.pk).einvoice_address == ""


def test_an_individual_s_address_is_encrypted(world, actor):
    email = f"{fr.user_name()}.factures@exemple.fr"
    person = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fr.last_name(),
        einvoice_address=f"EM:{email}",
    )
    assert Party.objects.of(world.org_a).get(pk=person.pk).einvoice_address == f"EM:{email}"
    assert email.encode() not in raw_database(Party)


def test_the_api_takes_and_shows_the_address(world, api_as):
    api = api_as("sales")
    spec = api.get("/api/openapi.json").json()["components"]["schemas"]
    for component in ("PartyIn", "PartyPatch"):
        assert spec[component]["properties"]["einvoice_address"]["maxLength"] == 100
    assert "einvoice_address" in spec["PartyOut"]["properties"]
    siret = fake_siret(fake_siren(fr))
    body = {"kind": "company", "company_name": fr.company(), "einvoice_address": f"0009:{siret}"}
    created = api.post("/api/parties", json=body)
    assert created.status_code == 201, created.json()
    assert created.json()["einvoice_address"] == f"0009:{siret}"
    party_id = created.json()["id"]
    shown = api.get(f"/api/parties/{party_id}").json()
    assert shown["einvoice_address"] == f"0009:{siret}"

    refused = api.patch(f"/api/parties/{party_id}", json={"einvoice_address": "0009:123"})
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["einvoice_address"]
    assert api.get(f"/api/parties/{party_id}").json()["einvoice_address"] == f"0009:{siret}"


def test_both_party_forms_hold_the_address_beside_the_other_addresses():
    for form_class in (forms.CompanyForm, forms.IndividualForm):
        assert form_class.base_fields["einvoice_address"].max_length == 100
        addresses = next(
            names for _legend, names in form_class.fieldsets if "billing_city" in names
        )
        assert "einvoice_address" in addresses


def test_the_pages_take_the_address_and_the_party_page_shows_it(world, ui_as):
    ui = ui_as("sales")
    name = fr.company()
    page = ui.post(
        "/parties/new/company/",
        {"company_name": name, "country": "FR", "einvoice_address": f"0225:{SIREN}", "origin": ""},
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    party = Party.objects.of(world.org_a).get(company_name=name)
    assert party.einvoice_address == f"0225:{SIREN}"
    detail = ui.get(f"/parties/{party.pk}/").content.decode()
    assert f"0225:{SIREN}" in detail and 'id="einvoice-address"' in detail
    form = ui.get(f"/parties/{party.pk}/edit/").content.decode()
    assert f'value="0225:{SIREN}"' in form

    bad = ui.post(
        f"/parties/{party.pk}/edit/",
        {"company_name": name, "country": "FR", "einvoice_address": "0225:1"},
    )
    assert bad.status_code == 200
    assert Party.objects.of(world.org_a).get(pk=party.pk).einvoice_address == f"0225:{SIREN}"


def test_the_importer_recognises_the_column_in_both_languages(world):
    for language, headers in (("fr", readers.HEADERS_FR), ("en", readers.HEADERS_EN)):
        header = readers.TEMPLATE_HEADERS[language]["einvoice_address"]
        assert headers[readers.fold(header)] == "einvoice_address"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Raison sociale", "SIREN", "Adresse de facturation électronique"])
    writer.writerow([fr.company(), SIREN, f"0002:{SIREN}"])
    job = importing.import_job_create(organisation=world.org_a, data=out.getvalue().encode())
    job = importing.import_job_run(job_id=job.pk)
    assert (job.parties_created, job.rejected) == (1, 0), job.rejections
    assert Party.objects.of(world.org_a).get().einvoice_address == f"0002:{SIREN}"
