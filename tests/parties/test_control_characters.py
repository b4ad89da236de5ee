"""Control characters and lone surrogates are refused by every entry point that
writes a text of Comptoir's models (``core.text.validate_text``, attached once
to every text field): the services, the form pages and the importer. A field
error names the field; nothing is stored."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from faker import Faker

from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.importing import services as importing
from comptoir.parties.models import ContactPerson, Origin, Party, PartyKind
from comptoir.privacy.fields import EncryptedDateField, EncryptedField
from comptoir.sales import services as sales_services
from tests.parties.conftest import counts

fr = Faker("fr_FR")

# NUL, another C0 control, DEL, a lone surrogate
FORBIDDEN = ["\x00", "\x1b", "\x7f", "\ud800"]


@pytest.mark.parametrize("character", FORBIDDEN)
@pytest.mark.parametrize("field", ["company_name", "billing_city", "billing_street"])
def test_party_create_refuses_a_control_character(world, actor, field, character):
    """A clear column (company name) and encrypted ones (city, street) alike."""
    before = counts()
    fields = {"company_name": fr.company(), "siren": fake_siren(fr)}
    fields[field] = f"{fields.get(field, 'Lyon')}{character}x"
    with pytest.raises(ValidationError) as raised:
        services.party_create(
            actor=actor, organisation=world.org_a, kind=PartyKind.COMPANY, **fields
        )
    assert field in raised.value.message_dict
    assert f"U+{ord(character):04X}" in " ".join(raised.value.message_dict[field])
    assert counts() == before


@pytest.mark.parametrize("field", ["given_names", "job_title", "notes", "linkedin"])
def test_contact_person_services_refuse_a_control_character(
    world, actor, make_company, make_contact, field
):
    party = make_company()
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.contact_person_create(
            actor=actor, party=party, family_name=fr.last_name(), **{field: "a\x01b"}
        )
    assert field in raised.value.message_dict
    person = make_contact(party)
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.contact_person_update(actor=actor, contact_person=person, **{field: "a\x0bb"})
    assert field in raised.value.message_dict
    assert counts() == before


def test_pipeline_services_refuse_a_control_character(world, actor, make_company):
    party = make_company()
    before = counts()
    with pytest.raises(ValidationError) as raised:
        sales_services.opportunity_create(actor=actor, party=party, title="Devis\x00", amount="10")
    assert "title" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        sales_services.pipeline_stage_create(
            actor=actor, organisation=world.org_a, name="Re\x1flance", probability=20
        )
    assert "name" in raised.value.message_dict
    assert counts() == before


def test_tabs_and_line_breaks_are_kept(world, actor, make_company, make_contact):
    person = make_contact(make_company(), notes="Appeler\tle matin\r\nou le soir")
    stored = ContactPerson.objects.of(world.org_a).get(pk=person.pk)
    assert stored.notes == "Appeler\tle matin\r\nou le soir"


def test_every_text_field_of_comptoir_carries_the_check():
    """Attached once at start-up to every text field of Comptoir's models, clear or
    encrypted (not to third-party apps' models)."""
    from django.apps import apps
    from django.db import models

    from comptoir.core.text import validate_text

    checked = 0
    for model in apps.get_models():
        for field in model._meta.local_fields:
            is_text = isinstance(field, models.CharField | models.TextField) or (
                isinstance(field, EncryptedField) and not isinstance(field, EncryptedDateField)
            )
            if not is_text:
                continue
            if model.__module__.startswith("comptoir."):
                assert validate_text in field.validators, f"{model._meta.label}.{field.name}"
                checked += 1
    assert checked > 50


# The form pages ------------------------------------------------------------------------
def test_the_company_form_shows_the_error_beside_its_field(world, ui_as):
    ui = ui_as("sales")
    before = counts()
    data = {
        "company_name": f"Boulangerie{chr(0x1B)}Roux",
        "country": "FR",
        "siren": fake_siren(fr),
        "is_prospect": "on",
        "origin": Origin.WEBSITE_FORM,
    }
    response = ui.post("/parties/new/company/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "U+001B" in " ".join(errors["company_name"])
    assert counts() == before


def test_the_contact_person_form_shows_the_error_beside_its_field(world, ui_as, make_company):
    party = make_company()
    ui = ui_as("sales")
    before = counts()
    response = ui.post(
        f"/parties/{party.pk}/contacts/new/",
        {"family_name": fr.last_name(), "job_title": "Gérant\x07", "contact_status": "occasional"},
    )
    assert response.status_code == 200
    assert "U+0007" in " ".join(response.context["form"].errors["job_title"])
    assert counts() == before


# The importer ----------------------------------------------------------------------------
@pytest.fixture
def _memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.mark.usefixtures("_memory_storage")
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x7f"])
def test_the_importer_rejects_a_row_with_a_control_character(world, character):
    names = ["family_name", "given_names", "billing_city"]
    good = [fr.last_name(), fr.first_name(), fr.city()]
    bad = [fr.last_name(), f"Lé{character}a", fr.city()]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(names)
    writer.writerows([good, bad])
    job = importing.import_job_create(
        organisation=world.org_a,
        data=out.getvalue().encode(),
        mapping={name: name for name in names},
    )
    with translation.override("en"):
        job = importing.import_job_run(job_id=job.pk)
    assert (job.parties_created, job.rejected) == (1, 1)
    [(line, column, reason)] = job.rejections
    assert (line, column) == (3, "given_names")
    assert f"U+{ord(character):04X}" in reason
    stored = Party.objects.of(world.org_a).get()
    assert stored.family_name == good[0]
