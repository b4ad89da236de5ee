"""The contact persons page and the API's name search: filters, pagination, a name
only ever posted, each row linking to its company, a list read journalled."""

import pytest
from django.urls import reverse
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.parties.models import Channel, ContactStatus
from comptoir.parties.people_views import PAGE_SIZE
from tests.pages import assert_titled_and_labelled

fr = Faker("fr_FR")
URL = "/parties/contacts/"
API = "/api/contact-persons/search"


def _list_reads() -> int:
    return AuditEvent.objects.filter(
        action=Action.LIST, object_type="parties.contactperson"
    ).count()


@pytest.fixture
def people(world, make_company, make_contact):
    acme = make_company(company_name="Acme Fournitures")
    bolt = make_company(company_name="Boulonnerie Bolt")
    return {
        "moreau": make_contact(
            acme,
            family_name="Moreau",
            given_names="Hélène",
            contact_status=ContactStatus.REGULAR,
            preferred_channel=Channel.EMAIL,
        ),
        "morel": make_contact(bolt, family_name="Morel", given_names="Paul"),
        "petit": make_contact(bolt, family_name="Petit", given_names="Anne"),
        "elsewhere": make_contact(make_company(world.org_b), family_name="Moreau"),
        "acme": acme,
        "bolt": bolt,
    }


def test_the_page_lists_everyone_with_a_link_to_their_company(ui_as, people):
    before = _list_reads()
    page = ui_as("support").get(URL)
    assert_titled_and_labelled(page)
    html = page.content.decode()
    for key in ("moreau", "morel", "petit"):
        assert people[key].display_name in html
    table = html.split('<table class="people">')[1].split("</table>")[0]
    assert table.count("Moreau") == 1  # org B's Moreau is not listed
    assert reverse("parties:party_detail", args=[people["acme"].pk]) in html
    assert reverse("parties:party_detail", args=[people["bolt"].pk]) in html
    assert _list_reads() == before + 1


def test_the_navigation_links_to_the_page(ui_as, people):
    html = ui_as("sales").get("/parties/").content.decode()
    assert f'href="{URL}"' in html


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"contact_status": ContactStatus.REGULAR}, {"moreau"}),
        ({"preferred_channel": Channel.EMAIL}, {"moreau"}),
        ({"contact_status": ContactStatus.OCCASIONAL}, {"morel", "petit"}),
    ],
)
def test_filters_by_status_and_channel(ui_as, people, filters, expected):
    listed = {p.pk for p in ui_as("sales").get(URL, filters).context["page"]}
    assert listed == {people[key].pk for key in expected}


def test_filter_by_company_and_another_organisation_s_company_is_refused(
    ui_as, people, world, make_company
):
    client = ui_as("sales")
    listed = {p.pk for p in client.get(URL, {"party": people["bolt"].pk}).context["page"]}
    assert listed == {people["morel"].pk, people["petit"].pk}
    foreign = people["elsewhere"].party_id
    page = client.get(URL, {"party": foreign})
    assert page.status_code == 200
    assert page.context["form"].errors["party"]
    assert list(page.context["page"]) == []


def test_a_name_is_searched_by_post_typed_in_any_case_and_by_its_beginning(ui_as, people):
    client = ui_as("sales")
    before = _list_reads()
    for typed, expected in (
        ("MOREAU", {"moreau"}),
        ("moreau", {"moreau"}),
        ("mor", {"moreau", "morel"}),
        ("Pet", {"petit"}),
    ):
        page = client.post(URL, {"name": typed})
        assert page.status_code == 200
        assert page["Cache-Control"].startswith("max-age=0")  # never_cache
        assert {p.pk for p in page.context["page"]} == {people[k].pk for k in expected}
    # with a filter posted alongside
    page = client.post(URL, {"name": "mor", "party": people["bolt"].pk})
    assert {p.pk for p in page.context["page"]} == {people["morel"].pk}
    assert _list_reads() == before + 5


def test_a_name_in_the_url_is_ignored(ui_as, people):
    page = ui_as("sales").get(URL, {"name": "Petit"})
    assert page.context["form"]["name"].value() in (None, "")
    assert len(page.context["page"]) == 3  # everyone: the URL's name was not read


def test_the_search_form_posts_and_no_link_carries_a_name(ui_as, people):
    html = ui_as("sales").post(URL, {"name": "Moreau"}).content.decode()
    assert 'id="people-search" method="post"' in html
    assert "name=Moreau" not in html and "?name" not in html


def test_pages_of_twenty_five_in_both_modes(ui_as, people, make_contact):
    for _ in range(PAGE_SIZE):
        make_contact(people["acme"], family_name="Mor" + fr.last_name().lower())
    client = ui_as("sales")
    first = client.get(URL)
    assert len(first.context["page"]) == PAGE_SIZE
    second = client.get(URL, {"page": 2})
    assert len(second.context["page"]) == 3
    posted = client.post(URL, {"name": "mor", "page": 2})
    assert posted.context["page"].number == 2
    assert len(posted.context["page"]) == 2  # 27 people start with "mor"
    assert 'name="page" value="1"' in posted.content.decode()


def test_an_outsider_is_sent_to_sign_in(client, people):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {"name": "Moreau"}).status_code == 302


# The API ------------------------------------------------------------------------------
def test_api_search_by_name_with_a_read_token(api_as, people):
    reader = api_as("sales", scope="read")
    before = _list_reads()
    response = reader.post(API, json={"name": "moreau"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["id"] for item in body["items"]] == [people["moreau"].pk]
    assert body["items"][0]["party_id"] == people["acme"].pk
    response = reader.post(API, json={"name": "MOR", "party_id": people["bolt"].pk})
    assert [item["id"] for item in response.json()["items"]] == [people["morel"].pk]
    assert _list_reads() == before + 2


def test_api_search_refuses_what_is_no_name(api_as, people):
    client = api_as("sales")
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 151}):
        response = client.post(API, json=body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "name"
    foreign = client.post(API, json={"name": "mor", "party_id": people["elsewhere"].party_id})
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "party_id"


def test_api_search_needs_contacts_view_and_never_crosses_organisations(api_as, people, world):
    response = api_as("owner", organisation=world.org_b).post(API, json={"name": "Moreau"})
    assert [item["id"] for item in response.json()["items"]] == [people["elsewhere"].pk]


def test_the_party_search_finds_people_by_name_too(ui_as, people, world, actor):
    from comptoir.parties import services
    from comptoir.parties.models import PartyKind

    individual = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.INDIVIDUAL, family_name="Moréau"
    )
    results = ui_as("sales").post("/parties/search/", {"company_name": "moreau"}).context["results"]
    # Acme through its contact person Moreau, the individual by their own name;
    # never org B's Moreau's company.
    assert {p.pk for p in results} == {people["acme"].pk, individual.pk}
    results = ui_as("sales").post("/parties/search/", {"company_name": "Bou"}).context["results"]
    assert {p.pk for p in results} == {people["bolt"].pk}  # "Boulonnerie Bolt": its name


@pytest.mark.parametrize("name", ["Mor\x00eau", "x\ud800y", "Mo\x1breau"])
def test_a_name_with_a_control_character_is_refused_not_a_server_error(api_as, ui_as, people, name):
    response = api_as("sales", scope="read").post(API, json={"name": name})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    if "\ud800" not in name:  # a form post is UTF-8: it cannot carry a lone surrogate
        page = ui_as("sales").post(URL, {"name": name})
        assert page.status_code == 200 and page.context["form"].errors["name"]
