"""Accounts whose email is sealed, as a person meets them in the browser: sign
in with the address typed in another case, TOTP enrolment right after without a
second password prompt, people shown by name, a password reset by mail."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import Page, expect

from comptoir.tenancy.models import Membership
from comptoir.tenancy.roles import Role
from tests.factories import PASSWORD
from tests.web.conftest import screenshot, totp_code

pytestmark = pytest.mark.browser

# Long, in words of a real name's length: the page wraps it (words of hundreds
# of letters are the global stylesheet's business, not this page's).
LONG_NAME = " ".join(["Marie-Bernadette Éléonore Anticonstitutionnellement"] * 6)


def named(user, name: str):
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def test_owner_signs_in_in_another_case_enrols_at_once_and_sees_names(page: Page, site, world):
    owner = named(world.member("owner"), "Élise Garnier")
    named(world.member("sales"), LONG_NAME)
    # An owner of both organisations: the switcher appears (and whichever
    # organisation opens first, a second factor is required).
    Membership.objects.create(organisation=world.org_b, user=owner, role=Role.OWNER)

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Courriel").fill(owner.email.upper())
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()

    # Straight to the enrolment, which says why; no second password prompt.
    expect(page).to_have_url(f"{site}/accounts/2fa/totp/activate/")
    expect(page.locator("#mfa-required")).to_contain_text("propriétaire")
    expect(page.locator("#mfa-required")).to_contain_text(
        re.compile(f"{re.escape(world.org_a.legal_name)}|{re.escape(world.org_b.legal_name)}")
    )
    screenshot(page, "users-totp-activate-explained")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/(recovery-codes/)?$"))
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()

    # The top bar names the person, not their address.
    page.goto(f"{site}/")
    expect(page.locator("#signed-in-as")).to_have_text("Élise Garnier")
    expect(page.locator("header.top")).not_to_contain_text(owner.email)

    # The switcher changes organisation; the name stays in the top bar.
    for organisation in (world.org_a, world.org_b):
        page.locator("#organisation-switch").select_option(str(organisation.pk))
        page.locator("#organisation-submit").click()
        expect(page).to_have_url(f"{site}/")
        expect(page.locator("#organisation-switch")).to_have_value(str(organisation.pk))
        expect(page.locator("#signed-in-as")).to_have_text("Élise Garnier")
        if organisation == world.org_a:
            # The members page lists names; a long one wraps inside the table.
            page.goto(f"{site}/members/")
            expect(page.locator("main table")).to_contain_text("Élise Garnier")
            expect(page.locator("main table")).to_contain_text(LONG_NAME)
            screenshot(page, "users-members-names")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1280, f"the page is {width} px wide"
    screenshot(page, "users-switcher")


def test_password_reset_by_mail_with_the_address_in_another_case(page: Page, site, world):
    member = world.member("sales")
    mail.outbox.clear()
    page.goto(f"{site}/accounts/password/reset/")
    page.locator("input[name=email]").fill(member.email.upper())
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))

    assert [m.to for m in mail.outbox] == [[member.email]]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)
    page.goto(link.group(0))
    new_password = "Un tout nouveau mot de passe 7!"
    page.locator("input[name=password1]").fill(new_password)
    page.locator("input[name=password2]").fill(new_password)
    screenshot(page, "users-password-reset-form")
    page.get_by_role("button", name="Modifier le mot de passe").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Courriel").fill(member.email.title())
    page.get_by_label("Mot de passe").fill(new_password)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("#logout")).to_be_visible()


def test_a_member_names_themself_and_is_shown_by_name_as_sales_rep(page: Page, site, world):
    from faker import Faker

    from comptoir.audit.services import Actor
    from comptoir.ops.demo import fake_siren
    from comptoir.parties import services as party_services
    from comptoir.parties.models import PartyKind
    from tests.web.conftest import login

    sales = world.member("sales")
    fr = Faker("fr_FR")
    party = party_services.party_create(
        actor=Actor.user(sales.pk),
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
        sales_rep=Membership.objects.of(world.org_a).get(user=sales),
    )
    login(page, site, sales.email)
    expect(page.locator("#signed-in-as")).to_have_text(sales.email)
    page.locator("#signed-in-as").click()
    expect(page).to_have_url(f"{site}/profile/")
    page.get_by_label("Nom affiché").fill("Timothée Lambert-Rousseau")
    screenshot(page, "users-profile")
    page.locator("#profile-save").click()
    expect(page).to_have_url(f"{site}/profile/")
    expect(page.locator("#signed-in-as")).to_have_text("Timothée Lambert-Rousseau")

    page.goto(f"{site}/parties/{party.pk}/")
    expect(page.locator("main")).to_contain_text("Timothée Lambert-Rousseau")
    expect(page.locator("main")).not_to_contain_text(sales.email)
    screenshot(page, "users-party-sales-rep")
