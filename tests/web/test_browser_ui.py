"""What a new user meets in a real browser: the API docs drawn from Comptoir's
own files under the strict CSP, no request to any other origin from any page,
long words that wrap instead of widening the page, the dashboard and the
error pages as they look."""

import re
from urllib.parse import urlsplit

import pytest
from faker import Faker
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.sales import services as sales_services
from comptoir.tenancy.models import Membership
from tests.conftest import enrol_totp
from tests.web.conftest import login, screenshot

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_api_docs_list_the_operations(page: Page, site, db):
    page.goto(f"{site}/api/docs")
    # Swagger UI drew the operations: the parties API is listed with its routes.
    parties = page.locator(".opblock-summary").filter(
        has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/parties"))
    )
    expect(parties.first).to_be_visible()
    expect(parties.first.locator(".opblock-summary-method")).to_be_visible()
    assert page.locator(".opblock-summary").count() > 10
    screenshot(page, "api-docs")


def long_word(length: int = 200) -> str:
    """One word of ``length`` letters, no break opportunity in it."""
    return "".join(fr.random_letters(length)).capitalize()


@pytest.fixture
def busy_party(world):
    """A company with a contact person, an interaction and an opportunity."""
    system = Actor.system()
    party = services.party_create(
        actor=system,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
        siren=fake_siren(fr),
    )
    services.contact_person_create(
        actor=system, party=party, given_names=fr.first_name(), family_name=fr.last_name()
    )
    services.interaction_record(actor=system, party=party, kind="call", direction="inbound")
    sales_services.opportunity_create(actor=system, party=party, title="Offre", amount="1200.00")
    return party


def test_no_page_makes_a_request_to_another_origin(page: Page, site, world, busy_party):
    owner = world.member("owner")
    secret = enrol_totp(owner)
    origin = urlsplit(site).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{site}/accounts/login/")
    login(page, site, owner.email, totp_secret=secret)
    party = f"/parties/{busy_party.pk}/"
    pages = [
        "/",
        "/parties/",
        party,
        f"{party}edit/",
        "/parties/new/company/",
        "/parties/new/individual/",
        f"{party}contacts/new/",
        f"{party}interactions/new/",
        f"/sales/pipeline/parties/{busy_party.pk}/opportunities/new/",
        "/sales/pipeline/",
        "/sales/pipeline/stages/",
        "/parties/import/",
        "/members/",
        "/tokens/",
        "/audit/",
        "/accounts/2fa/",
        "/api/docs",
        "/no-such-page/",
    ]
    referenced: list[str] = []
    for path in pages:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        # What the page asks the browser to load, whether or not the CSP let it.
        referenced += page.evaluate(
            """() => Array.from(document.querySelectorAll(
                'script[src], link[href]:not([rel~="alternate"]), img[src], iframe[src],'
                + ' source[src], video[src], audio[src], object[data], embed[src]'))
                .map(el => el.src || el.href || el.data)"""
        )

    visited = {urlsplit(url).path for url in requested}
    assert {"/", "/parties/", "/api/docs", "/api/openapi.json"} <= visited
    elsewhere = [
        url
        for url in requested + referenced
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != origin
    ]
    assert elsewhere == []


@pytest.mark.parametrize("width", [1280, 800, 390])
def test_a_200_character_word_does_not_widen_the_pages(page: Page, site, world, width):
    word = long_word()
    system = Actor.system()
    party = services.party_create(
        actor=system,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=word,
        siren=fake_siren(fr),
    )
    services.contact_person_create(
        actor=system,
        party=party,
        given_names=long_word(150),
        family_name=long_word(150),
        job_title=long_word(120),
        email=f"{long_word(60).lower()}@{long_word(60).lower()}.example",
    )
    services.interaction_record(
        actor=system, party=party, kind="call", direction="inbound", note=long_word(1000)
    )
    sales = world.members["sales"]
    sales_services.opportunity_create(
        actor=system,
        party=party,
        title=long_word(),
        amount="1200.00",
        owner=Membership.objects.of(world.org_a).get(user=sales),
    )
    page.set_viewport_size({"width": width, "height": 900})
    login(page, site, sales.email)

    pages = {
        "home": "/",
        "list": "/parties/",
        "detail": f"/parties/{party.pk}/",
        "pipeline": "/sales/pipeline/",
    }
    for name, path in pages.items():
        page.goto(f"{site}{path}")
        expect(page.get_by_text(word).first).to_be_visible()
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (path, widths)
        screenshot(page, f"long-word-{name}-{width}")


def test_the_widest_tables_fit_at_every_width(page: Page, site, world, busy_party):
    # The auditor reads the journal (seven columns), the members and the parties.
    auditor = world.member("auditor")
    login(page, site, auditor.email)
    page.goto(f"{site}/parties/{busy_party.pk}/")  # one more line in the journal
    for width in (1280, 1024, 800, 640, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/audit/", "/members/", "/tokens/", "/parties/"):
            page.goto(f"{site}{path}")
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], (path, widths)


@pytest.mark.urls("tests.web.raising_urls")
def test_dashboard_and_error_pages_in_the_browser(page: Page, site, world, busy_party):
    sales = world.member("sales")
    login(page, site, sales.email)
    expect(page.locator("#dashboard-parties")).to_be_visible()
    expect(page.locator("#count-prospect .figure")).to_have_text("1")
    expect(page.locator("#dashboard-pipeline")).to_contain_text("1 200,00")
    expect(page.locator("#dashboard-recent")).to_contain_text(busy_party.company_name)
    screenshot(page, "home-dashboard")
    page.locator("#count-prospect").click()
    expect(page).to_have_url(f"{site}/parties/?role=prospect")
    expect(page.locator("table.parties tbody tr")).to_have_count(1)

    for path, status, title, name in (
        ("/no-such-page/", 404, "Page introuvable", "error-404"),
        ("/members/", 403, "Accès refusé", "error-403"),
        ("/broken/", 500, "Erreur du serveur", "error-500"),
    ):
        response = page.goto(f"{site}{path}")
        assert response.status == status
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        # Styled: the layout's stylesheet applied (the card's white background).
        card = page.locator(".error-page")
        assert card.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
        screenshot(page, name)
