"""A person files an access request on the organisation's public page, confirms
it through the link of the mail (read from a real SMTP server), and the DPO
(an owner, signed in with TOTP) finds it on the dashboard, opens it and
downloads the export holding the person's data."""

import email
import io
import json
import re
import zipfile

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.requests.models import RequestState, RightsRequest
from comptoir.privacy.requests.services import request_desk_get
from tests.conftest import enrol_totp
from tests.smtp import SmtpServer, free_port, outbox_settings
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fake = Faker("fr_FR")
LINK = re.compile(r"https?://\S+/privacy/requests/p/\S+/confirm/\S+/")


@pytest.fixture
def smtp(settings):
    server = SmtpServer(free_port())
    outbox_settings(settings, server.port)
    yield server
    server.stop()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def text_of(received) -> str:
    message = email.message_from_bytes(received.content)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def test_an_access_request_from_the_public_page_to_the_export(
    page: Page, site, world, smtp, immediate_tasks
):
    smtp.start()
    # A shared machine under load: room for the live server's first answers.
    page.set_default_navigation_timeout(60_000)
    address, family_name, note = fake.email(), fake.last_name(), fake.sentence()
    person = parties.party_create(
        actor=Actor.system(),
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=family_name,
        email=address,
    )
    parties.interaction_record(
        actor=Actor.system(), party=person, kind="call", direction="inbound", note=note
    )
    slug = request_desk_get(organisation=world.org_a).slug

    # The person, on the public page, without an account.
    page.goto(f"{site}/privacy/requests/p/{slug}/")
    expect(page.locator("h1")).to_contain_text(world.org_a.legal_name)
    assert unlabelled_fields(page) == []
    screenshot(page, "rights-request-public")
    page.locator("#id_requester_email").fill(address)
    page.locator("#id_kind").select_option("access")
    page.locator("#id_message").fill("Je souhaite recevoir une copie de mes données.")
    page.locator("#public-request button[type=submit]").click()
    expect(page.locator("#public-answer")).to_be_visible()
    screenshot(page, "rights-request-sent")

    (received,) = smtp.inbox.to(address)
    link = LINK.search(text_of(received)).group(0)
    assert address not in link
    page.goto(link)
    page.locator("#confirm button[type=submit]").click()
    expect(page.locator("#public-confirmed")).to_be_visible()
    request = RightsRequest.objects.of(world.org_a).get()
    assert request.state == RequestState.OPEN
    assert list(request.subjects.all()) == [person.data_subject]

    # The DPO.
    owner = world.member("owner")
    login(page, site, owner.email, totp_secret=enrol_totp(owner))
    page.goto(f"{site}/privacy/")
    page.locator("#privacy-sections a[href='/privacy/requests/']").click()
    expect(page.locator("#due-later")).to_contain_text(f"#{request.pk}")
    screenshot(page, "rights-requests-dashboard")
    page.locator(f"#due-later a[href='/privacy/requests/{request.pk}/']").click()
    expect(page.locator("#requester")).to_contain_text(address)
    expect(page.locator("#matches")).to_contain_text("1")
    screenshot(page, "rights-request-detail")
    with page.expect_download() as download_info:
        page.locator("#fulfil").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    parties_rows = json.loads(archive.read("data/parties.party.json"))
    # Columns are named in the DPO's language: look at the values.
    assert [{family_name, address} <= set(p.values()) for p in parties_rows] == [True]
    interactions = json.loads(archive.read("data/parties.interaction.json"))
    assert [note in i.values() for i in interactions] == [True]

    # Answered: the person is told by mail.
    page.goto(f"{site}/privacy/requests/{request.pk}/")
    page.locator("#answer-form textarea").fill("Vous trouverez vos données en pièce jointe.")
    page.locator("#answer-form button[type=submit]").click()
    expect(page.locator("#request-state")).to_be_visible()
    request.refresh_from_db()
    assert request.state == RequestState.DONE
    assert len(smtp.inbox.to(address)) == 2
