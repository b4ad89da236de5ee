"""Reads of the sales pipeline: stages, opportunities, the board, the funnel and
the dashboard's summary; always within one organisation."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet

from comptoir.core.money import to_cents
from comptoir.parties.models import Party
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.tenancy.models import Membership, Organisation


def pipeline_stage_list(*, organisation: Organisation) -> QuerySet[PipelineStage]:
    return PipelineStage.objects.of(organisation).order_by("position", "pk")


def opportunity_list(
    *,
    organisation: Organisation,
    stage: PipelineStage | None = None,
    owner: Membership | None = None,
    party: Party | None = None,
) -> QuerySet[Opportunity]:
    opportunities = Opportunity.objects.of(organisation).select_related(
        "party__data_subject", "stage", "owner__user"
    )
    for name, value in (("stage", stage), ("owner", owner), ("party", party)):
        if value is not None:
            opportunities = opportunities.filter(**{name: value})
    return opportunities.order_by("stage__position", "expected_close_on", "pk")


@dataclass(frozen=True)
class BoardColumn:
    stage: PipelineStage
    opportunities: list[Opportunity]


def opportunity_board(*, organisation: Organisation) -> list[BoardColumn]:
    """Every stage in order with its opportunities (empty stages included)."""
    by_stage: dict[int, list[Opportunity]] = {}
    for opportunity in opportunity_list(organisation=organisation):
        by_stage.setdefault(opportunity.stage_id, []).append(opportunity)
    return [
        BoardColumn(stage, by_stage.get(stage.pk, []))
        for stage in pipeline_stage_list(organisation=organisation)
    ]


@dataclass(frozen=True)
class FunnelRow:
    stage: PipelineStage
    count: int
    total: Decimal
    weighted: Decimal  # sum of amount x probability, to the cent


def pipeline_funnel(*, organisation: Organisation) -> list[FunnelRow]:
    """Per stage: how many opportunities, their total and their weighted amount.

    The weighted amount is summed exactly (Decimal, in Python: SQLite has no
    decimal arithmetic) and quantised once, to the cent, ROUND_HALF_UP.
    """
    sums: dict[int, tuple[int, Decimal, Decimal]] = {}
    rows = Opportunity.objects.of(organisation).values_list("stage_id", "amount", "probability")
    for stage_id, amount, probability in rows:
        count, total, weighted = sums.get(stage_id, (0, Decimal(0), Decimal(0)))
        sums[stage_id] = (count + 1, total + amount, weighted + amount * probability / 100)
    funnel = []
    for stage in pipeline_stage_list(organisation=organisation):
        count, total, weighted = sums.get(stage.pk, (0, Decimal(0), Decimal(0)))
        funnel.append(FunnelRow(stage, count, to_cents(total), to_cents(weighted)))
    return funnel


# Dashboard -------------------------------------------------------------------
@dataclass(frozen=True)
class PipelineSummary:
    count: int
    total: Decimal
    weighted: Decimal


def pipeline_open_summary(*, organisation: Organisation) -> PipelineSummary:
    """The opportunities still open (in a stage neither won nor lost): how many,
    their total and their weighted amount, the sums of the funnel's open rows
    (so they add up to what the pipeline page shows)."""
    rows = [row for row in pipeline_funnel(organisation=organisation) if not row.stage.is_closed]
    return PipelineSummary(
        count=sum(row.count for row in rows),
        total=sum((row.total for row in rows), Decimal("0.00")),
        weighted=sum((row.weighted for row in rows), Decimal("0.00")),
    )


def opportunity_open_list(
    *, organisation: Organisation, owner: Membership | None = None
) -> QuerySet[Opportunity]:
    """Open opportunities (not in a won or lost stage), the next expected to close first."""
    return (
        opportunity_list(organisation=organisation, owner=owner)
        .filter(stage__is_won=False, stage__is_lost=False)
        .order_by(F("expected_close_on").asc(nulls_last=True), "pk")
    )
