"""The public request public_url: the same answer whatever the address, the address
verified through a link read from a real SMTP server, matching only then,
rate-limited, CSRF-protected, with a honeypot."""

import email
import re

import pytest
from django.core.cache import cache
from django.test import Client
from faker import Faker

from comptoir.audit.models import AuditEvent
from comptoir.mail.models import Message
from comptoir.privacy.requests import ratelimit, services
from comptoir.privacy.requests.models import RequestChannel, RequestState, RightsRequest
from tests.privacy.requests.conftest import contact_person, individual

fake = Faker("fr_FR")
LINK = re.compile(r"https?://[^\s]+/privacy/requests/p/[^/\s]+/confirm/[^/\s]+/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_url(world):
    return f"/privacy/requests/p/{services.request_desk_get(organisation=world.org_a).slug}/"


def body_of(received) -> str:
    message = email.message_from_bytes(received.content)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def file_request(client, public_url, address, kind="access", **extra):
    return client.post(
        public_url, {"requester_email": address, "kind": kind, "message": fake.sentence(), **extra}
    )


def comparable(response) -> str:
    return CSRF.sub("", response.content.decode())


def test_the_page_answers_the_same_whether_or_not_the_address_is_known(
    world, public_url, smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    smtp.start()
    known, unknown = fake.email(), fake.email()
    contact_person(world.org_a, known)
    answers = []
    for address in (known, unknown):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = file_request(client, public_url, address)
        followed = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], comparable(followed)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert 'id="public-answer"' in answers[0][2]
    # Each address receives its link, known or not: the mail does not tell either.
    for address in (known, unknown):
        (received,) = smtp.inbox.to(address)
        assert LINK.search(body_of(received))
        assert address not in LINK.search(body_of(received)).group(0)
    # Nothing is matched before the address is confirmed.
    for row in RightsRequest.objects.of(world.org_a):
        assert row.state == RequestState.AWAITING_VERIFICATION and row.matched_at is None
        assert row.channel == RequestChannel.PUBLIC and row.received_at is None


def test_the_link_read_from_the_smtp_server_confirms_and_matches_the_person(
    world, public_url, smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    smtp.start()
    address = fake.email()
    person = contact_person(world.org_a, address)
    client = Client(enforce_csrf_checks=True)
    form = client.get(public_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            public_url,
            {
                "csrfmiddlewaretoken": token,
                "requester_email": address,
                "kind": "erasure",
                "message": fake.sentence(),
            },
        )
    assert response.status_code == 302
    (received,) = smtp.inbox.to(address)
    link = LINK.search(body_of(received)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm_page = client.get(f"/{path}")
    assert confirm_page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm_page.content.decode())[
        1
    ]
    confirmed = client.post(f"/{path}", {"csrfmiddlewaretoken": token})
    assert confirmed.status_code == 200
    assert 'id="public-confirmed"' in confirmed.content.decode()
    row = RightsRequest.objects.of(world.org_a).get()
    assert row.state == RequestState.OPEN and row.received_at and row.due_on
    assert list(row.subjects.all()) == [person.data_subject] and row.matched_at
    assert row.token_hash == ""
    # the link works once
    again = client.get(f"/{path}")
    assert again.status_code == 404 and 'id="public-invalid"' in again.content.decode()
    # no value of the person in the journal
    for event in AuditEvent.objects.filter(object_type="privacy_requests.rightsrequest"):
        assert address not in " ".join([event.object_id, *event.fields])


def test_a_confirmation_link_of_one_organisation_does_nothing_on_another(
    world, public_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_request(Client(), public_url, fake.email())
    body = Message.across_organisations.get().body
    token = LINK.search(body).group(0).rstrip("/").rsplit("/", 1)[1]
    other = services.request_desk_get(organisation=world.org_b).slug
    response = Client().post(f"/privacy/requests/p/{other}/confirm/{token}/")
    assert response.status_code == 404
    assert RightsRequest.objects.of(world.org_a).get().state == RequestState.AWAITING_VERIFICATION


def test_the_form_needs_its_csrf_token(world, public_url):
    client = Client(enforce_csrf_checks=True)
    response = file_request(client, public_url, fake.email())
    assert response.status_code == 403
    assert not RightsRequest.objects.of(world.org_a).exists()


def test_an_unknown_slug_is_not_found(db):
    assert Client().get("/privacy/requests/p/nope/").status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"requester_email": "not an address", "kind": "access", "message": ""},
        {"requester_email": "a@example.test", "kind": "everything", "message": ""},
        {"requester_email": "a@example.test", "kind": "access", "message": "x" * 5001},
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_kept(world, public_url, data):
    response = Client().post(public_url, data)
    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    assert not RightsRequest.objects.of(world.org_a).exists()
    assert not Message.across_organisations.exists()


def test_the_honeypot_gets_the_same_answer_and_nothing_is_kept(world, public_url):
    response = file_request(Client(), public_url, fake.email(), website="http://spam.example")
    assert response.status_code == 302 and response["Location"].endswith("/sent/")
    assert not RightsRequest.objects.of(world.org_a).exists()
    assert not Message.across_organisations.exists()


def test_one_address_is_limited_whatever_the_client(world, public_url):
    address = fake.email()
    for _ in range(ratelimit.PER_ADDRESS.count):
        assert file_request(Client(REMOTE_ADDR=fake.ipv4()), public_url, address).status_code == 302
    refused = file_request(Client(REMOTE_ADDR=fake.ipv4()), public_url, address.upper())
    assert refused.status_code == 429
    assert 'id="public-too-many"' in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert RightsRequest.objects.of(world.org_a).count() == ratelimit.PER_ADDRESS.count


def test_one_client_is_limited_whatever_the_address(world, public_url):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(ratelimit.PER_IP.count):
        assert file_request(client, public_url, fake.email()).status_code == 302
    assert file_request(client, public_url, fake.email()).status_code == 429
    # another client is still served
    assert (
        file_request(Client(REMOTE_ADDR="192.0.2.8"), public_url, fake.email()).status_code == 302
    )


def test_the_cache_never_holds_the_address(world, public_url, settings):
    address = fake.email()
    file_request(Client(), public_url, address)
    keys = list(cache._cache.keys())  # the local-memory cache of the tests
    assert keys and not any(address.casefold() in key.casefold() for key in keys)


def test_an_individual_and_a_member_are_matched_at_verification(
    world, public_url, django_capture_on_commit_callbacks
):
    member = world.member("sales")
    party = individual(world.org_a, member.email)
    with django_capture_on_commit_callbacks(execute=True):
        file_request(Client(), public_url, member.email.upper(), kind="access")
    token = (
        LINK.search(Message.across_organisations.get().body).group(0).rstrip("/").rsplit("/", 1)[1]
    )
    row = services.request_verify(
        actor=services.Actor.system(), organisation=world.org_a, token=token
    )
    assert list(row.subjects.all()) == [party.data_subject]
    assert list(row.users.values_list("pk", flat=True)) == [member.pk]
