"""The suppression list and objection (GDPR art. 21): keyed hashes only, checked on
every creation, update and import, with the date of the objection as the reason."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.parties import services
from comptoir.parties.importing import services as importing
from comptoir.parties.models import ContactPerson, Party
from comptoir.privacy import blind_index, restriction, retention
from comptoir.privacy.declarations import Purpose
from comptoir.privacy.registry import registry
from comptoir.privacy.suppression import rules
from comptoir.privacy.suppression import services as suppression
from comptoir.privacy.suppression.models import SuppressionEntry
from tests.raw_storage import raw_database

fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def _add(world, dpo, kind, value, organisation=None):
    return suppression.suppression_add(
        organisation=organisation or world.org_a, actor=dpo, kind=kind, value=value
    )


def test_the_list_is_declared_with_its_retention():
    declaration = registry.for_model(SuppressionEntry)
    assert declaration.retention is retention.SUPPRESSION_LIST
    assert SuppressionEntry.Privacy.retention_start == "created_at"
    assert declaration.subject is None
    assert registry.undeclared(SuppressionEntry) == []


def test_only_a_keyed_hash_is_stored_never_the_value(world, dpo):
    email, phone = f"{fr.user_name()}.objected@exemple.test", "06 98 76 54 32"
    entry = _add(world, dpo, "email", email.upper())
    _add(world, dpo, "phone", phone)
    assert bytes(entry.digest) == blind_index.compute(
        organisation_id=world.org_a.pk, kind="email", value=email
    )
    raw = raw_database(SuppressionEntry, AuditEvent)
    for secret in (email, email.upper(), email.split("@")[0], "+33698765432", "698765432"):
        assert secret.encode() not in raw
    assert bytes(entry.digest) in raw  # the control: the table is what was read
    event = AuditEvent.objects.filter(object_type="privacy_suppression.suppressionentry").first()
    assert event.action == Action.CREATE and "digest" in event.fields


def test_the_same_address_in_two_organisations_has_unrelated_hashes(world, dpo):
    email = fr.email()
    a, b = _add(world, dpo, "email", email), _add(world, dpo, "email", email, world.org_b)
    assert bytes(a.digest) != bytes(b.digest)
    assert rules.suppression_check(organisation=world.org_b, emails=[email])


def test_bad_values_are_refused_on_their_field(world, dpo):
    with pytest.raises(ValidationError) as refused:
        _add(world, dpo, "email", "pas-une-adresse")
    assert list(refused.value.error_dict) == ["value"]
    with pytest.raises(ValidationError) as refused:
        _add(world, dpo, "phone", "12")
    assert list(refused.value.error_dict) == ["value"]
    with pytest.raises(ValidationError) as refused:
        _add(world, dpo, "fax", "0123456789")
    assert list(refused.value.error_dict) == ["kind"]
    assert not SuppressionEntry.objects.of(world.org_a).exists()


def test_adding_again_restarts_the_clock(world, dpo):
    email = fr.email()
    first = _add(world, dpo, "email", email)
    again = _add(world, dpo, "email", " " + email.upper())
    assert again.pk == first.pk and again.created_at >= first.created_at
    assert SuppressionEntry.objects.of(world.org_a).count() == 1


def test_creations_and_updates_refuse_a_suppressed_value_with_the_reason(
    world, dpo, actor, make_company, make_contact, make_individual
):
    email, phone = fr.email(), "06 11 22 33 44"
    entry = _add(world, dpo, "email", email)
    _add(world, dpo, "phone", phone)
    with pytest.raises(ValidationError) as refused:
        make_individual(email=email, allow_duplicate=True)
    [message] = refused.value.message_dict["email"]
    assert message.startswith("This address objected to any processing on")
    assert email not in message and str(entry.created_at.year) in message
    company = make_company()
    with pytest.raises(ValidationError) as refused:
        make_contact(company, email_other=email.upper(), mobile=phone)
    assert set(refused.value.message_dict) == {"email_other", "mobile"}
    person = make_contact(company)
    with pytest.raises(ValidationError) as refused:
        services.contact_person_update(actor=actor, contact_person=person, fax=phone)
    assert "phone number objected" in refused.value.message_dict["fax"][0]
    individual = make_individual()
    with pytest.raises(ValidationError):
        services.party_update(actor=actor, party=individual, email=email)
    assert Party.objects.of(world.org_a).get(pk=individual.pk).email == ""
    assert ContactPerson.objects.of(world.org_a).count() == 1
    # Another organisation's list says nothing here.
    make_individual(world.org_b, email=email)


def test_the_api_answers_422_with_the_reason(world, dpo, api_as, make_company):
    email = fr.email()
    _add(world, dpo, "email", email)
    response = api_as("sales").post(
        "/api/parties", json={"kind": "individual", "family_name": fr.last_name(), "email": email}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    entry = SuppressionEntry.objects.of(world.org_a).get()
    with translation.override("fr"):  # the API answers in the site's language
        assert error == {"field": "email", "message": rules.reason("email", entry.created_at)}
    assert email not in response.content.decode()


def _import(world, rows: list[list[str]], header: list[str]):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    job = importing.import_job_create(
        organisation=world.org_a,
        data=out.getvalue().encode(),
        mapping={name: name for name in header},
    )
    return importing.import_job_run(job_id=job.pk)


def test_an_import_refuses_suppressed_rows_and_keeps_the_others(world, dpo):
    email, phone = fr.email(), "06 55 44 33 22"
    _add(world, dpo, "email", email)
    _add(world, dpo, "phone", phone)
    header = ["company_name", "family_name", "email", "mobile"]
    job = _import(
        world,
        [
            ["", fr.last_name(), email.upper(), ""],
            ["Atelier Témoin", fr.last_name(), fr.email(), phone],
            ["", fr.last_name(), fr.email(), ""],
            ["", fr.last_name(), "", phone],
        ],
        header,
    )
    assert (job.parties_created, job.contacts_created, job.rejected) == (1, 0, 3)
    columns = sorted((line, column) for line, column, _reason in job.rejections)
    assert columns == [(2, "email"), (3, "mobile"), (5, "mobile")]
    assert all("objected" in reason for _l, _c, reason in job.rejections)


def test_objection_suppresses_every_address_marks_the_party_and_is_journalled(
    world, dpo, actor, make_company, make_contact, make_individual
):
    company = make_company()
    email, other, mobile = fr.email(), fr.email(), "06 10 20 30 40"
    person = make_contact(company, email=email, email_other=other, mobile=mobile)
    restriction.subject_restrict(subject=person.data_subject, actor=dpo)  # no matter
    entries = suppression.subject_object(subject=person.data_subject, actor=dpo, reference="r-12")
    assert sorted(e.kind for e in entries) == ["email", "email", "phone"]
    assert {e.reference for e in entries} == {"r-12"}
    company.refresh_from_db()
    assert company.processing_opposed_at is not None
    assert rules.suppression_check(organisation=world.org_a, emails=[other], phones=[mobile])
    with pytest.raises(ValidationError):
        make_individual(email=email)
    event = AuditEvent.objects.filter(object_type="privacy.datasubject").latest("seq")
    assert event.fields == ["objection", "reference:r-12"]
    opposed = AuditEvent.objects.filter(object_type="parties.party", object_id=str(company.pk))
    assert opposed.latest("seq").fields == ["processing_opposed_at"]
    assert rules.suppression_veto(person.data_subject, Purpose.PROSPECTION_CONSENT)


def test_an_individual_objecting_is_marked_opposed_and_the_hooks_run(
    world, dpo, make_individual, monkeypatch
):
    individual = make_individual(email=fr.email(), phone="06 01 02 03 04")
    seen = []
    monkeypatch.setattr(
        suppression, "objection_hooks", [*suppression.objection_hooks, lambda **kw: seen.append(kw)]
    )
    suppression.subject_object(subject=individual.data_subject, actor=dpo)
    individual.refresh_from_db()
    assert individual.processing_opposed_at is not None
    assert [kw["subject"].pk for kw in seen] == [individual.data_subject_id]
    assert SuppressionEntry.objects.of(world.org_a).count() == 2


def test_a_hook_that_fails_undoes_the_objection(world, dpo, make_individual, monkeypatch):
    individual = make_individual(email=fr.email())

    def broken(**_kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(suppression, "objection_hooks", [*suppression.objection_hooks, broken])
    with pytest.raises(RuntimeError):
        suppression.subject_object(subject=individual.data_subject, actor=dpo)
    individual.refresh_from_db()
    assert individual.processing_opposed_at is None
    assert not SuppressionEntry.objects.of(world.org_a).exists()
