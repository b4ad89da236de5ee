"""The forms built from the models, in a browser: an amount the column cannot hold
is shown beside its field, the lengths reach the inputs, nothing is stored."""

import pytest
from playwright.sync_api import Page, expect

from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.sales.models import Opportunity
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def test_an_opportunity_amount_too_long_is_shown_beside_its_field(page: Page, site, world):
    sales = world.member("sales")
    party = services.party_create(
        actor=Actor.system(),
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name="Atelier Moreau",
    )
    login(page, site, sales.email)
    page.goto(f"{site}/sales/pipeline/parties/{party.pk}/opportunities/new/")
    assert unlabelled_fields(page) == []
    title = page.locator("input[name=title]")
    assert title.get_attribute("maxlength") == "200"
    title.fill("Rayonnages")
    page.locator("input[name=amount]").fill("9" * 40)  # cut at the input's maxlength
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("12 chiffres au plus avant la virgule")
    screenshot(page, "opportunity-amount-too-long")
    assert not Opportunity.objects.of(world.org_a).exists()
