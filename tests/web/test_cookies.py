"""Technical cookies only (DOMAIN.md §4): walking the main pages signed in
and out, every Set-Cookie is the session's, the CSRF token's or the
language's, each with a lifetime of 24 hours at most; the footer of every
page links to the "Cookies" page, which lists them from the settings' table,
in French and in English."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from comptoir.core import cookies
from comptoir.privacy.requests import services as requests_services
from tests.accounts.conftest import password_login
from tests.web.invoiced import invoiced_client

ALLOWED = {"sessionid", "csrftoken", "django_language"}
DAY = 24 * 60 * 60


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _set_cookies(responses) -> list:
    """Every cookie the responses set (or deleted), as (path, morsel)."""
    return [
        (response.request["PATH_INFO"], morsel)
        for response in responses
        for morsel in response.cookies.values()
    ]


def _crawl(world, ui_as) -> list:
    party, invoice = invoiced_client(world)
    desk = requests_services.request_desk_get(organisation=world.org_a)
    responses = []
    visitor = Client()
    for path in (
        "/accounts/login/",
        "/accounts/password/reset/",
        f"/privacy/requests/p/{desk.slug}/",
        "/cookies/",
        "/api/docs",
        "/",
    ):
        responses.append(visitor.get(path))
    responses.append(visitor.post("/i18n/setlang/", {"language": "en", "next": "/cookies/"}))

    sales = Client()
    responses.append(sales.get("/accounts/login/"))
    responses.append(password_login(sales, world.member("sales").email))
    for path in (
        "/",
        "/parties/",
        f"/parties/{party.pk}/",
        "/invoicing/invoices/",
        f"/invoicing/invoices/{invoice.pk}/",
        f"/invoicing/invoices/{invoice.pk}/file/facturx/",
        "/cookies/",
    ):
        responses.append(sales.get(path))
    responses.append(sales.post("/accounts/logout/"))

    owner = ui_as("owner")
    for path in (
        "/",
        "/privacy/",
        "/privacy/register/",
        "/privacy/records/retention/",
        "/privacy/requests/",
        "/api/docs",
    ):
        responses.append(owner.get(path))
    for response in responses:
        assert response.status_code < 400, (response.request["PATH_INFO"], response.status_code)
    return responses


def test_only_the_three_technical_cookies_each_for_24_hours_at_most(world, ui_as):
    responses = _crawl(world, ui_as)
    # And no page lets the browser fetch anything from another origin.
    pages = [r for r in responses if r.get("Content-Type", "").startswith("text/html")]
    assert len(pages) >= 15
    for response in pages:
        policy = response["Content-Security-Policy"]
        sources = {word for part in policy.split(";") for word in part.split()[1:]}
        assert sources <= {"'self'", "'none'", "data:"}, response.request["PATH_INFO"]
    seen = _set_cookies(responses)
    assert {morsel.key for _, morsel in seen} == ALLOWED  # each set at least once
    latest = datetime.now(UTC) + timedelta(seconds=DAY + 60)
    for path, morsel in seen:
        assert morsel.key in ALLOWED, (path, morsel.key)
        assert morsel["max-age"] != "", (path, morsel.OutputString())  # never a browser-session one
        assert 0 <= int(morsel["max-age"]) <= DAY, (path, morsel.OutputString())
        if morsel["expires"]:
            assert parsedate_to_datetime(morsel["expires"]) <= latest, (path, morsel.OutputString())


def test_the_settings_take_the_names_and_ages_from_the_one_table():
    table = {cookie.name: cookie.max_age for cookie in settings.COOKIES}
    assert table == {
        settings.SESSION_COOKIE_NAME: settings.SESSION_COOKIE_AGE,
        settings.CSRF_COOKIE_NAME: settings.CSRF_COOKIE_AGE,
        settings.LANGUAGE_COOKIE_NAME: settings.LANGUAGE_COOKIE_AGE,
    }
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # the idle timeout, unchanged
    assert settings.CSRF_COOKIE_AGE == settings.LANGUAGE_COOKIE_AGE == DAY


def test_a_lifetime_past_24_hours_is_refused():
    with pytest.raises(Exception, match="24 hours"):
        cookies.technical_cookies(idle_timeout=DAY + 1)


def test_every_page_links_to_the_cookies_page_from_its_footer(world, ui_as):
    visitor, sales = Client(), ui_as("sales")
    for client, path in ((visitor, "/accounts/login/"), (sales, "/parties/"), (sales, "/api/docs")):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site">') :]
        assert 'href="/cookies/"' in footer


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Cookies", "Lifetime", "30 minutes", "24 hours", "Remembers the language"]),
        ("fr", ["Cookies", "Durée de vie", "30 minutes", "24 heures", "Retient la langue"]),
    ],
)
def test_the_cookies_page_lists_each_cookie_with_its_purpose_and_lifetime(db, language, words):
    response = Client(headers={"accept-language": language}).get("/cookies/")
    assert response.status_code == 200
    html = response.content.decode()
    for cookie in settings.COOKIES:
        assert f'id="cookie-{cookie.name}"' in html
    for word in words:
        assert word in html, word
