"""The parties pages through Django's test client: who sees what, forms that say
what is wrong field by field, search by POST only, the pipeline board, the audit."""

from decimal import Decimal

import pytest
from django.utils.html import escape
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.models import ContactPerson, Interaction, Origin, Party, PartyKind
from comptoir.parties.views import PAGE_SIZE
from comptoir.sales import services as sales_services
from comptoir.sales.models import Opportunity, PipelineStage
from comptoir.tenancy.models import Membership
from tests.pages import assert_titled_and_labelled
from tests.parties.conftest import counts

fr = Faker("fr_FR")


def reads(action: str, object_type: str) -> int:
    return AuditEvent.objects.filter(action=action, object_type=object_type).count()


def company_post(**fields) -> dict:
    data = {
        "company_name": fr.company(),
        "country": "FR",
        "siren": fake_siren(fr),
        "is_prospect": "on",
        "origin": Origin.WEBSITE_FORM,
    }
    data.update(fields)
    return data


def form_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# Who may see and do what ----------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("sales", 200), ("support", 200), ("auditor", 200), ("accountant", 200)],
)
def test_every_role_with_contacts_view_sees_the_list(ui_as, role, status):
    assert ui_as(role).get("/parties/").status_code == status


def test_outsider_and_anonymous_see_nothing(world, client):
    assert client.get("/parties/").status_code == 302  # to the login page
    client.force_login(world.outsider)
    assert client.get("/parties/").status_code == 403


@pytest.mark.parametrize("role", ["support", "auditor", "accountant"])
def test_read_only_roles_cannot_create(ui_as, role):
    ui = ui_as(role)
    before = counts()
    assert ui.get("/parties/new/company/").status_code == 403
    assert ui.post("/parties/new/company/", company_post()).status_code == 403
    assert counts() == before


def test_another_organisation_s_party_is_not_found(world, ui_as, make_company, make_contact):
    theirs = make_company(world.org_b)
    person = make_contact(theirs)
    ui = ui_as("sales")
    assert ui.get(f"/parties/{theirs.pk}/").status_code == 404
    assert ui.get(f"/parties/{theirs.pk}/edit/").status_code == 404
    assert ui.get(f"/parties/contacts/{person.pk}/edit/").status_code == 404
    assert ui.post(f"/parties/{theirs.pk}/interactions/new/", {}).status_code == 404


# Create and edit --------------------------------------------------------------------
def test_sales_creates_a_company_and_the_form_labels_every_field(world, ui_as):
    ui = ui_as("sales")
    page = ui.get("/parties/new/company/")
    assert page.status_code == 200
    form = page.context["form"]
    html = page.content.decode()
    for field in form:
        assert f'for="{field.auto_id}"' in html, field.name
    data = company_post(company_name="Boulangerie Lefèvre")
    response = ui.post("/parties/new/company/", data)
    party = Party._base_manager.get(company_name="Boulangerie Lefèvre")
    assert response.status_code == 302
    assert response["Location"] == f"/parties/{party.pk}/"
    assert party.kind == PartyKind.COMPANY
    assert party.siren == data["siren"]
    assert party.origin == Origin.WEBSITE_FORM
    assert party.organisation == world.org_a
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="parties.party", object_id=str(party.pk)
    ).exists()


def test_a_bad_siren_is_reported_beside_its_field_and_nothing_is_written(ui_as):
    ui = ui_as("sales")
    before = counts()
    response = ui.post("/parties/new/company/", company_post(siren="123456789"))
    assert response.status_code == 200
    assert form_errors(response, "siren")
    assert not form_errors(response, "company_name")
    assert counts() == before


def test_a_duplicate_siren_names_the_existing_party(ui_as, make_company):
    existing = make_company()
    response = ui_as("sales").post("/parties/new/company/", company_post(siren=existing.siren))
    assert response.status_code == 200
    assert any(f"#{existing.pk}" in error for error in form_errors(response, "siren"))
    assert Party._base_manager.filter(siren=existing.siren).count() == 1


def test_an_individual_needs_a_family_name(ui_as):
    ui = ui_as("sales")
    response = ui.post(
        "/parties/new/individual/", {"given_names": fr.first_name(), "country": "FR"}
    )
    assert response.status_code == 200
    assert form_errors(response, "family_name")
    family = fr.last_name()
    email = fr.email()
    response = ui.post(
        "/parties/new/individual/",
        {"given_names": fr.first_name(), "family_name": family, "email": email, "country": "FR"},
    )
    assert response.status_code == 302
    party = Party._base_manager.get(kind=PartyKind.INDIVIDUAL)
    assert party.family_name == family
    assert party.email == email.lower()


def test_unknown_kind_is_not_found(ui_as):
    assert ui_as("sales").get("/parties/new/robot/").status_code == 404


def test_edit_shows_the_current_values_and_saves_changes(world, ui_as, make_company):
    party = make_company(company_name="Menuiserie Girard")
    ui = ui_as("sales")
    page = ui.get(f"/parties/{party.pk}/edit/")
    assert page.context["form"]["company_name"].value() == "Menuiserie Girard"
    assert reads(Action.READ, "parties.party") == 1
    sales_rep = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    data = company_post(
        company_name="Menuiserie Girard et fils", siren=party.siren, sales_rep=sales_rep.pk
    )
    response = ui.post(f"/parties/{party.pk}/edit/", data)
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.company_name == "Menuiserie Girard et fils"
    assert party.sales_rep == sales_rep


def test_a_sales_rep_of_another_organisation_is_refused(world, ui_as):
    foreign = Membership.objects.of(world.org_b).get()
    response = ui_as("sales").post("/parties/new/company/", company_post(sales_rep=foreign.pk))
    assert response.status_code == 200
    assert form_errors(response, "sales_rep")
    assert not Party._base_manager.exists()


# Contact persons -------------------------------------------------------------------
def test_contact_person_form_warns_about_sensitive_data_and_saves(ui_as, make_company):
    company = make_company()
    ui = ui_as("sales")
    page = ui.get(f"/parties/{company.pk}/contacts/new/")
    html = page.content.decode()
    assert 'id="id_notes_helptext"' in html
    assert 'aria-describedby="id_notes_helptext"' in html
    assert str(escape(page.context["form"].fields["notes"].help_text)) in html
    given, family, email = fr.first_name(), fr.last_name(), fr.email()
    response = ui.post(
        f"/parties/{company.pk}/contacts/new/",
        {
            "given_names": given,
            "family_name": family,
            "email": email,
            "mobile": "06 12 34 56 78",
            "job_title": "Acheteuse",
            "contact_status": "regular",
            "preferred_channel": "email",
            "notes": "Préfère être appelée le matin.",
        },
    )
    assert response.status_code == 302
    person = ContactPerson._base_manager.get(party=company)
    assert (person.given_names, person.family_name, person.email) == (given, family, email.lower())
    assert person.mobile == "06 12 34 56 78"
    detail = ui.get(f"/parties/{company.pk}/").content.decode()
    assert family in detail and email.lower() in detail


def test_contact_person_errors_are_field_level(ui_as, make_company, make_contact):
    company = make_company()
    other = make_contact(company, email="claire.martin@example.fr")
    ui = ui_as("sales")
    response = ui.post(
        f"/parties/{company.pk}/contacts/new/",
        {
            "family_name": fr.last_name(),
            "email": "Claire.Martin@example.fr",
            "contact_status": "regular",
        },
    )
    assert response.status_code == 200
    assert any(f"#{other.pk}" in error for error in form_errors(response, "email"))
    response = ui.post(
        f"/parties/{company.pk}/contacts/new/",
        {
            "family_name": fr.last_name(),
            "contact_status": "occasional",
            "preferred_channel": "phone",
        },
    )
    assert response.status_code == 200
    assert form_errors(response, "preferred_channel")
    assert not form_errors(response, "family_name")
    assert ContactPerson._base_manager.count() == 1


def test_an_individual_has_no_contact_persons(world, ui_as, actor):
    person = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fr.last_name(),
    )
    ui = ui_as("sales")
    assert ui.get(f"/parties/{person.pk}/contacts/new/").status_code == 404
    assert "/contacts/new/" not in ui.get(f"/parties/{person.pk}/").content.decode()


def test_contact_person_edit(ui_as, make_company, make_contact):
    company = make_company()
    person = make_contact(company, job_title="Comptable")
    ui = ui_as("sales")
    page = ui.get(f"/parties/contacts/{person.pk}/edit/")
    assert page.context["form"]["family_name"].value() == person.family_name
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value not in (None, "")
    }
    data["job_title"] = "Directrice financière"
    response = ui.post(f"/parties/contacts/{person.pk}/edit/", data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.job_title == "Directrice financière"


# Search ------------------------------------------------------------------------------
def test_search_is_post_only_and_finds_by_contact_email(ui_as, make_company, make_contact):
    company = make_company(company_name="Atelier Moreau")
    make_contact(company, email="paul.moreau@example.fr")
    make_company(company_name="Garage Roux")
    ui = ui_as("support")
    assert ui.get("/parties/search/?email=paul.moreau@example.fr").status_code == 405
    response = ui.post("/parties/search/", {"email": "PAUL.Moreau@example.fr"})
    assert response.status_code == 200
    assert response.context["results"] == [company]
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]


def test_search_by_siren_phone_and_name_prefix(ui_as, make_company, make_contact):
    a = make_company(company_name="Épicerie Bernard")
    b = make_company(company_name="Epices du Sud")
    make_contact(b, phone="01 23 45 67 89")
    c = make_company(company_name="Ferronnerie Petit")
    ui = ui_as("sales")
    assert ui.post("/parties/search/", {"siren": c.siren}).context["results"] == [c]
    assert ui.post("/parties/search/", {"phone": "+33123456789"}).context["results"] == [b]
    by_name = ui.post("/parties/search/", {"company_name": "epicer"}).context["results"]
    assert by_name == [a]
    assert set(
        p.pk for p in ui.post("/parties/search/", {"company_name": "Ep"}).context["results"]
    ) == {a.pk, b.pk}
    assert ui.post("/parties/search/", {"email": "personne@example.fr"}).context["results"] == []


def test_an_empty_search_says_what_to_give(ui_as):
    response = ui_as("sales").post("/parties/search/", {})
    assert response.status_code == 200
    assert response.context["results"] is None
    assert response.context["search"].non_field_errors()


# List, filters, pagination ---------------------------------------------------------
def test_list_filters_by_role_origin_and_sales_rep(world, ui_as, make_company):
    rep = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    client_party = make_company(is_client=True, origin=Origin.PARTNER, sales_rep=rep)
    prospect = make_company(origin=Origin.AFFILIATE)
    supplier = make_company(is_prospect=False, is_supplier=True)
    ui = ui_as("sales")

    def listed(query: str) -> set[int]:
        return {p.pk for p in ui.get(f"/parties/?{query}").context["page"]}

    assert listed("") == {client_party.pk, prospect.pk, supplier.pk}
    assert listed("role=client") == {client_party.pk}
    assert listed("role=supplier") == {supplier.pk}
    assert listed("origin=affiliate") == {prospect.pk}
    assert listed(f"sales_rep={rep.pk}") == {client_party.pk}
    assert listed("role=nonsense") == set()
    assert reads(Action.LIST, "parties.party") == 6


def test_list_paginates(ui_as, make_company):
    for _ in range(PAGE_SIZE + 3):
        make_company()
    ui = ui_as("sales")
    first = ui.get("/parties/?role=prospect")
    assert len(first.context["page"]) == PAGE_SIZE
    assert "role=prospect&amp;page=2" in first.content.decode()
    second = ui.get("/parties/?role=prospect&page=2")
    assert len(second.context["page"]) == 3
    assert not {p.pk for p in first.context["page"]} & {p.pk for p in second.context["page"]}


# Detail, timeline, support sees nothing financial ------------------------------------------
def test_detail_shows_people_and_timeline_and_is_audited_once(
    world, ui_as, make_company, make_contact, actor
):
    company = make_company()
    person = make_contact(company, email=fr.email())
    services.interaction_record(
        actor=actor, party=company, kind="call", direction="inbound", note="Rappeler jeudi."
    )
    sales_services.opportunity_create(actor=actor, party=company, title="Fours", amount="12500.00")
    before = AuditEvent.objects.count()
    sales_page = ui_as("sales").get(f"/parties/{company.pk}/")
    assert AuditEvent.objects.count() == before + 1
    html = sales_page.content.decode()
    assert escape(person.family_name) in html  # as the page escapes it
    assert "Rappeler jeudi." in html
    assert "12\xa0500,00\xa0€" in html.replace("&nbsp;", "\xa0")

    support_page = ui_as("support").get(f"/parties/{company.pk}/").content.decode()
    assert person.email in support_page
    assert "Fours" not in support_page
    assert "500,00" not in support_page and "€" not in support_page


def test_recording_an_interaction(ui_as, make_company, make_contact):
    company = make_company()
    person = make_contact(company)
    ui = ui_as("sales")
    page = ui.get(f"/parties/{company.pk}/interactions/new/")
    assert 'id="id_note_helptext"' in page.content.decode()
    response = ui.post(
        f"/parties/{company.pk}/interactions/new/",
        {
            "kind": "meeting",
            "direction": "outbound",
            "occurred_at": "2026-01-15T10:30",
            "contact_person": person.pk,
            "note": "Démonstration du produit.",
        },
    )
    assert response.status_code == 302
    interaction = Interaction._base_manager.get(party=company)
    assert interaction.contact_person == person
    assert interaction.note == "Démonstration du produit."
    future = ui.post(
        f"/parties/{company.pk}/interactions/new/",
        {"kind": "call", "direction": "inbound", "occurred_at": "2099-01-01T10:00"},
    )
    assert future.status_code == 200
    assert form_errors(future, "occurred_at")
    assert Interaction._base_manager.count() == 1


# Pipeline ---------------------------------------------------------------------------------
def test_support_has_no_pipeline(ui_as):
    ui = ui_as("support")
    assert ui.get("/sales/pipeline/").status_code == 403


def test_opportunity_created_from_the_party_page(ui_as, make_company):
    company = make_company()
    ui = ui_as("sales")
    page = ui.get(f"/sales/pipeline/parties/{company.pk}/opportunities/new/")
    bad = ui.post(
        f"/sales/pipeline/parties/{company.pk}/opportunities/new/",
        {"title": "Fours", "amount": "x"},
    )
    assert bad.status_code == 200
    assert form_errors(bad, "amount")
    stage = page.context["form"].fields["stage"].choices[1][0]
    response = ui.post(
        f"/sales/pipeline/parties/{company.pk}/opportunities/new/",
        {"title": "Fours", "amount": "1 234,565", "stage": stage},
    )
    assert response.status_code == 302
    opportunity = Opportunity._base_manager.get(party=company)
    assert opportunity.amount == Decimal("1234.57")
    assert opportunity.stage_id == stage


def test_board_moves_an_opportunity_with_htmx(ui_as, make_company, actor):
    company = make_company()
    opportunity = sales_services.opportunity_create(
        actor=actor, party=company, title="Vitrines", amount="8000"
    )
    ui = ui_as("sales")
    board = ui.get("/sales/pipeline/")
    assert board.status_code == 200
    target = PipelineStage._base_manager.get(organisation=company.organisation, is_won=True)
    response = ui.post(
        f"/sales/pipeline/{opportunity.pk}/move/",
        {f"o{opportunity.pk}-stage": target.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="pipeline">')
    assert "<html" not in html
    opportunity.refresh_from_db()
    assert opportunity.stage == target and opportunity.probability == 100
    won = next(row for row in response.context["funnel"] if row.stage == target)
    assert (won.count, won.total, won.weighted) == (1, Decimal("8000.00"), Decimal("8000.00"))

    # Without htmx: a redirect back to the board; a stage of another
    # organisation is not a choice.
    response = ui.post(
        f"/sales/pipeline/{opportunity.pk}/move/", {f"o{opportunity.pk}-stage": 999999}
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == target


def test_auditor_sees_the_board_but_cannot_move(ui_as, make_company, actor):
    company = make_company()
    opportunity = sales_services.opportunity_create(
        actor=actor, party=company, title="Comptoirs", amount="500"
    )
    ui = ui_as("auditor")
    page = ui.get("/sales/pipeline/")
    assert page.status_code == 200
    assert "Comptoirs" in page.content.decode()
    assert "/move/" not in page.content.decode()
    stage = PipelineStage._base_manager.filter(organisation=company.organisation).last()
    response = ui.post(f"/sales/pipeline/{opportunity.pk}/move/", {"o-stage": stage.pk})
    assert response.status_code == 403


def test_visiting_an_empty_pipeline_writes_nothing_but_its_audit_event(ui_as):
    ui = ui_as("auditor")
    before = counts()
    page = ui.get("/sales/pipeline/")
    assert page.status_code == 200
    assert page.context["columns"] == []
    assert not PipelineStage._base_manager.exists()
    assert counts() == {**before, "AuditEvent": before["AuditEvent"] + 1}


@pytest.mark.parametrize(
    "path",
    [
        "/parties/new/company/",
        "/parties/new/individual/",
        "/parties/{company}/edit/",
        "/parties/{company}/contacts/new/",
        "/parties/contacts/{person}/edit/",
        "/parties/{company}/interactions/new/",
        "/sales/pipeline/parties/{company}/opportunities/new/",
    ],
)
def test_every_form_page_has_a_title_and_labels_every_field(
    ui_as, make_company, make_contact, path
):
    company = make_company()
    person = make_contact(company)
    assert_titled_and_labelled(
        ui_as("sales").get(path.format(company=company.pk, person=person.pk))
    )
