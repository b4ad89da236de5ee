"""The suppression list's page and API, and the privacy manager's restriction,
lifting and objection from a person's page (PRIVACY_MANAGE only)."""

import json

import pytest
from django.utils import translation
from faker import Faker

from comptoir.mail.models import Message
from comptoir.privacy import restriction
from comptoir.privacy.models import DataSubject
from comptoir.privacy.suppression import services as suppression
from comptoir.privacy.suppression.models import SuppressionEntry

fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def ui_as(ui_as):
    """The pages in English (the messages the tests look for)."""

    def build(role):
        client = ui_as(role)
        client.cookies["django_language"] = "en"
        return client

    return build


# API ------------------------------------------------------------------------------------
def test_the_api_adds_and_lists_entries_without_values(world, api_as, dpo):
    suppression.suppression_add(organisation=world.org_b, actor=dpo, kind="email", value=fr.email())
    api = api_as("admin")
    email = fr.email()
    created = api.post(
        "/api/suppression", json={"kind": "email", "value": email, "reference": "LR-1"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == {"id", "kind", "created_at", "reference"}
    assert email not in created.content.decode()
    listed = api.get("/api/suppression").json()
    assert listed["count"] == 1 and [e["id"] for e in listed["items"]] == [body["id"]]
    assert api.get(f"/api/suppression/{body['id']}").json() == body
    other = SuppressionEntry.objects.of(world.org_b).get()
    assert api.get(f"/api/suppression/{other.pk}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "email", "value": "pas-une-adresse"}, "value"),
        ({"kind": "phone", "value": "12"}, "value"),
        ({"kind": "fax", "value": "0123456789"}, "kind"),
        ({"kind": "email", "value": ""}, "value"),
        ({"kind": "email", "value": "a@b.fr", "reference": "x" * 65}, "reference"),
    ],
)
def test_the_api_refuses_bad_input_with_422_on_its_field(world, api_as, body, field):
    response = api_as("owner").post("/api/suppression", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not SuppressionEntry.objects.of(world.org_a).exists()


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_only_privacy_managers_use_the_api(api_as, role):
    api = api_as(role)
    assert api.get("/api/suppression").status_code == 403
    assert (
        api.post("/api/suppression", json={"kind": "phone", "value": "0612345678"}).status_code
        == 403
    )


# Pages ------------------------------------------------------------------------------------
def test_the_page_shows_the_size_and_adds_an_address(world, ui_as, dpo):
    suppression.suppression_add(
        organisation=world.org_a, actor=dpo, kind="phone", value="06 12 34 56 78", reference="L-9"
    )
    client = ui_as("admin")
    page = client.get("/privacy/suppression/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "1 entry" in content and "L-9" in content and "+33" not in content
    email = fr.email()
    saved = client.post("/privacy/suppression/", {"kind": "email", "value": email, "reference": ""})
    assert saved.status_code == 302
    assert SuppressionEntry.objects.of(world.org_a).count() == 2
    refused = client.post("/privacy/suppression/", {"kind": "email", "value": "nope"})
    assert refused.status_code == 200 and "Enter a valid email address." in refused.content.decode()
    assert email not in client.get("/privacy/suppression/").content.decode()
    assert ui_as("sales").get("/privacy/suppression/").status_code == 403
    assert 'id="privacy-suppression"' in client.get("/privacy/").content.decode()


def test_restricting_from_the_party_page_shows_the_banner_and_disables_edits(
    world, ui_as, make_company, make_contact, make_individual
):
    company = make_company()
    person = make_contact(company, email=fr.email())
    individual = make_individual()
    admin = ui_as("admin")
    page = f"/parties/{company.pk}/"
    assert f'id="restrict-{person.data_subject.uuid}"' in admin.get(page).content.decode()
    done = admin.post(
        f"/privacy/suppression/subjects/{person.data_subject.uuid}/restrict/", {"next": page}
    )
    assert done.status_code == 302 and done["Location"] == page
    person.data_subject.refresh_from_db()
    assert person.data_subject.is_restricted
    sales = ui_as("sales")
    content = sales.get(page).content.decode()
    assert 'class="tag restricted"' in content
    assert (
        f'<span class="button secondary" aria-disabled="true" id="edit-person-{person.pk}"'
        in content
    )
    assert "restrict-" not in content  # no privacy actions for sales
    assert 'id="edit-party" href=' in content  # the company stays editable
    edit = sales.get(f"/parties/contacts/{person.pk}/edit/").content.decode()
    assert 'id="restricted-banner"' in edit and 'id="save" disabled' in edit
    refused = sales.post(f"/parties/contacts/{person.pk}/edit/", {"family_name": fr.last_name()})
    assert refused.status_code == 200 and "restricted (GDPR art. 18)" in refused.content.decode()
    # An individual: banner on their own page, edit buttons disabled.
    admin.post(f"/privacy/suppression/subjects/{individual.data_subject.uuid}/restrict/")
    content = sales.get(f"/parties/{individual.pk}/").content.decode()
    assert 'id="restricted-banner"' in content
    assert '<span class="button secondary" id="edit-party" aria-disabled="true"' in content


def test_lifting_from_the_page_mails_the_person_first(
    world, ui_as, make_company, make_contact, dpo
):
    email = fr.email()
    person = make_contact(make_company(), email=email)
    restriction.subject_restrict(subject=person.data_subject, actor=dpo)
    admin = ui_as("admin")
    url = f"/privacy/suppression/subjects/{person.data_subject.uuid}/lift/"
    assert 'id="lift-by-mail"' in admin.get(url).content.decode()
    assert admin.post(url, {"told_by": ""}).status_code == 302
    assert not DataSubject.objects.of(world.org_a).get(pk=person.data_subject_id).is_restricted
    [message] = Message.objects.of(world.org_a)
    assert json.loads(message.recipients)["to"] == [email.lower()]


def test_lifting_without_an_address_asks_how_the_person_was_told(
    world, ui_as, make_company, make_contact, dpo
):
    person = make_contact(make_company())
    restriction.subject_restrict(subject=person.data_subject, actor=dpo)
    admin = ui_as("admin")
    url = f"/privacy/suppression/subjects/{person.data_subject.uuid}/lift/"
    assert 'id="lift-no-mail"' in admin.get(url).content.decode()
    refused = admin.post(url, {"told_by": ""})
    assert refused.status_code == 200 and "say how they were told" in refused.content.decode()
    assert DataSubject.objects.of(world.org_a).get(pk=person.data_subject_id).is_restricted
    assert admin.post(url, {"told_by": "Par courrier du 1er décembre"}).status_code == 302
    assert not DataSubject.objects.of(world.org_a).get(pk=person.data_subject_id).is_restricted


def test_objection_from_the_page(world, ui_as, make_individual):
    individual = make_individual(email=fr.email(), phone="06 77 88 99 00")
    url = f"/privacy/suppression/subjects/{individual.data_subject.uuid}/object/"
    admin = ui_as("admin")
    assert admin.get(url).status_code == 200
    assert ui_as("sales").post(url, {"reference": ""}).status_code == 403
    assert admin.post(url, {"reference": "courrier"}).status_code == 302
    assert SuppressionEntry.objects.of(world.org_a).count() == 2
    individual.refresh_from_db()
    assert individual.processing_opposed_at is not None


def test_another_organisations_person_is_not_found(world, ui_as, make_individual):
    other = make_individual(world.org_b)
    admin = ui_as("admin")
    base = f"/privacy/suppression/subjects/{other.data_subject.uuid}"
    assert admin.post(f"{base}/restrict/").status_code == 404
    assert admin.get(f"{base}/lift/").status_code == 404
    assert admin.get(f"{base}/object/").status_code == 404
    other.data_subject.refresh_from_db()
    assert not other.data_subject.is_restricted
