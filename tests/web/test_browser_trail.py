"""The DPO opens "who saw this person" from a company's contact person, sees
who read and changed their data and whom it went to, and notifies them."""

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.mail.models import Message
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.privacy.records.disclosures import disclosure_record
from comptoir.privacy.records.models import DisclosureKind
from tests.conftest import enrol_totp
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_the_dpo_sees_the_trail_and_notifies_the_recipients(page: Page, site, world, settings):
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"
    owner = world.member("owner")
    actor = Actor.user(world.member("sales").pk, "192.0.2.44")
    company = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.COMPANY, company_name=fr.company()
    )
    person = services.contact_person_create(
        actor=actor, party=company, family_name=fr.last_name(), email=fr.email()
    )
    services.contact_person_update(actor=actor, contact_person=person, job_title=fr.job()[:60])
    disclosure_record(
        organisation=world.org_a,
        subject=person.data_subject,
        kind=DisclosureKind.EMAIL,
        recipient=person.email,
        what="F-2026-00012",
        actor=actor,
    )
    disclosure_record(
        organisation=world.org_a,
        subject=person.data_subject,
        kind=DisclosureKind.EXPORT,
        recipient="comptoir invoices export to /srv/archive",
        what="F-2026-00012",
        actor=Actor.system(),
    )

    login(page, site, owner.email, enrol_totp(owner))
    page.goto(f"{site}/parties/{company.pk}/")
    page.locator("table.people a.trail").click()
    expect(page).to_have_url(f"{site}/privacy/records/trail/{person.data_subject.uuid}/")
    expect(page.locator("h1")).to_have_text("Qui a vu cette personne")
    trail = page.locator("#trail tbody tr")
    expect(trail.first).to_contain_text(owner.name)  # the party page just read
    expect(page.locator("#trail")).to_contain_text("192.0.2.44")
    expect(page.locator("#recipients tbody tr")).to_have_count(2)
    assert unlabelled_fields(page) == []
    screenshot(page, "privacy-trail")

    page.locator("#change").select_option("erasure")
    page.locator("#notify-recipients button").click()
    expect(page.locator("main")).to_contain_text("1 notification(s) placée(s)")
    expect(page.locator("main")).to_contain_text("informez-les vous-même")
    screenshot(page, "privacy-trail-notified")
    (message,) = Message.across_organisations.all()
    assert "F-2026-00012" in message.body
