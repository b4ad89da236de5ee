"""Bank details on the parties pages: shown to the finance roles only, edited by the
finance managers only (an accountant: the bank details alone), searched by IBAN."""

import pytest
from faker import Faker

from comptoir.ops.demo import fake_siren
from comptoir.parties.models import Party
from tests.parties.conftest import counts
from tests.parties.test_bank_details import spaced_lower, wrong_check_digits

fr = Faker("fr_FR")


@pytest.fixture
def banked(make_company):
    return make_company(iban=fr.iban(), bic=fr.swift11())


def stored(party: Party) -> Party:
    return Party.objects.of(party.organisation).get(pk=party.pk)


def company_post(**fields) -> dict:
    return {"company_name": fr.company(), "country": "FR", "siren": fake_siren(fr), **fields}


def form_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# The detail page -------------------------------------------------------------------
@pytest.mark.parametrize("role", ["owner", "accountant", "auditor"])
def test_the_finance_roles_see_the_bank_details(ui_as, banked, role):
    html = ui_as(role).get(f"/parties/{banked.pk}/").content.decode()
    assert banked.iban_grouped in html and banked.bic in html


@pytest.mark.parametrize("role", ["support", "sales"])
def test_support_and_sales_do_not(ui_as, banked, role):
    html = ui_as(role).get(f"/parties/{banked.pk}/").content.decode()
    for value in (banked.iban, banked.iban_grouped, banked.iban[4:12], banked.bic):
        assert value not in html


# The form ------------------------------------------------------------------------------
def test_the_owner_creates_a_company_with_its_bank_details(ui_as):
    ui = ui_as("owner")
    form = ui.get("/parties/new/company/").context["form"]
    assert {"iban", "bic"} <= set(form.fields)
    assert [name for name, fields in form.grouped() if {f.name for f in fields} == {"iban", "bic"}]
    iban, bic = fr.iban(), fr.swift8()
    data = company_post(iban=spaced_lower(iban), bic=bic.lower())
    response = ui.post("/parties/new/company/", data)
    assert response.status_code == 302
    party = Party._base_manager.get(siren=data["siren"])
    assert (party.iban, party.bic) == (iban, bic)


def test_a_bad_iban_is_reported_beside_its_field_and_nothing_is_written(ui_as):
    ui = ui_as("owner")
    before = counts()
    bad = wrong_check_digits(fr.iban())
    response = ui.post("/parties/new/company/", company_post(iban=bad, bic="BNPAZZPP"))
    assert response.status_code == 200
    assert form_errors(response, "iban") and form_errors(response, "bic")
    assert not form_errors(response, "company_name")
    assert counts() == before


def test_sales_have_no_bank_details_in_the_form(ui_as, banked):
    ui = ui_as("sales")
    assert not {"iban", "bic"} & set(ui.get("/parties/new/company/").context["form"].fields)
    page = ui.get(f"/parties/{banked.pk}/edit/")
    assert not {"iban", "bic"} & set(page.context["form"].fields)
    assert banked.iban not in page.content.decode()
    data = company_post(siren=banked.siren, company_name="Renommée", iban=fr.iban(), bic="")
    assert ui.post(f"/parties/{banked.pk}/edit/", data).status_code == 302
    fresh = stored(banked)
    assert fresh.company_name == "Renommée"
    assert (fresh.iban, fresh.bic) == (banked.iban, banked.bic)  # ignored, not erased


def test_an_accountant_edits_the_bank_details_alone(ui_as, banked):
    ui = ui_as("accountant")
    detail = ui.get(f"/parties/{banked.pk}/").content.decode()
    assert 'id="edit-bank-details"' in detail and 'id="edit-party"' not in detail
    page = ui.get(f"/parties/{banked.pk}/edit/")
    form = page.context["form"]
    assert set(form.fields) == {"iban", "bic"}
    assert (form["iban"].value(), form["bic"].value()) == (banked.iban, banked.bic)
    iban = fr.iban()
    response = ui.post(
        f"/parties/{banked.pk}/edit/", {"iban": iban, "bic": "", "company_name": "Autre nom"}
    )
    assert response.status_code == 302
    fresh = stored(banked)
    assert (fresh.iban, fresh.bic, fresh.company_name) == (iban, "", banked.company_name)


@pytest.mark.parametrize("role", ["support", "auditor"])
def test_roles_that_write_nothing_of_a_party_cannot_open_its_form(ui_as, banked, role):
    ui = ui_as(role)
    assert ui.get(f"/parties/{banked.pk}/edit/").status_code == 403
    assert ui.post(f"/parties/{banked.pk}/edit/", {"iban": fr.iban()}).status_code == 403
    assert stored(banked).iban == banked.iban


# Search --------------------------------------------------------------------------------
def test_the_finance_roles_search_by_iban(ui_as, banked, make_company):
    make_company(iban=fr.iban())
    ui = ui_as("accountant")
    assert "iban" in ui.get("/parties/").context["search"].fields
    response = ui.post("/parties/search/", {"iban": spaced_lower(banked.iban)})
    assert response.context["results"] == [banked]


def test_support_cannot_search_by_iban(ui_as, banked):
    ui = ui_as("support")
    assert "iban" not in ui.get("/parties/").context["search"].fields
    response = ui.post("/parties/search/", {"iban": banked.iban})
    assert response.status_code == 200
    assert response.context["results"] is None  # nothing it may search by was given
