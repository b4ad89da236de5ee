"""The consent panel and the person's public pages in a real browser: a consent
recorded from the contact person's page, then withdrawn in one click from the
link every message carries, with no login."""

import re

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.consent import links, selectors, services
from comptoir.privacy.consent.models import ConsentPurpose
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")
POST = ConsentPurpose.PROSPECTION_POST


def test_consent_recorded_on_the_panel_then_withdrawn_in_one_click(page: Page, site, world):
    sales = world.member("sales")
    actor = Actor.user(sales.pk)
    company = parties.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
    )
    person = parties.contact_person_create(
        actor=actor,
        party=company,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
        email=f"{fr.user_name()}.{fr.random_int(10, 99)}@example.test",
    )
    shown = services.consent_wording_create(
        actor=actor,
        organisation=world.org_a,
        purpose=POST,
        language="fr",
        text="J'accepte de recevoir les offres de l'entreprise par courrier postal.",
    )
    services.consent_wording_create(
        actor=actor,
        organisation=world.org_a,
        purpose=ConsentPurpose.PROSPECTION_EMAIL,
        language="fr",
        text="J'accepte de recevoir les offres de l'entreprise par email.",
    )

    login(page, site, sales.email)
    page.goto(f"{site}/parties/contacts/{person.pk}/edit/")
    expect(page.locator("#consent-panel")).to_be_visible()
    assert unlabelled_fields(page) == []
    page.locator("#id_give-purpose").select_option(POST)
    page.locator("#id_give-wording").select_option(str(shown.pk))
    page.locator("#id_give-channel").select_option("paper")
    page.locator("#id_give-form").fill("Salon, bulletin papier")
    page.locator("#consent-give button[type=submit]").click()
    expect(page).to_have_url(f"{site}/parties/contacts/{person.pk}/edit/")
    expect(page.locator("tr.consent-given[data-purpose='prospection_post']")).to_be_visible()
    expect(page.locator("#consent-history tbody tr")).to_have_count(1)
    screenshot(page, "consent-panel")

    # The person, from a message: no session at all.
    page.context.clear_cookies()
    url = links.consent_withdraw_url(subject=person.data_subject, purpose=POST, base_url=site)
    page.goto(url)
    expect(page.locator("#withdraw-button")).to_be_visible()
    screenshot(page, "consent-public-withdraw")
    page.locator("#withdraw-button").click()
    expect(page.locator("#withdrawn")).to_be_visible()
    html = page.content()
    assert person.family_name not in html and person.email not in html
    screenshot(page, "consent-public-withdrawn")
    state = selectors.consent_state(subject=person.data_subject, purpose=POST)
    assert state.status == "withdrawn" and state.event.channel == "one_click"

    # A confirmation page, as a double opt-in link opens it.
    page.goto(f"{site}/privacy/consent/confirm/{'x' * 43}/")
    expect(page.locator("#confirm-button")).to_be_visible()
    screenshot(page, "consent-public-confirm")
    page.locator("#confirm-button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"valid|valable"))
