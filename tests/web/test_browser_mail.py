"""A member added through the members page while the SMTP server is down: the page
answers normally, the owner sees the invitation waiting in the outbox, and the
background worker delivers it, once, when the server is back."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Page, expect

from comptoir.mail.models import Message, MessageState
from comptoir.tenancy.roles import Role
from tests.conftest import enrol_totp
from tests.smtp import SmtpServer, free_port, outbox_settings
from tests.web.conftest import login, screenshot

pytestmark = pytest.mark.browser

NEW_MEMBER = "invitee.browser@example.test"


@pytest.fixture
def smtp(settings):
    server = SmtpServer(free_port())
    outbox_settings(settings, server.port)
    yield server
    server.stop()


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_member_added_with_the_smtp_server_down_is_invited_once_it_is_back(
    page: Page, site, world, smtp
):
    owner = world.member("owner")
    login(page, site, owner.email, totp_secret=enrol_totp(owner))
    page.goto(f"{site}/members/")
    page.locator("main form.stacked input[name=email]").fill(NEW_MEMBER)
    page.locator("main form.stacked select[name=role]").select_option(Role.SALES.value)
    page.locator("main form.stacked button[type=submit]").click()
    expect(page).to_have_url(f"{site}/members/")
    expect(page.locator(".messages")).to_contain_text("Le membre a été ajouté.")
    expect(page.locator("tbody")).to_contain_text(NEW_MEMBER)

    run_worker()  # the server is down: one failed attempt, retried later
    invitation = Message.across_organisations.get()
    assert invitation.state == MessageState.QUEUED and invitation.attempts == 1

    page.locator("header nav a[href='/mail/']").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text(NEW_MEMBER)
    expect(page.locator("tbody")).to_contain_text("En file d’attente")
    screenshot(page, "outbox-waiting")
    page.locator("tbody a").click()
    expect(page.locator("#message-body-withheld")).to_be_visible()
    screenshot(page, "outbox-message")

    smtp.start()
    with time_machine.travel(invitation.next_attempt_at + timedelta(seconds=1)):
        run_worker()
        run_worker()
    (received,) = smtp.inbox.messages
    assert received.recipients == [NEW_MEMBER]
    assert b"/accounts/password/reset/key/" in received.content
    page.reload()
    expect(page.locator("#message-state")).to_contain_text("Envoyé")
