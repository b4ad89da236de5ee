"""Parties in a real browser: a company and its contact person made through the
forms, found again by email; field errors shown in place; the pipeline board
moving an opportunity through htmx under the strict CSP."""

import re

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.sales import services as sales_services
from comptoir.sales.models import PipelineStage
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_sales_creates_a_company_with_a_contact_and_finds_it_by_email(page: Page, site, world):
    sales = world.member("sales")
    company_name = f"{fr.company()} {fr.random_int(100, 999)}"
    siren = fake_siren(fr)
    given, family = fr.first_name(), fr.last_name()
    email = f"{fr.user_name()}.{fr.random_int(10, 99)}@example.test"

    login(page, site, sales.email)
    page.locator("header nav a[href='/parties/']").click()
    expect(page).to_have_url(f"{site}/parties/")
    assert unlabelled_fields(page) == []
    screenshot(page, "parties-empty")

    # The company: a bad SIREN first, reported beside its field.
    page.locator("#new-company").click()
    expect(page).to_have_url(f"{site}/parties/new/company/")
    assert unlabelled_fields(page) == []
    page.locator("#id_company_name").fill(company_name)
    page.locator("#id_siren").fill("123456789")
    page.locator("#id_origin").select_option("website_form")
    page.locator("#save").click()
    expect(page.locator("#id_siren ~ .errorlist")).to_be_visible()
    expect(page.locator("#id_company_name")).to_have_value(company_name)
    screenshot(page, "party-form-errors")
    page.locator("#id_siren").fill(siren)
    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/parties/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(company_name)

    # Its contact person, with the warning under the notes.
    page.locator("#new-contact").click()
    expect(page).to_have_url(re.compile(r"/parties/\d+/contacts/new/$"))
    assert unlabelled_fields(page) == []
    expect(page.locator("#id_notes")).to_have_accessible_description(re.compile(r"GDPR|RGPD"))
    page.locator("#id_civility").select_option("mrs")
    page.locator("#id_given_names").fill(given)
    page.locator("#id_family_name").fill(family)
    page.locator("#id_job_title").fill("Responsable des achats")
    page.locator("#id_email").fill(email)
    page.locator("#id_mobile").fill("06 98 76 54 32")
    page.locator("#id_contact_status").select_option("regular")
    page.locator("#id_preferred_channel").select_option("email")
    screenshot(page, "contact-person-form")
    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/parties/\d+/$"))
    expect(page.locator("table.people tbody")).to_contain_text(family)
    expect(page.locator("table.people tbody")).to_contain_text(email)

    party = Party._base_manager.get(company_name=company_name)
    person = ContactPerson._base_manager.get(party=party)
    assert (party.kind, party.siren) == (PartyKind.COMPANY, siren)
    assert (person.given_names, person.family_name, person.email) == (given, family, email)

    # An interaction on its timeline.
    page.locator("#record-interaction").click()
    assert unlabelled_fields(page) == []
    page.locator("#id_kind").select_option("call")
    page.locator("#id_direction").select_option("inbound")
    page.locator("#id_contact_person").select_option(str(person.pk))
    page.locator("#id_note").fill("Demande un devis pour le printemps.")
    screenshot(page, "interaction-form")
    page.locator("#save").click()
    expect(page.locator("ol.timeline")).to_contain_text("Demande un devis pour le printemps.")
    screenshot(page, "party-detail")

    # Found again by email, in another spelling, through the POST search form.
    page.locator("header nav a[href='/parties/']").click()
    page.locator("form.search #id_email").fill(email.upper())
    page.locator("#search-submit").click()
    expect(page).to_have_url(f"{site}/parties/search/")  # the email is not in the URL
    results = page.locator("table.parties tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text(company_name)
    screenshot(page, "party-search")
    results.get_by_role("link").click()
    expect(page).to_have_url(f"{site}/parties/{party.pk}/")

    # The list, filtered by origin: the filters go in the URL, they are not personal.
    page.locator("header nav a[href='/parties/']").click()
    page.locator("form.filters #id_origin").select_option("website_form")
    page.locator("#filter-submit").click()
    expect(page).to_have_url(re.compile(r"/parties/\?.*origin=website_form"))
    expect(page.locator("table.parties tbody tr")).to_have_count(1)
    expect(page.locator("table.parties tbody")).to_contain_text(company_name)
    screenshot(page, "parties-list")


def test_sales_moves_an_opportunity_on_the_board(page: Page, site, world):
    actor = Actor.user(world.member("sales").pk)
    names = []
    for amount in ("12500.00", "3200.50", "980.00"):
        company = services.party_create(
            actor=actor,
            organisation=world.org_a,
            kind=PartyKind.COMPANY,
            company_name=fr.company(),
            siren=fake_siren(fr),
        )
        title = f"Équipement {fr.word()} {amount}"
        names.append(title)
        last = sales_services.opportunity_create(
            actor=actor, party=company, title=title, amount=amount
        )
    won = PipelineStage._base_manager.get(organisation=world.org_a, is_won=True)

    login(page, site, world.member("sales").email)
    page.locator("header nav a[href='/sales/pipeline/']").click()
    expect(page).to_have_url(f"{site}/sales/pipeline/")
    assert unlabelled_fields(page) == []
    expect(page.locator(f"#stage-{won.pk} .card")).to_have_count(0)
    screenshot(page, "pipeline")

    card = page.locator(f"#opportunity-{last.pk}")
    card.locator("select").select_option(str(won.pk))
    card.locator("button").click()
    expect(page.locator(f"#stage-{won.pk} #opportunity-{last.pk}")).to_be_visible()
    expect(page.locator(f"#funnel-{won.pk} .count")).to_have_text("1")
    expect(page).to_have_url(f"{site}/sales/pipeline/")  # swapped in place
    expect(page.locator("#pipeline")).to_have_count(1)
    screenshot(page, "pipeline-moved")
    last.refresh_from_db()
    assert last.stage_id == won.pk


def test_support_sees_contacts_but_no_pipeline(page: Page, site, world):
    login(page, site, world.member("support").email)
    expect(page.locator("header nav a[href='/parties/']")).to_be_visible()
    expect(page.locator("header nav a[href='/sales/pipeline/']")).to_have_count(0)
    page.locator("header nav a[href='/parties/']").click()
    expect(page.locator("#new-company")).to_have_count(0)
    screenshot(page, "parties-support")


def test_a_company_gets_its_e_invoicing_address_and_its_page_shows_its_opportunities(
    page: Page, site, world
):
    """The e-invoicing address on the company form (refused with a typo, beside its
    field), then on the party page next to the opportunities the sales app lists."""
    actor = Actor.user(world.member("sales").pk)
    company = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
    )
    opportunity = sales_services.opportunity_create(
        actor=actor, party=company, title=f"Rayonnages {fr.word()}", amount="4321.99"
    )

    login(page, site, world.member("sales").email)
    page.goto(f"{site}/parties/{company.pk}/edit/")
    assert unlabelled_fields(page) == []
    page.locator("#id_einvoice_address").fill("0225:123")
    page.locator("#save").click()
    expect(page.locator("#id_einvoice_address ~ .errorlist")).to_be_visible()
    screenshot(page, "party-einvoice-address-error")
    page.locator("#id_einvoice_address").fill(f"0225:{company.siren[:3]} {company.siren[3:]}")
    page.locator("#save").click()
    expect(page).to_have_url(f"{site}/parties/{company.pk}/")
    expect(page.locator("#einvoice-address")).to_have_text(f"0225:{company.siren}")
    expect(page.locator(f"#opportunity-{opportunity.pk}")).to_have_text(opportunity.title)
    screenshot(page, "party-einvoice-address")
    page.locator(f"a[href='/sales/pipeline/opportunities/{opportunity.pk}/edit/']").click()
    expect(page).to_have_url(f"{site}/sales/pipeline/opportunities/{opportunity.pk}/edit/")
    expect(page.locator("header nav a[href='/sales/pipeline/']")).to_have_attribute(
        "aria-current", "page"
    )
