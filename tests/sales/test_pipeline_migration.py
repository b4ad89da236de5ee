"""The pipeline moved from the parties app to sales (issue #12) with its rows:
a database holding stages and an opportunity from before the move finds them
afterwards, in the renamed tables, through the sales models and services; the
journal keeps its old object types and its chain stays valid; and the move
undoes (the rows go back to the parties tables)."""

from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor, audit_record, audit_verify
from comptoir.ops.demo import fake_siren
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.sales import selectors, services
from comptoir.sales.models import Opportunity, PipelineStage

fr = Faker("fr_FR")
BEFORE = [("parties", "0009_text_lengths"), ("sales", "0001_initial")]


def migrate(targets=None):
    """Migrate to ``targets`` (default: every app's latest), and the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def constraint_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_an_opportunity_from_before_the_move_is_found_after_it(transactional_db, world):
    actor = Actor.user(world.member("sales").pk)
    party = parties.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
    )
    title = fr.catch_phrase()[:100]

    old = migrate(BEFORE)
    assert {"parties_pipelinestage", "parties_opportunity"} <= tables()
    assert not {"sales_pipelinestage", "sales_opportunity"} & tables()
    old_stage = old.get_model("parties", "PipelineStage")._default_manager.create(
        organisation_id=world.org_a.pk, name="Proposition", position=10, probability=40
    )
    won = old.get_model("parties", "PipelineStage")._default_manager.create(
        organisation_id=world.org_a.pk, name="Gagné", position=20, probability=100, is_won=True
    )
    old_opportunity = old.get_model("parties", "Opportunity")._default_manager.create(
        organisation_id=world.org_a.pk,
        party_id=party.pk,
        title=title,
        amount=Decimal("1234.56"),
        probability=40,
        stage_id=old_stage.pk,
    )
    # The journal of that time named the parties' model.
    audit_record(
        actor=actor,
        action=Action.CREATE,
        organisation_id=world.org_a.pk,
        object_type="parties.opportunity",
        object_id=old_opportunity.pk,
        fields=["title", "amount"],
    )

    migrate()
    assert {"sales_pipelinestage", "sales_opportunity"} <= tables()
    assert not {"parties_pipelinestage", "parties_opportunity"} & tables()
    assert "sales_oppor_organis_6cc281_idx" in constraint_names("sales_opportunity")
    assert "one_stage_per_name" in constraint_names("sales_pipelinestage")

    found = selectors.opportunity_list(organisation=world.org_a, party=party).get()
    assert (found.pk, found.title, found.amount) == (old_opportunity.pk, title, Decimal("1234.56"))
    assert found.stage == PipelineStage.objects.of(world.org_a).get(pk=old_stage.pk)
    assert found.weighted_amount == Decimal("493.82")
    assert [party.pk] == list(party.opportunities.values_list("party_id", flat=True))

    # The services carry on: a move, and a new row numbered after the old ones.
    services.opportunity_move(
        actor=actor, opportunity=found, stage=PipelineStage.objects.of(world.org_a).get(pk=won.pk)
    )
    new = services.opportunity_create(actor=actor, party=party, title="Suite", amount="10")
    assert new.pk > found.pk
    assert Opportunity.objects.of(world.org_a).count() == 2

    # The history keeps its words, the new events the new ones; the chain holds.
    types = list(
        AuditEvent.objects.filter(object_type__endswith=".opportunity")
        .order_by("seq")
        .values_list("object_type", flat=True)
    )
    assert types == ["parties.opportunity", "sales.opportunity", "sales.opportunity"]
    assert all(report.ok for report in audit_verify())

    # Undone: the rows go back to the parties tables.
    old = migrate(BEFORE)
    rows = old.get_model("parties", "Opportunity")._default_manager.order_by("pk")
    assert list(rows.values_list("title", "stage_id")) == [(title, won.pk), ("Suite", new.stage_id)]
    migrate()
    assert Opportunity.objects.of(world.org_a).count() == 2
