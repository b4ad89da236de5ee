"""Restriction and the suppression list in a real browser: the privacy manager
restricts a contact person from the company's page (the row says so, its edit
button is disabled, the company stays editable), sees an individual's banner,
adds an address to the suppression list and lifts a restriction."""

import re

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.privacy import restriction
from tests.conftest import enrol_totp
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_the_privacy_manager_restricts_and_fills_the_suppression_list(page: Page, site, world):
    admin = world.member("admin")
    actor = Actor.user(admin.pk)
    company = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
    )
    person = services.contact_person_create(
        actor=actor,
        party=company,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
        email=fr.email(),
    )
    services.contact_person_create(actor=actor, party=company, family_name=fr.last_name())
    individual = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
    )
    restriction.subject_restrict(subject=individual.data_subject, actor=actor)

    login(page, site, admin.email, enrol_totp(admin))
    page.goto(f"{site}/parties/{company.pk}/")
    page.locator(f"#restrict-{person.data_subject.uuid}").click()
    expect(page).to_have_url(f"{site}/parties/{company.pk}/")
    expect(page.locator(f"#person-{person.pk} .tag.restricted")).to_be_visible()
    expect(page.locator(f"#edit-person-{person.pk}")).to_have_attribute("aria-disabled", "true")
    expect(page.locator("#edit-party")).to_have_attribute("href", re.compile("/edit/$"))
    screenshot(page, "restriction-company")

    page.goto(f"{site}/parties/{individual.pk}/")
    expect(page.locator("#restricted-banner")).to_be_visible()
    expect(page.locator("#edit-party")).to_have_attribute("aria-disabled", "true")
    screenshot(page, "restriction-individual")

    page.goto(f"{site}/privacy/")
    page.locator("#privacy-suppression").click()
    expect(page).to_have_url(f"{site}/privacy/suppression/")
    assert unlabelled_fields(page) == []
    page.locator("#id_kind").select_option("email")
    page.locator("#id_value").fill(fr.email())
    page.locator("#id_reference").fill("LR 2026-118")
    page.locator("#suppression-save").click()
    expect(page.locator("#suppression-entries tbody tr")).to_have_count(1)
    expect(page.locator("#suppression-entries")).to_contain_text("LR 2026-118")
    screenshot(page, "suppression-list")

    page.goto(f"{site}/parties/{individual.pk}/")
    page.locator(f"#lift-{individual.data_subject.uuid}").click()
    expect(page.locator("#lift-no-mail")).to_be_visible()
    page.locator("#id_told_by").fill("Par lettre recommandée")
    screenshot(page, "restriction-lift")
    page.locator("#lift-confirm").click()
    expect(page).to_have_url(f"{site}/parties/{individual.pk}/")
    expect(page.locator("#restricted-banner")).to_have_count(0)
