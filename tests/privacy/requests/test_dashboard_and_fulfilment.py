"""The DPO's dashboard lists what is late and what is due within 7 days with
the days left; the request page acts (the access export downloaded), answers
and refuses, each mailed to the person."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.mail.models import Message
from comptoir.privacy.requests import deadlines, fulfilment, services
from comptoir.privacy.requests.models import RequestKind, RequestState, RightsRequest
from tests.privacy.requests.conftest import contact_person, individual, recorded

fake = Faker("fr_FR")


def test_the_dashboard_lists_late_and_due_soon_requests_with_days_left(world, ui_as):
    now = timezone.now()
    today = deadlines.local_day(now)
    late = recorded(world, received_at=now - timedelta(days=45))
    soon = recorded(world, received_at=now - timedelta(days=27))
    later = recorded(world, received_at=now - timedelta(days=3))
    other = recorded(world, organisation=world.org_b, received_at=now - timedelta(days=45))
    page = ui_as("owner").get("/privacy/requests/")
    assert page.status_code == 200
    board = page.context["board"]
    late_left = (late.due_on - today).days
    assert late_left < -10
    assert [(r.request.pk, r.days_left) for r in board.late] == [(late.pk, late_left)]
    assert [(r.request.pk, r.days_left) for r in board.due_soon] == [
        (soon.pk, (soon.due_on - today).days)
    ]
    assert 0 <= board.due_soon[0].days_left <= 7
    assert [r.request.pk for r in board.later] == [later.pk]
    shown = {r.request.pk for rows in (board.late, board.due_soon, board.later) for r in rows}
    assert other.pk not in shown
    late_table = page.content.decode().split('id="late"')[1].split("</table>")[0]
    assert f"#{late.pk}<" in late_table and str(-late_left) in late_table
    assert AuditEvent.objects.filter(
        action=Action.LIST, object_type="privacy_requests.rightsrequest"
    ).exists()


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_only_privacy_managers_see_the_requests(world, ui_as, role):
    request = recorded(world)
    client = ui_as(role)
    assert client.get("/privacy/requests/").status_code == 403
    assert client.get(f"/privacy/requests/{request.pk}/").status_code == 403
    assert client.post(f"/privacy/requests/{request.pk}/fulfil/").status_code == 403


def test_another_organisations_request_is_not_found(world, ui_as):
    other = recorded(world, organisation=world.org_b)
    client = ui_as("owner")
    assert client.get(f"/privacy/requests/{other.pk}/").status_code == 404
    assert client.post(f"/privacy/requests/{other.pk}/answer/", {"answer": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.state == RequestState.OPEN


def test_staff_intake_records_an_open_request_matched_at_once(world, ui_as):
    address = fake.email()
    person = contact_person(world.org_a, address)
    response = ui_as("admin").post(
        "/privacy/requests/",
        {"kind": "rectification", "requester_email": address, "message": fake.sentence()},
    )
    row = RightsRequest.objects.of(world.org_a).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{row.pk}/")
    assert row.state == RequestState.OPEN and row.channel == "staff"
    assert list(row.subjects.all()) == [person.data_subject]


def test_staff_intake_with_bad_input_shows_errors_and_keeps_nothing(world, ui_as):
    response = ui_as("admin").post(
        "/privacy/requests/", {"kind": "all", "requester_email": "nope", "message": ""}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "requester_email"}
    assert not RightsRequest.objects.of(world.org_a).exists()


def test_access_export_is_downloaded_from_the_request_page(world, ui_as):
    address = fake.email()
    person = contact_person(world.org_a, address)
    party = individual(world.org_a, address)
    request = recorded(world, email=address)
    client = ui_as("owner")
    page = client.get(f"/privacy/requests/{request.pk}/")
    assert (
        'id="fulfil"' in page.content.decode()
        and "disabled" not in page.content.decode().split('id="fulfil"')[1][:40]
    )
    response = client.post(f"/privacy/requests/{request.pk}/fulfil/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    people = json.loads(archive.read("data/parties.contactperson.json"))
    # Columns are named in the reader's language: look at the values.
    assert [address in p.values() for p in people] == [True]
    parties = json.loads(archive.read("data/parties.party.json"))
    assert [address in p.values() for p in parties] == [True]
    exported = set(
        AuditEvent.objects.filter(action=Action.EXPORT).values_list("object_id", flat=True)
    )
    assert {str(person.data_subject.uuid), str(party.data_subject.uuid)} <= exported
    request.refresh_from_db()
    assert request.fulfilled_at and "access export" in request.fulfilment


def test_acting_without_a_match_or_without_an_engine_is_refused_with_its_reason(world, ui_as):
    client = ui_as("owner")
    nobody = recorded(world)
    response = client.post(f"/privacy/requests/{nobody.pk}/fulfil/")
    assert response.status_code == 409
    assert 'id="action-error"' in response.content.decode()
    assert nobody.fulfilled_at is None
    address = fake.email()
    contact_person(world.org_a, address)
    # Rectification is done by staff on the person's pages: no engine button.
    rectification = recorded(world, kind="rectification", email=address)
    page = client.get(f"/privacy/requests/{rectification.pk}/").content.decode()
    assert 'id="fulfil" disabled' in page
    assert str(fulfilment.DISPATCH[RequestKind.RECTIFICATION].unavailable) in page
    assert client.post(f"/privacy/requests/{rectification.pk}/fulfil/").status_code == 409
    rectification.refresh_from_db()
    assert rectification.fulfilled_at is None


def test_an_erasure_request_erases_the_person_and_keeps_the_company(world, ui_as):
    address = fake.email()
    person = contact_person(world.org_a, address)
    request = recorded(world, kind="erasure", email=address)
    response = ui_as("owner").post(f"/privacy/requests/{request.pk}/fulfil/")
    assert response.status_code in (200, 302)
    person.refresh_from_db()
    assert person.data_subject_id is None or person.data_subject.is_shredded
    assert person.email != address
    person.party.refresh_from_db()
    assert person.party.processing_opposed_at is not None
    request.refresh_from_db()
    assert request.fulfilled_at and "1 person(s) erased" in request.fulfilment


def test_a_portability_request_gives_the_portable_file(world, ui_as):
    address = fake.email()
    individual(world.org_a, address)
    request = recorded(world, kind="portability", email=address)
    response = ui_as("owner").post(f"/privacy/requests/{request.pk}/fulfil/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert address in archive.read("portability.json").decode()


def test_every_type_has_its_dispatch_entry():
    assert set(fulfilment.DISPATCH) == set(RequestKind)
    for kind, entry in fulfilment.DISPATCH.items():
        assert entry.available or str(entry.unavailable), kind


def test_answering_closes_and_mails_the_person(world, ui_as):
    address = fake.email()
    request = recorded(world, email=address)
    response = ui_as("owner").post(
        f"/privacy/requests/{request.pk}/answer/", {"answer": "Voici vos données."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DONE and request.answered_at
    (mail,) = Message.across_organisations.filter(organisation_id=world.org_a.pk)
    assert address in mail.to_display and "Voici vos données." in mail.body


@pytest.mark.parametrize(("organisation", "authority"), [("org_a", "CNIL"), ("org_b", "APD/GBA")])
def test_a_refusal_names_the_authority_of_the_organisations_country(world, organisation, authority):
    org = getattr(world, organisation)
    request = recorded(world, organisation=org)
    services.request_refuse(
        actor=Actor.system(), rights_request=request, reasons="Demande manifestement excessive."
    )
    (mail,) = Message.across_organisations.filter(organisation_id=org.pk)
    assert authority in mail.body and "Demande manifestement excessive." in mail.body
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED


def test_a_refusal_without_reasons_is_refused(world, ui_as):
    request = recorded(world)
    response = ui_as("owner").post(f"/privacy/requests/{request.pk}/refuse/", {"reasons": " "})
    assert response.status_code == 422
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert not Message.across_organisations.exists()
