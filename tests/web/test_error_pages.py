"""The 403, 404, 500 and CSRF failure pages: Comptoir's layout and stylesheet, in
French by default and English on request, and the 500 page drawn without the
database (which may be what failed)."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from comptoir.tenancy.roles import Role

STYLESHEET = "/static/web/comptoir.css"
ENGLISH = {"Accept-Language": "en"}


def assert_styled(html: str) -> None:
    assert STYLESHEET in html
    assert 'class="error-page"' in html
    assert ">Comptoir</a>" in html  # the layout's header


def test_404_is_styled_and_french_by_default(ui_as):
    page = ui_as(Role.SALES).get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert_styled(html)
    assert "Page introuvable" in html
    assert 'lang="fr"' in html
    # Signed in: the menu is there to go on from.
    assert 'href="/parties/"' in html


def test_404_in_english_on_request():
    page = Client(headers=ENGLISH).get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert_styled(html)
    assert "Page not found" in html
    assert 'lang="en"' in html


def test_403_is_styled_and_translated(ui_as):
    # Sales may not see the members page.
    page = ui_as(Role.SALES).get("/members/")
    assert page.status_code == 403
    html = page.content.decode()
    assert_styled(html)
    assert "Accès refusé" in html
    english = ui_as(Role.SALES).get("/members/", headers=ENGLISH)
    assert english.status_code == 403
    assert "Access denied" in english.content.decode()


@pytest.mark.urls("tests.web.raising_urls")
def test_500_is_styled_and_translated(ui_as):
    client = ui_as(Role.SALES)
    client.raise_request_exception = False
    page = client.get("/broken/")
    assert page.status_code == 500
    html = page.content.decode()
    assert_styled(html)
    assert "Erreur du serveur" in html
    assert "a bug" not in html  # nothing of the failure itself
    english = client.get("/broken/", headers=ENGLISH)
    assert english.status_code == 500
    assert "Server error" in english.content.decode()


def test_500_page_touches_no_database():
    # No database for this test: pytest-django refuses any query, so the page
    # drawn here is the one a user gets when the database itself fails.
    request = RequestFactory().get("/")
    page = server_error(request)
    assert page.status_code == 500
    assert_styled(page.content.decode())


def test_csrf_failure_page_is_styled_and_translated(db):
    client = Client(enforce_csrf_checks=True)
    page = client.post("/accounts/login/", {"login": "x@example.test", "password": "x"})
    assert page.status_code == 403
    html = page.content.decode()
    assert_styled(html)
    assert "Le formulaire a expiré" in html
    english = Client(enforce_csrf_checks=True, headers=ENGLISH).post("/accounts/login/", {})
    assert "The form has expired" in english.content.decode()
