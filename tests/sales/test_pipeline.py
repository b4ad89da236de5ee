"""Stages per organisation, opportunities, money to the cent, board and funnel."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import Action, AuditEvent
from comptoir.sales import selectors, services
from comptoir.sales.models import PipelineStage
from tests.parties import conftest as parties_fixtures

# The parties' fixtures (a sales actor, generated companies, fresh key caches).
actor = parties_fixtures.actor
make_company = parties_fixtures.make_company
_fresh_key_caches = parties_fixtures._fresh_key_caches
counts = parties_fixtures.counts


@pytest.fixture
def stages(world, actor):
    return services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)


def test_the_default_stages_are_created_once_per_organisation(world, actor, stages):
    assert [(s.probability, s.is_won, s.is_lost) for s in stages] == [
        (10, False, False),
        (25, False, False),
        (50, False, False),
        (75, False, False),
        (100, True, False),
        (0, False, True),
    ]
    again = services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)
    assert again == stages
    assert not PipelineStage.objects.of(world.org_b).exists()
    setup = AuditEvent.objects.filter(object_type="sales.pipelinestage")
    assert setup.count() == 1


def test_a_first_opportunity_sets_the_stages_up(world, actor, make_company):
    opportunity = services.opportunity_create(
        actor=actor, party=make_company(), title="Équipement atelier", amount="1200"
    )
    first = selectors.pipeline_stage_list(organisation=world.org_a).first()
    assert (opportunity.stage, opportunity.probability) == (first, first.probability)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.005", Decimal("10.01")),
        ("2.675", Decimal("2.68")),  # a float would give 2.67
        (Decimal("0.125"), Decimal("0.13")),
        ("1 234,5", Decimal("1234.50")),
        (7, Decimal("7.00")),
    ],
)
def test_amounts_are_quantised_to_the_cent_half_up(world, actor, make_company, given, stored):
    opportunity = services.opportunity_create(
        actor=actor, party=make_company(), title="Devis", amount=given
    )
    opportunity.refresh_from_db()
    assert opportunity.amount == stored


@pytest.mark.parametrize(
    ("amount", "field"),
    [(2.675, "amount"), ("douze", "amount"), ("-5", "amount"), ("NaN", "amount")],
)
def test_bad_amounts_are_refused_and_nothing_is_written(world, actor, make_company, amount, field):
    party = make_company()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.opportunity_create(actor=actor, party=party, title="Devis", amount=amount)
    assert field in caught.value.message_dict
    assert counts() == before
    assert not PipelineStage.objects.of(world.org_a).exists()  # the setup rolled back too


def test_another_organisation_s_stage_is_refused(world, actor, make_company):
    foreign = services.pipeline_stages_ensure(actor=actor, organisation=world.org_b)[0]
    party = make_company()
    with pytest.raises(ValidationError) as caught:
        services.opportunity_create(actor=actor, party=party, title="X", amount="1", stage=foreign)
    assert "stage" in caught.value.message_dict
    opportunity = services.opportunity_create(actor=actor, party=party, title="X", amount="1")
    with pytest.raises(ValidationError) as caught:
        services.opportunity_move(actor=actor, opportunity=opportunity, stage=foreign)
    assert "stage" in caught.value.message_dict


def test_moving_takes_the_stage_s_probability_unless_one_is_given(
    world, actor, make_company, stages
):
    qualification, analysis, proposal, _negotiation, won, _lost = stages
    opportunity = services.opportunity_create(
        actor=actor, party=make_company(), title="Contrat", amount="5000", stage=qualification
    )
    moved = services.opportunity_move(actor=actor, opportunity=opportunity, stage=proposal)
    assert (moved.stage, moved.probability) == (proposal, 50)
    moved = services.opportunity_move(
        actor=actor, opportunity=moved, stage=analysis, probability=40
    )
    assert (moved.stage, moved.probability) == (analysis, 40)
    event = AuditEvent.objects.filter(object_type="sales.opportunity").latest("seq")
    assert (event.action, event.fields) == (Action.UPDATE, ["probability", "stage"])
    won_now = services.opportunity_move(actor=actor, opportunity=moved, stage=won)
    assert won_now.probability == 100


def test_board_and_funnel_per_stage(world, actor, make_company, stages):
    qualification, _analysis, proposal, _negotiation, won, _lost = stages
    party = make_company()
    for amount, stage, probability in (
        ("1000.00", qualification, None),  # weighted 100.00
        ("333.33", qualification, 15),  # weighted 49.9995
        ("2500.10", proposal, None),  # weighted 1250.05
        ("800", won, None),  # weighted 800.00
    ):
        services.opportunity_create(
            actor=actor,
            party=party,
            title="Affaire",
            amount=amount,
            stage=stage,
            probability=probability,
            expected_close_on=date(2026, 6, 30),
        )
    services.opportunity_create(  # another tenant's figures stay out
        actor=actor, party=make_company(world.org_b), title="Ailleurs", amount="99999"
    )
    funnel = {row.stage.pk: row for row in selectors.pipeline_funnel(organisation=world.org_a)}
    assert len(funnel) == 6
    row = funnel[qualification.pk]
    assert (row.count, row.total, row.weighted) == (2, Decimal("1333.33"), Decimal("150.00"))
    row = funnel[proposal.pk]
    assert (row.count, row.total, row.weighted) == (1, Decimal("2500.10"), Decimal("1250.05"))
    assert (funnel[won.pk].count, funnel[won.pk].weighted) == (1, Decimal("800.00"))
    assert funnel[stages[1].pk].count == 0 and funnel[stages[1].pk].total == Decimal("0.00")
    board = selectors.opportunity_board(organisation=world.org_a)
    assert [column.stage for column in board] == stages
    assert [len(column.opportunities) for column in board] == [2, 0, 1, 0, 1, 0]


def test_stage_setup_validates_names_and_flags(world, actor, stages):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.pipeline_stage_create(
            actor=actor, organisation=world.org_a, name=stages[0].name, probability=5
        )
    assert "name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.pipeline_stage_create(
            actor=actor,
            organisation=world.org_a,
            name="Perdu gagné",
            probability=101,
            is_won=True,
            is_lost=True,
        )
    assert {"probability", "is_lost"} <= set(caught.value.message_dict)
    assert counts() == before
    stage = services.pipeline_stage_create(
        actor=actor, organisation=world.org_a, name="Relance", probability=30
    )
    assert stage.position == stages[-1].position + 10
    renamed = services.pipeline_stage_update(actor=actor, stage=stage, name="Relance client")
    assert renamed.name == "Relance client"
    event = AuditEvent.objects.filter(object_type="sales.pipelinestage").latest("seq")
    assert (event.action, event.fields) == (Action.UPDATE, ["name"])
