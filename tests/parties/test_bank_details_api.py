"""Bank details through the parties API: read by the roles with finance.view only
(null for the others), written with finance.manage (alone for an accountant, with
contacts.manage for the rest of the party), searched by IBAN in a POST body."""

import pytest
from faker import Faker

from comptoir.ops.demo import fake_siren
from comptoir.parties.models import Party
from tests.openapi import openapi_document
from tests.parties.conftest import counts
from tests.parties.test_bank_details import spaced_lower, wrong_check_digits

fr = Faker("fr_FR")

ROLES = ["owner", "admin", "sales", "accountant", "support", "auditor"]
SEES_BANK_DETAILS = {"owner", "admin", "accountant", "auditor"}
WRITES_BANK_DETAILS = {"owner", "admin", "accountant"}
WRITES_PARTIES = {"owner", "admin", "sales"}


@pytest.fixture
def banked(make_company):
    """A company of org A with an IBAN and a BIC."""
    return make_company(iban=fr.iban(), bic=fr.swift11())


def stored(party: Party) -> Party:
    return Party.objects.of(party.organisation).get(pk=party.pk)


@pytest.mark.parametrize("role", ROLES)
def test_bank_details_are_shown_to_the_finance_roles_only(world, api_as, banked, role):
    response = api_as(role).get(f"/api/parties/{banked.pk}")
    assert response.status_code == 200
    body = response.json()
    if role in SEES_BANK_DETAILS:
        assert (body["iban"], body["bic"]) == (banked.iban, banked.bic)
    else:
        assert body["iban"] is None and body["bic"] is None
        text = response.content.decode()
        assert banked.iban not in text and banked.bic not in text
    assert "iban" not in api_as(role).get("/api/parties").json()["items"][0]  # lists: none


@pytest.mark.parametrize("role", ROLES)
def test_creating_with_bank_details_takes_both_permissions(world, api_as, role):
    iban, bic = fr.iban(), fr.swift8()
    body = {"kind": "company", "company_name": fr.company(), "siren": fake_siren(fr)}
    api = api_as(role)  # (a token's creation is journalled)
    before = counts()
    response = api.post("/api/parties", json={**body, "iban": iban, "bic": bic})
    if role in WRITES_BANK_DETAILS & WRITES_PARTIES:
        assert response.status_code == 201, response.json()
        assert (response.json()["iban"], response.json()["bic"]) == (iban, bic)
        created = Party.objects.of(world.org_a).get(pk=response.json()["id"])
        assert (created.iban, created.bic) == (iban, bic)
    else:
        assert response.status_code == 403
        assert counts() == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_finance_managers_change_bank_details(world, api_as, banked, role):
    iban = fr.iban()
    response = api_as(role).patch(f"/api/parties/{banked.pk}", json={"iban": spaced_lower(iban)})
    if role in WRITES_BANK_DETAILS:
        assert response.status_code == 200, response.json()
        assert response.json()["iban"] == iban
        assert stored(banked).iban == iban
    else:
        assert response.status_code == 403
        assert stored(banked).iban == banked.iban


def test_an_accountant_changes_bank_details_but_nothing_else(world, api_as, banked):
    api = api_as("accountant")
    name = banked.company_name
    response = api.patch(
        f"/api/parties/{banked.pk}", json={"company_name": fr.company(), "bic": fr.swift8()}
    )
    assert response.status_code == 403
    assert (stored(banked).company_name, stored(banked).bic) == (name, banked.bic)


def test_sales_change_a_party_but_not_its_bank_details(world, api_as, banked):
    api = api_as("sales")
    response = api.patch(f"/api/parties/{banked.pk}", json={"is_client": True})
    assert response.status_code == 200
    assert response.json()["iban"] is None  # not shown, and not erased either
    assert stored(banked).iban == banked.iban
    response = api.patch(f"/api/parties/{banked.pk}", json={"is_supplier": True, "iban": ""})
    assert response.status_code == 403
    assert stored(banked).iban == banked.iban and not stored(banked).is_supplier


def test_a_bad_iban_is_a_422_on_its_field_that_quotes_nothing(world, api_as, banked):
    bad = wrong_check_digits(fr.iban())
    accountant, owner = api_as("accountant"), api_as("owner")
    before = counts()
    response = accountant.patch(f"/api/parties/{banked.pk}", json={"iban": bad})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["iban"]
    assert bad not in response.content.decode()
    response = owner.post(
        "/api/parties", json={"kind": "company", "company_name": fr.company(), "bic": "BNPAFRP"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["bic"]
    assert counts() == before
    assert stored(banked).iban == banked.iban


# Search ----------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_the_search_by_iban_is_for_the_finance_roles(world, api_as, banked, make_company, role):
    make_company(iban=fr.iban())
    scope = "read" if role == "auditor" else "read_write"
    response = api_as(role, scope=scope).post(
        "/api/parties/search", json={"iban": spaced_lower(banked.iban)}
    )
    if role in SEES_BANK_DETAILS:
        assert response.status_code == 200
        assert [p["id"] for p in response.json()["items"]] == [banked.pk]
        sent = response.wsgi_request
        assert not sent.META.get("QUERY_STRING")
        assert banked.iban.lower() not in sent.get_full_path().lower()
    else:
        assert response.status_code == 403
    response = api_as(role, scope=scope).post("/api/parties/search", json={"siren": banked.siren})
    assert response.status_code == 200  # the other searches stay everyone's


def test_the_openapi_documents_who_sees_and_writes_bank_details(db):
    schemas = openapi_document()["components"]["schemas"]
    assert "finance.view" in schemas["PartyOut"]["properties"]["iban"]["description"]
    assert "finance.manage" in schemas["PartyIn"]["properties"]["iban"]["description"]
    assert "finance.view" in schemas["SearchIn"]["properties"]["iban"]["description"]
