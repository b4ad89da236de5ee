"""A contact person found by name in a real browser: typed in another case without
its accents, then by its first three letters; the name never in the URL."""

import re

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_a_person_is_found_by_name_from_the_contact_persons_page(page: Page, site, world):
    sales = world.member("sales")
    actor = Actor.user(sales.pk)
    company = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
    )
    other = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
    )
    given = fr.first_name()
    services.contact_person_create(
        actor=actor, party=company, given_names=given, family_name="Bérégovoy"
    )
    services.contact_person_create(actor=actor, party=other, family_name="Bernard")
    services.contact_person_create(actor=actor, party=other, family_name="Lefèvre")

    login(page, site, sales.email)
    page.locator("header nav a[href='/parties/contacts/']").click()
    expect(page).to_have_url(f"{site}/parties/contacts/")
    assert unlabelled_fields(page) == []
    expect(page.locator("table.people tbody tr")).to_have_count(3)
    screenshot(page, "contact-persons")

    # The whole name, in capitals and without its accents.
    page.locator("#id_name").fill("BEREGOVOY")
    page.locator("#people-search-submit").click()
    expect(page).to_have_url(f"{site}/parties/contacts/")  # posted: no name in the URL
    rows = page.locator("table.people tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{given} Bérégovoy")
    expect(rows.first).to_contain_text(company.company_name)
    screenshot(page, "contact-persons-found")

    # Its first three letters: both people whose name starts with "ber".
    page.locator("#id_name").fill("ber")
    page.locator("#people-search-submit").click()
    expect(page).to_have_url(f"{site}/parties/contacts/")
    expect(rows).to_have_count(2)
    expect(page.locator("table.people tbody")).to_contain_text("Bernard")
    expect(page.locator("table.people tbody")).not_to_contain_text("Lefèvre")

    # Each row leads to its company.
    rows.filter(has_text="Bérégovoy").get_by_role("link", name=company.company_name).click()
    expect(page).to_have_url(re.compile(rf"/parties/{company.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(company.company_name)


def test_an_import_with_unknown_headers_asks_for_its_columns(page: Page, site, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    family = fr.last_name()
    content = f"Boîte;Patronyme;Remarques\nAtelier {fr.random_int(100, 999)};{family};x\n"
    login(page, site, world.member("sales").email)
    page.goto(f"{site}/parties/import/")
    expect(page.locator("#accepted-columns")).to_contain_text("family_name")
    screenshot(page, "import-upload")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "f.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/parties/import/\d+/columns/$"))
    assert unlabelled_fields(page) == []
    expect(page.locator("tr.unrecognised")).to_have_count(3)
    page.get_by_label("Boîte").select_option("company_name")
    page.get_by_label("Patronyme").select_option("family_name")
    screenshot(page, "import-columns")
    page.locator("#import-columns-submit").click()
    expect(page).to_have_url(re.compile(r"/parties/import/\d+/$"))
    expect(page.locator("#import-progress")).to_contain_text("1")
    page.goto(f"{site}/parties/contacts/")
    expect(page.locator("table.people tbody")).to_contain_text(family)
