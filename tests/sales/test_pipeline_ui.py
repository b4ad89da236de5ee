"""The pipeline's settings and edit pages through Django's test client: the stages
page, a stage's and an opportunity's edit, who may use them, errors beside their
fields with nothing written, and the audit journal."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils.html import escape
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.sales import services
from comptoir.sales.models import Opportunity, PipelineStage
from comptoir.tenancy.models import Membership
from tests.pages import assert_titled_and_labelled
from tests.parties import conftest as parties_fixtures

# The parties' fixtures (a sales actor, generated companies, fresh key caches).
actor = parties_fixtures.actor
make_company = parties_fixtures.make_company
_fresh_key_caches = parties_fixtures._fresh_key_caches
counts = parties_fixtures.counts

fr = Faker("fr_FR")

STAGES = "/sales/pipeline/stages/"
NEW_STAGE = "/sales/pipeline/stages/new/"
STAGE = "sales.pipelinestage"
OPPORTUNITY = "sales.opportunity"


def stage_edit(stage) -> str:
    return f"/sales/pipeline/stages/{stage.pk}/edit/"


def opportunity_edit(opportunity) -> str:
    return f"/sales/pipeline/opportunities/{opportunity.pk}/edit/"


def stage_name() -> str:
    return f"{fr.word().capitalize()} {fr.word()} {fr.random_int(100, 999)}"


def form_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def events(action: str, object_type: str, object_id=None):
    found = AuditEvent.objects.filter(action=action, object_type=object_type)
    if object_id is not None:
        found = found.filter(object_id=str(object_id))
    return found


def stage_post(**fields) -> dict:
    data = {"name": stage_name(), "probability": "30"}
    data.update({name: value for name, value in fields.items() if value is not None})
    return data


def opportunity_post(opportunity: Opportunity, **fields) -> dict:
    data = {
        "title": opportunity.title,
        "amount": str(opportunity.amount),
        "probability": str(opportunity.probability),
    }
    data.update(fields)
    return data


@pytest.fixture
def opportunity(make_company, actor) -> Opportunity:
    return services.opportunity_create(
        actor=actor, party=make_company(), title=fr.catch_phrase()[:200], amount="2500"
    )


def stage_values(organisation) -> list[tuple]:
    return list(
        PipelineStage._base_manager.filter(organisation=organisation)
        .order_by("pk")
        .values_list("name", "position", "probability", "is_won", "is_lost")
    )


def opportunity_values(opportunity: Opportunity) -> tuple:
    opportunity.refresh_from_db()
    return (
        opportunity.title,
        opportunity.amount,
        opportunity.probability,
        opportunity.expected_close_on,
        opportunity.owner_id,
    )


# Stages -------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["owner", "admin", "sales"])
def test_a_sales_manager_adds_a_stage_edits_it_and_the_board_shows_it(world, ui_as, role):
    ui = ui_as(role)
    board = ui.get("/sales/pipeline/")
    assert f'href="{STAGES}"' in board.content.decode()

    page = ui.get(STAGES)
    assert page.status_code == 200
    assert f'action="{NEW_STAGE}"' in page.content.decode()
    assert not PipelineStage._base_manager.exists()  # a visit creates nothing

    name = stage_name()
    response = ui.post(NEW_STAGE, stage_post(name=name, probability="35"))
    assert response.status_code == 302
    assert response["Location"] == STAGES
    stage = PipelineStage._base_manager.get(name=name)
    assert stage.organisation == world.org_a
    assert (stage.probability, stage.is_won, stage.is_lost) == (35, False, False)
    # The default stages came first; the new one goes after the last of them.
    others = PipelineStage._base_manager.filter(organisation=world.org_a).exclude(pk=stage.pk)
    assert others.count() == 6
    assert stage.position > max(others.values_list("position", flat=True))
    created = events(Action.CREATE, STAGE, stage.pk).get()
    assert created.actor_user_id == world.member(role).pk

    listed = ui.get(STAGES).content.decode()
    assert escape(name) in listed  # a generated word may hold an apostrophe
    assert f'href="{stage_edit(stage)}"' in listed

    page = ui.get(stage_edit(stage))
    assert page.status_code == 200
    assert page.context["form"]["name"].value() == name
    assert page.context["form"]["probability"].value() == 35

    renamed = stage_name()
    response = ui.post(
        stage_edit(stage),
        {"name": renamed, "position": "1", "probability": "100", "is_won": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == STAGES
    stage.refresh_from_db()
    assert (stage.name, stage.position, stage.probability, stage.is_won, stage.is_lost) == (
        renamed,
        1,
        100,
        True,
        False,
    )
    updated = events(Action.UPDATE, STAGE, stage.pk).get()
    assert updated.fields == ["is_won", "name", "position", "probability"]

    board = ui.get("/sales/pipeline/")
    first = board.context["columns"][0][0]
    assert first.stage == stage
    assert escape(renamed) in board.content.decode()


def test_a_stage_is_placed_where_its_order_says(world, ui_as):
    ui = ui_as("sales")
    name = stage_name()
    assert ui.post(NEW_STAGE, stage_post(name=name, position="15")).status_code == 302
    stage = PipelineStage._base_manager.get(name=name)
    assert stage.position == 15
    names = [s.name for s in PipelineStage._base_manager.filter(organisation=world.org_a)]
    assert names.index(name) == 1  # between the defaults at 10 and 20


def test_stage_errors_are_shown_beside_their_fields_and_nothing_is_written(world, ui_as, actor):
    stages = services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)
    stage, other = stages[0], stages[1]
    ui = ui_as("sales")
    before, audited = stage_values(world.org_a), AuditEvent.objects.count()

    cases = [
        (stage_post(name=other.name), "name"),
        (stage_post(probability="150"), "probability"),
        (stage_post(probability="-1"), "probability"),
        (stage_post(name=""), "name"),
        (stage_post(is_won="on", is_lost="on"), "is_lost"),
    ]
    for data, field in cases:
        response = ui.post(NEW_STAGE, data)
        assert response.status_code == 200, data
        assert form_errors(response, field), data
        assert "form-errors" in response.content.decode()

    edits = [
        ({"name": other.name, "position": "10", "probability": "10"}, "name"),
        ({"name": stage.name, "position": "", "probability": "10"}, "position"),
        ({"name": stage.name, "position": "10", "probability": "101"}, "probability"),
    ]
    for data, field in edits:
        response = ui.post(stage_edit(stage), data)
        assert response.status_code == 200, data
        assert form_errors(response, field), data

    assert stage_values(world.org_a) == before
    assert AuditEvent.objects.count() == audited


def test_a_first_stage_refused_does_not_create_the_defaults(world, ui_as):
    response = ui_as("sales").post(NEW_STAGE, stage_post(probability="150"))
    assert response.status_code == 200
    assert form_errors(response, "probability")
    assert not PipelineStage._base_manager.exists()
    assert not events(Action.CREATE, STAGE).exists()


@pytest.mark.parametrize("role", ["accountant", "auditor"])
def test_sales_readers_see_the_stages_but_cannot_change_them(world, ui_as, actor, role):
    stage = services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)[0]
    ui = ui_as(role)
    page = ui.get(STAGES)
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(stage.name) in html
    assert NEW_STAGE not in html and "/edit/" not in html
    before = stage_values(world.org_a)
    assert ui.post(NEW_STAGE, stage_post()).status_code == 403
    assert ui.get(stage_edit(stage)).status_code == 403
    assert ui.post(stage_edit(stage), stage_post(position="1")).status_code == 403
    assert stage_values(world.org_a) == before


@pytest.mark.parametrize("role", ["accountant", "auditor", "support"])
def test_roles_without_sales_manage_cannot_edit_an_opportunity(ui_as, opportunity, role):
    ui = ui_as(role)
    before = opportunity_values(opportunity)
    assert ui.get(opportunity_edit(opportunity)).status_code == 403
    response = ui.post(opportunity_edit(opportunity), opportunity_post(opportunity, amount="1"))
    assert response.status_code == 403
    assert opportunity_values(opportunity) == before


def test_support_has_no_stages_page(ui_as):
    ui = ui_as("support")
    assert ui.get(STAGES).status_code == 403
    assert ui.post(NEW_STAGE, stage_post()).status_code == 403
    assert not PipelineStage._base_manager.exists()


def test_another_organisation_s_stage_and_opportunity_are_not_found(world, ui_as, make_company):
    theirs = services.opportunity_create(
        actor=Actor.user(world.owner_b.pk),
        party=make_company(world.org_b),
        title="Vitrines",
        amount="900",
    )
    their_stage = theirs.stage
    stages_before = stage_values(world.org_b)
    values_before = opportunity_values(theirs)
    ui = ui_as("sales")
    assert ui.get(stage_edit(their_stage)).status_code == 404
    assert ui.post(stage_edit(their_stage), stage_post(position="1")).status_code == 404
    assert ui.get(opportunity_edit(theirs)).status_code == 404
    response = ui.post(opportunity_edit(theirs), opportunity_post(theirs, amount="1"))
    assert response.status_code == 404
    assert stage_values(world.org_b) == stages_before
    assert opportunity_values(theirs) == values_before
    # Nor are their stages listed in ours.
    assert list(ui.get(STAGES).context["stages"]) == []


# Opportunities ---------------------------------------------------------------------------
def test_editing_an_opportunity_changes_it_and_is_audited(world, ui_as, opportunity):
    ui = ui_as("sales")
    page = ui.get(opportunity_edit(opportunity))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["title"].value() == opportunity.title
    assert Decimal(form["amount"].value()) == Decimal("2500.00")
    assert form["probability"].value() == opportunity.probability
    assert "stage" not in form.fields  # the stage moves on the board
    assert escape(opportunity.stage.name) in page.content.decode()
    assert events(Action.READ, OPPORTUNITY, opportunity.pk).count() == 1

    owner = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    title = fr.catch_phrase()[:200]
    response = ui.post(
        opportunity_edit(opportunity),
        {
            "title": title,
            "amount": "1 500,505",
            "probability": "60",
            "expected_close_on": "2031-03-15",
            "owner": owner.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/parties/{opportunity.party_id}/"
    assert opportunity_values(opportunity) == (
        title,
        Decimal("1500.51"),
        60,
        date(2031, 3, 15),
        owner.pk,
    )
    updated = events(Action.UPDATE, OPPORTUNITY, opportunity.pk).get()
    assert updated.fields == ["amount", "expected_close_on", "owner", "probability", "title"]
    assert updated.actor_user_id == world.member("sales").pk


def test_an_opportunity_edited_from_the_board_goes_back_to_it(ui_as, opportunity):
    ui = ui_as("sales")
    board = ui.get("/sales/pipeline/").content.decode()
    link = f"{opportunity_edit(opportunity)}?from=pipeline"
    assert f'href="{link}"' in board
    page = ui.get(link)
    assert 'href="/sales/pipeline/">' in page.content.decode()  # cancel
    response = ui.post(link, opportunity_post(opportunity, probability="80"))
    assert response.status_code == 302
    assert response["Location"] == "/sales/pipeline/"
    opportunity.refresh_from_db()
    assert opportunity.probability == 80


def test_the_party_page_links_to_the_edit_for_sales_only(ui_as, opportunity):
    link = f'href="{opportunity_edit(opportunity)}"'
    assert link in ui_as("sales").get(f"/parties/{opportunity.party_id}/").content.decode()
    assert link not in ui_as("auditor").get(f"/parties/{opportunity.party_id}/").content.decode()
    board = ui_as("auditor").get("/sales/pipeline/").content.decode()
    assert opportunity_edit(opportunity) not in board


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "-10"}, "amount"),
        ({"amount": "beaucoup"}, "amount"),
        ({"probability": "101"}, "probability"),
        ({"probability": "-5"}, "probability"),
        ({"probability": ""}, "probability"),
        ({"title": ""}, "title"),
        ({"expected_close_on": "31/02/2030"}, "expected_close_on"),
    ],
)
def test_bad_opportunity_input_is_shown_beside_its_field_and_nothing_changes(
    ui_as, opportunity, fields, field
):
    before, written = opportunity_values(opportunity), counts()
    response = ui_as("sales").post(
        opportunity_edit(opportunity), opportunity_post(opportunity, **fields)
    )
    assert response.status_code == 200
    assert form_errors(response, field)
    assert f'id="id_{field}"' in response.content.decode()
    assert opportunity_values(opportunity) == before
    assert counts() == written
    assert not events(Action.UPDATE, OPPORTUNITY, opportunity.pk).exists()


def test_an_owner_of_another_organisation_is_refused(world, ui_as, opportunity):
    foreign = Membership.objects.of(world.org_b).get()
    before = opportunity_values(opportunity)
    response = ui_as("sales").post(
        opportunity_edit(opportunity), opportunity_post(opportunity, owner=foreign.pk)
    )
    assert response.status_code == 200
    assert form_errors(response, "owner")
    assert opportunity_values(opportunity) == before


def test_saving_unchanged_values_writes_no_update(ui_as, opportunity):
    response = ui_as("sales").post(opportunity_edit(opportunity), opportunity_post(opportunity))
    assert response.status_code == 302
    assert not events(Action.UPDATE, OPPORTUNITY).exists()


@pytest.mark.parametrize("path", ["stages", "stage", "opportunity"])
def test_the_new_pages_have_a_title_and_label_every_field(world, ui_as, opportunity, path):
    url = {
        "stages": STAGES,
        "stage": stage_edit(opportunity.stage),
        "opportunity": opportunity_edit(opportunity),
    }[path]
    assert_titled_and_labelled(ui_as("sales").get(url))


def test_the_pipeline_lives_under_sales_and_the_old_addresses_follow_it(ui_as, opportunity):
    ui = ui_as("sales")
    for old, new in (
        ("/parties/pipeline/", "/sales/pipeline/"),
        ("/parties/pipeline/stages/", "/sales/pipeline/stages/"),
    ):
        moved = ui.get(old)
        assert (moved.status_code, moved["Location"]) == (301, new)
    board = ui.get("/sales/pipeline/").content.decode()
    assert f'id="opportunity-{opportunity.pk}"' in board
    # The navigation marks the pipeline as the current page, not the parties.
    assert 'href="/sales/pipeline/" aria-current="page"' in board
    assert 'href="/parties/" aria-current="page"' not in board
    edit = ui.get(opportunity_edit(opportunity)).content.decode()
    assert 'href="/sales/pipeline/" aria-current="page"' in edit
