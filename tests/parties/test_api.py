"""The parties API over HTTP: permissions per role, field-level 422s that change
nothing, duplicates, search without personal data in the URL, audit counts, the
pipeline (board and funnel), and amounts kept from the roles that may not see them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.models import Party, PartyKind
from comptoir.sales import services as sales_services
from comptoir.tenancy.models import Membership
from tests.openapi import openapi_document
from tests.parties.conftest import counts

fr = Faker("fr_FR")

CAN_MANAGE_CONTACTS = {"owner", "admin", "sales"}
CAN_VIEW_SALES = {"owner", "admin", "sales", "accountant", "auditor"}
CAN_MANAGE_SALES = {"owner", "admin", "sales"}
ROLES = ["owner", "admin", "sales", "accountant", "support", "auditor"]


def events(**filters):
    return AuditEvent.objects.filter(**filters)


def company_body(**fields) -> dict:
    return {"kind": "company", "company_name": fr.company(), "siren": fake_siren(fr), **fields}


@pytest.fixture
def company(world, make_company, make_contact, actor):
    """A company of org A with a contact person, an inbound call and an opportunity."""
    party = make_company(company_name="Atelier Durand")
    person = make_contact(party, email=fr.unique.email(), mobile="06 12 34 56 78")
    services.interaction_record(
        actor=actor,
        party=party,
        contact_person=person,
        kind="call",
        direction="inbound",
        note="Rappeler après le salon",
    )
    sales_services.opportunity_create(
        actor=actor, party=party, title="Rayonnages", amount="4321.99"
    )
    return party


# Permissions -----------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_every_contacts_role_reads_parties_and_only_managers_create(world, api_as, role):
    api = api_as(role)
    assert api.get("/api/parties").status_code == 200
    before = counts()
    response = api.post("/api/parties", json=company_body())
    if role in CAN_MANAGE_CONTACTS:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 403
        assert counts()["Party"] == before["Party"]


@pytest.mark.parametrize("role", ROLES)
def test_the_pipeline_is_for_the_sales_roles_only(world, api_as, company, role):
    api = api_as(role)
    response = api.get("/api/opportunities")
    assert response.status_code == (200 if role in CAN_VIEW_SALES else 403)
    opportunity = company.opportunities.get()
    paths = ("/api/pipeline/board", "/api/pipeline/funnel", "/api/pipeline/stages")
    for path in (*paths, f"/api/opportunities/{opportunity.pk}"):
        assert api.get(path).status_code == (200 if role in CAN_VIEW_SALES else 403)
    body = {"party_id": company.pk, "title": fr.catch_phrase(), "amount": "10.00"}
    created = api.post("/api/opportunities", json=body)
    assert created.status_code == (201 if role in CAN_MANAGE_SALES else 403)


def test_support_sees_contact_details_but_no_amount(world, api_as, company):
    person = company.contact_persons.get()
    body = api_as("support").get(f"/api/parties/{company.pk}").json()
    assert body["contact_persons"][0]["email"] == person.email
    assert body["contact_persons"][0]["mobile"] == person.mobile
    assert body["timeline"][0]["note"] == "Rappeler après le salon"
    assert body["opportunities"] is None
    assert "4321" not in str(body)

    sales = api_as("sales").get(f"/api/parties/{company.pk}").json()
    assert [(o["title"], o["amount"]) for o in sales["opportunities"]] == [
        ("Rayonnages", "4321.99")
    ]


def test_a_read_token_reads_but_cannot_write(world, api_as, company):
    api = api_as("sales", scope="read")
    assert api.get(f"/api/parties/{company.pk}").status_code == 200
    response = api.patch(f"/api/parties/{company.pk}", json={"company_name": "Autre"})
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.company_name == "Atelier Durand"


def test_without_a_token_nothing_is_answered(world, company):
    assert Client().get(f"/api/parties/{company.pk}").status_code == 401
    assert Client().post("/api/parties/search", data={}).status_code == 401


# Create, detail, edit ----------------------------------------------------------------
def test_a_company_its_contact_person_and_an_interaction_through_the_api(world, api_as):
    api = api_as("sales")
    sales_rep = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    response = api.post("/api/parties", json=company_body(sales_rep_id=sales_rep.pk))
    assert response.status_code == 201, response.json()
    party = response.json()
    assert party["sales_rep_id"] == sales_rep.pk and party["is_prospect"] is True

    email = fr.unique.email()
    response = api.post(
        f"/api/parties/{party['id']}/contact-persons",
        json={"given_names": fr.first_name(), "family_name": fr.last_name(), "email": email},
    )
    assert response.status_code == 201, response.json()
    person = response.json()
    assert person["email"] == email and person["party_id"] == party["id"]

    occurred = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    response = api.post(
        f"/api/parties/{party['id']}/interactions",
        json={
            "kind": "meeting",
            "direction": "inbound",
            "occurred_at": occurred.isoformat(),
            "contact_person_id": person["id"],
            "note": "Salon de Lyon",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["recorded_by_id"] == sales_rep.pk

    detail = api.get(f"/api/parties/{party['id']}").json()
    assert [p["id"] for p in detail["contact_persons"]] == [person["id"]]
    assert [(i["kind"], i["note"]) for i in detail["timeline"]] == [("meeting", "Salon de Lyon")]
    assert detail["latest_inbound_at"].startswith(occurred.date().isoformat())
    timeline = api.get(f"/api/parties/{party['id']}/interactions").json()
    assert timeline["count"] == 1

    response = api.patch(f"/api/contact-persons/{person['id']}", json={"job_title": "Acheteuse"})
    assert response.status_code == 200 and response.json()["job_title"] == "Acheteuse"
    assert response.json()["email"] == email


def test_an_individual_is_created_with_its_own_contact_details(world, api_as):
    email = fr.unique.email()
    response = api_as("admin").post(
        "/api/parties",
        json={"kind": "individual", "family_name": fr.last_name(), "email": email},
    )
    assert response.status_code == 201, response.json()
    stored = Party.objects.of(world.org_a).get(pk=response.json()["id"])
    assert stored.kind == PartyKind.INDIVIDUAL and stored.email == email
    assert stored.data_subject_id is not None


def test_patch_changes_only_what_is_sent_and_journals_it(world, api_as, company):
    api = api_as("sales")
    response = api.patch(f"/api/parties/{company.pk}", json={"is_client": True})
    assert response.status_code == 200
    body = response.json()
    assert body["is_client"] is True and body["client_since"] is not None
    assert body["company_name"] == "Atelier Durand"
    change = events(action=Action.UPDATE, object_type="parties.party", object_id=str(company.pk))
    assert change.count() == 1
    assert set(change.get().fields) == {"is_client", "client_since"}


# Validation -------------------------------------------------------------------------
def test_a_company_without_its_name_is_refused_on_its_field(world, api_as):
    api = api_as("sales")
    before = counts()
    response = api.post("/api/parties", json={"kind": "company"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["company_name"]
    assert counts() == before


def test_a_wrong_siren_and_a_bad_email_name_their_fields_and_change_nothing(world, api_as, company):
    api = api_as("sales")
    before = counts()
    response = api.post("/api/parties", json=company_body(siren="123456789"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["siren"]
    assert counts() == before

    person = company.contact_persons.get()
    response = api.patch(
        f"/api/contact-persons/{person.pk}", json={"email": "pas-une-adresse", "job_title": "X"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email"]
    person.refresh_from_db()
    assert person.job_title == "" and "@" in person.email
    assert counts() == before


def test_ids_of_another_organisation_in_a_body_are_422_on_their_field(world, api_as, company):
    api = api_as("sales")
    member_of_b = Membership.objects.of(world.org_b).get()
    response = api.patch(f"/api/parties/{company.pk}", json={"sales_rep_id": member_of_b.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sales_rep_id"
    company.refresh_from_db()
    assert company.sales_rep_id is None


def test_an_interaction_names_its_bad_fields(world, api_as, company, make_company, make_contact):
    other_person = make_contact(make_company())
    api = api_as("sales")
    before = counts()
    response = api.post(
        f"/api/parties/{company.pk}/interactions",
        json={"kind": "call", "direction": "inbound", "contact_person_id": other_person.pk},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["contact_person_id"]
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = api.post(
        f"/api/parties/{company.pk}/interactions",
        json={"kind": "call", "direction": "inbound", "occurred_at": future},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_at"]
    response = api.post(
        f"/api/parties/{company.pk}/interactions", json={"kind": "telepathy", "direction": "in"}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"kind", "direction"}
    assert counts() == before


# Duplicates -------------------------------------------------------------------------
def test_a_duplicate_siren_is_422_unless_allowed(world, api_as, company):
    api = api_as("sales")
    before = counts()
    body = company_body(siren=company.siren)
    response = api.post("/api/parties", json=body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["siren"]
    assert f"#{company.pk}" in errors[0]["message"]
    assert counts() == before
    response = api.post("/api/parties", json={**body, "allow_duplicate": True})
    assert response.status_code == 201


def test_a_duplicate_email_of_a_contact_person_is_422_unless_allowed(
    world, api_as, company, make_company
):
    existing = company.contact_persons.get()
    other = make_company()
    api = api_as("sales")
    body = {"family_name": fr.last_name(), "email": existing.email.upper()}
    response = api.post(f"/api/parties/{other.pk}/contact-persons", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email"]
    assert existing.email not in response.content.decode()
    assert not other.contact_persons.exists()
    response = api.post(
        f"/api/parties/{other.pk}/contact-persons", json={**body, "allow_duplicate": True}
    )
    assert response.status_code == 201


# Search --------------------------------------------------------------------------------
def test_exact_search_is_a_post_and_keeps_personal_data_out_of_urls(world, api_as, company):
    email = company.contact_persons.get().email
    api = api_as("support")
    journal_before = events().count()
    response = api.post("/api/parties/search", json={"email": email.upper()})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [company.pk]
    sent = response.wsgi_request
    assert email not in sent.get_full_path().lower() and not sent.META.get("QUERY_STRING")
    # one journal event, and no trace of the value in it
    new = list(events().order_by("pk")[journal_before:])
    assert [(e.action, e.object_type) for e in new] == [(Action.LIST, "parties.party")]
    assert email not in str(AuditEvent.objects.filter(pk=new[0].pk).values().get())

    for query in ({"phone": "+33 6 12 34 56 78"}, {"siren": company.siren}):
        found = api.post("/api/parties/search", json=query).json()["items"]
        assert [p["id"] for p in found] == [company.pk]


def test_no_operation_takes_personal_data_in_its_query_string(db):
    spec = openapi_document()
    personal = {
        *("email", "phone", "mobile", "fax", "family_name", "given_names", "siren"),
        *("iban", "bic"),
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert not names & personal, (method, path, names)
    search = spec["paths"]["/api/parties/search"]
    assert set(search) == {"post"}


@pytest.mark.parametrize("role, scope", [("auditor", "read"), ("sales", "read")])
def test_read_only_callers_may_search(world, api_as, company, role, scope):
    response = api_as(role, scope=scope).post("/api/parties/search", json={"siren": company.siren})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_search_needs_a_value_and_finds_nothing_of_another_organisation(
    world, api_as, company, make_company, make_contact
):
    api = api_as("owner")
    response = api.post("/api/parties/search", json={"email": "  "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    email = fr.unique.email()
    make_contact(make_company(world.org_b), email=email)
    assert api.post("/api/parties/search", json={"email": email}).json()["count"] == 0


def test_prefix_search_by_company_name(world, api_as, company, make_company):
    make_company(company_name="Boulangerie Martin")
    make_company(world.org_b, company_name="Atelier Bruxellois")
    api = api_as("support")
    found = api.get("/api/parties/by-name?prefix=ATÉL").json()["items"]
    assert [p["id"] for p in found] == [company.pk]
    assert api.get("/api/parties/by-name?prefix=").status_code == 422


# Lists and filters ------------------------------------------------------------------------
def test_lists_filter_paginate_and_stay_in_the_organisation(world, api_as, company, make_company):
    clients = [make_company(is_client=True) for _ in range(3)]
    make_company(world.org_b)
    api = api_as("accountant")
    everything = api.get("/api/parties?limit=100").json()
    assert everything["count"] == 4
    page = api.get("/api/parties?role=client&limit=2&offset=0").json()
    assert page["count"] == 3 and len(page["items"]) == 2
    rest = api.get("/api/parties?role=client&limit=2&offset=2").json()["items"]
    assert {p["id"] for p in page["items"] + rest} == {c.pk for c in clients}
    assert "email" not in page["items"][0]  # lists carry no contact details
    assert api.get("/api/parties?role=emperor").status_code == 422
    people = api.get(f"/api/parties/{company.pk}/contact-persons").json()
    assert people["count"] == 1


# Audit ---------------------------------------------------------------------------------------
def test_every_read_is_journalled_once(world, api_as, company):
    api = api_as("sales")
    person = company.contact_persons.get()
    opportunity = company.opportunities.get()
    reads = [
        (f"/api/parties/{company.pk}", Action.READ, "parties.party", str(company.pk)),
        (f"/api/contact-persons/{person.pk}", Action.READ, "parties.contactperson", str(person.pk)),
        (
            f"/api/opportunities/{opportunity.pk}",
            Action.READ,
            "sales.opportunity",
            str(opportunity.pk),
        ),
        ("/api/parties", Action.LIST, "parties.party", ""),
        (f"/api/parties/{company.pk}/contact-persons", Action.LIST, "parties.contactperson", ""),
        (f"/api/parties/{company.pk}/interactions", Action.LIST, "parties.interaction", ""),
        ("/api/opportunities", Action.LIST, "sales.opportunity", ""),
        ("/api/pipeline/board", Action.LIST, "sales.opportunity", ""),
        ("/api/pipeline/funnel", Action.LIST, "sales.opportunity", ""),
        ("/api/pipeline/stages", Action.LIST, "sales.pipelinestage", ""),
        ("/api/parties/by-name?prefix=atelier", Action.LIST, "parties.party", ""),
    ]
    for path, action, object_type, object_id in reads:
        before = events().count()
        assert api.get(path).status_code == 200, path
        new = list(events().order_by("pk")[before:])
        assert [(e.action, e.object_type, e.object_id) for e in new] == [
            (action, object_type, object_id)
        ], path


def test_a_creation_is_journalled_once_without_values(world, api_as):
    api = api_as("sales")
    email = fr.unique.email()
    before = events().count()
    response = api.post(
        "/api/parties", json={"kind": "individual", "family_name": "Lefèvre", "email": email}
    )
    assert response.status_code == 201
    new = list(events().order_by("pk")[before:])
    assert [(e.action, e.object_type) for e in new] == [(Action.CREATE, "parties.party")]
    assert "email" in new[0].fields
    assert email not in str(AuditEvent.objects.filter(pk=new[0].pk).values().get())


# Pipeline ----------------------------------------------------------------------------------
def test_opportunities_move_through_the_stages_board_and_funnel(world, api_as, company):
    api = api_as("sales")
    response = api.post(
        "/api/opportunities",
        json={"party_id": company.pk, "title": "Mezzanine", "amount": "1000.005"},
    )
    assert response.status_code == 201, response.json()
    opportunity = response.json()
    assert opportunity["amount"] == "1000.01"  # to the cent, half up
    stages = api.get("/api/pipeline/stages").json()["items"]
    assert len(stages) == 6
    first, won = stages[0], next(s for s in stages if s["is_won"])
    assert opportunity["stage_id"] == first["id"]
    assert opportunity["probability"] == first["probability"]

    moved = api.post(f"/api/opportunities/{opportunity['id']}/move", json={"stage_id": won["id"]})
    assert moved.status_code == 200
    assert (moved.json()["stage_id"], moved.json()["probability"]) == (won["id"], 100)
    assert moved.json()["weighted_amount"] == "1000.01"

    board = api.get("/api/pipeline/board").json()
    assert [c["stage"]["id"] for c in board] == [s["id"] for s in stages]
    by_stage = {c["stage"]["id"]: [o["id"] for o in c["opportunities"]] for c in board}
    assert by_stage[won["id"]] == [opportunity["id"]]

    funnel = {row["stage"]["id"]: row for row in api.get("/api/pipeline/funnel").json()}
    assert (funnel[won["id"]]["count"], funnel[won["id"]]["total"]) == (1, "1000.01")
    # the fixture's opportunity: 4321.99 at 10 %
    assert funnel[first["id"]]["weighted"] == "432.20"

    filtered = api.get(f"/api/opportunities?stage_id={won['id']}").json()
    assert [o["id"] for o in filtered["items"]] == [opportunity["id"]]


def test_opportunity_input_errors_name_their_fields(world, api_as, company, make_company):
    api = api_as("sales")
    stage_of_b = sales_services.pipeline_stages_ensure(
        actor=Actor.system(), organisation=world.org_b
    )[0]
    cases = [
        ({"amount": 12.5}, "amount"),  # a JSON number: never a float
        ({"amount": "douze"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"amount": "12", "probability": 130}, "probability"),
        ({"amount": "12", "stage_id": stage_of_b.pk}, "stage_id"),
        ({"amount": "12", "party_id": make_company(world.org_b).pk}, "party_id"),
    ]
    before = counts()
    for extra, field in cases:
        body = {"party_id": company.pk, "title": "Stand", **extra}
        response = api.post("/api/opportunities", json=body)
        assert response.status_code == 422, (extra, response.json())
        assert [e["field"] for e in response.json()["errors"]] == [field], extra
    assert counts() == before

    opportunity = company.opportunities.get()
    response = api.patch(f"/api/opportunities/{opportunity.pk}", json={"amount": "abc"})
    assert response.status_code == 422
    response = api.post(f"/api/opportunities/{opportunity.pk}/move", json={"stage_id": 0})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stage_id"
    opportunity.refresh_from_db()
    assert str(opportunity.amount) == "4321.99"
    assert counts() == before


def test_stages_are_configured_per_organisation(world, api_as):
    api = api_as("admin")
    response = api.post("/api/pipeline/stages", json={"name": "Démo", "probability": 40})
    assert response.status_code == 201
    stage = response.json()
    assert stage["position"] > 60  # after the default stages, set up on first use
    duplicate = api.post("/api/pipeline/stages", json={"name": "Démo", "probability": 10})
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"][0]["field"] == "name"
    response = api.patch(f"/api/pipeline/stages/{stage['id']}", json={"probability": 45})
    assert response.status_code == 200 and response.json()["probability"] == 45
    assert (
        api_as("accountant")
        .patch(f"/api/pipeline/stages/{stage['id']}", json={"probability": 5})
        .status_code
        == 403
    )
