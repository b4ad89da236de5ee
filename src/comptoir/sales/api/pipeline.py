"""Pipeline stages, opportunities, the board and the funnel (``/api/pipeline`` and
``/api/opportunities``, their paths unchanged since the pipeline moved from the
parties app to sales)."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list, record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.parties import selectors as parties
from comptoir.parties.api.common import body_names, member, one
from comptoir.sales import selectors, services
from comptoir.sales.api.pipeline_schemas import (
    BoardColumnOut,
    FunnelRowOut,
    MoveIn,
    OpportunityFilter,
    OpportunityIn,
    OpportunityOut,
    OpportunityPatch,
    StageIn,
    StageOut,
    StagePatch,
)
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.tenancy.roles import Permission

STAGE = PipelineStage._meta.label_lower
OPPORTUNITY = Opportunity._meta.label_lower

pipeline_router = Router(tags=["pipeline"])
opportunities_router = Router(tags=["pipeline"])


def stage_of(request, pk: int | None, field: str = "stage_id") -> PipelineStage | None:
    return one(selectors.pipeline_stage_list(organisation=request.organisation), pk, field)


def opportunity_of(request, opportunity_id: int) -> Opportunity:
    return selectors.opportunity_list(organisation=request.organisation).get(pk=opportunity_id)


# Pipeline stages, board and funnel ------------------------------------------------------
@pipeline_router.get("/stages", response={200: list[StageOut], **ERRORS})
@paginate
def stage_list(request):
    """The organisation's stages in order (the default set appears with the first
    opportunity or stage created)."""
    require(request, Permission.SALES_VIEW)
    record_list_page(request, object_type=STAGE)
    return selectors.pipeline_stage_list(organisation=request.organisation)


@pipeline_router.post("/stages", response={201: StageOut, **ERRORS})
def stage_create(request, payload: StageIn):
    require(request, Permission.SALES_MANAGE)
    stage = services.pipeline_stage_create(
        actor=request_actor(request), organisation=request.organisation, **payload.dict()
    )
    return Status(201, stage)


@pipeline_router.get("/stages/{int:stage_id}", response={200: StageOut, **ERRORS})
def stage_detail(request, stage_id: int):
    require(request, Permission.SALES_VIEW)
    stage = selectors.pipeline_stage_list(organisation=request.organisation).get(pk=stage_id)
    record_read(request, object_type=STAGE, object_id=stage.pk, subjects=())
    return stage


@pipeline_router.patch("/stages/{int:stage_id}", response={200: StageOut, **ERRORS})
def stage_patch(request, stage_id: int, payload: StagePatch):
    require(request, Permission.SALES_MANAGE)
    stage = selectors.pipeline_stage_list(organisation=request.organisation).get(pk=stage_id)
    return services.pipeline_stage_update(
        actor=request_actor(request), stage=stage, **payload.dict(exclude_unset=True)
    )


@pipeline_router.get("/board", response={200: list[BoardColumnOut], **ERRORS})
def board(request):
    """Every stage in order with its opportunities."""
    require(request, Permission.SALES_VIEW)
    board = selectors.opportunity_board(organisation=request.organisation)
    shown = [opportunity for column in board for opportunity in column.opportunities]
    record_list(request, object_type=OPPORTUNITY, subjects=subjects_of(shown))
    return board


@pipeline_router.get("/funnel", response={200: list[FunnelRowOut], **ERRORS})
def funnel(request):
    """Per stage: the number of opportunities, their total and weighted amounts."""
    require(request, Permission.SALES_VIEW)
    record_list(request, object_type=OPPORTUNITY, subjects=())  # figures only, no party named
    return selectors.pipeline_funnel(organisation=request.organisation)


# Opportunities ----------------------------------------------------------------------
@opportunities_router.get("", response={200: list[OpportunityOut], **ERRORS})
@paginate
def opportunity_list(request, filters: Query[OpportunityFilter]):
    require(request, Permission.SALES_VIEW)
    organisation = request.organisation
    party = one(parties.party_list(organisation=organisation), filters.party_id, "party_id")
    stage = stage_of(request, filters.stage_id)
    owner = member(request, filters.owner_id, "owner_id")
    record_list_page(request, object_type=OPPORTUNITY)
    return selectors.opportunity_list(
        organisation=organisation, party=party, stage=stage, owner=owner
    )


@opportunities_router.post("", response={201: OpportunityOut, **ERRORS})
def opportunity_create(request, payload: OpportunityIn):
    require(request, Permission.SALES_MANAGE)
    organisation = request.organisation
    party = one(parties.party_list(organisation=organisation), payload.party_id, "party_id")
    with body_names():
        opportunity = services.opportunity_create(
            actor=request_actor(request),
            party=party,
            title=payload.title,
            amount=payload.amount,
            stage=stage_of(request, payload.stage_id),
            probability=payload.probability,
            expected_close_on=payload.expected_close_on,
            owner=member(request, payload.owner_id, "owner_id"),
        )
    return Status(201, opportunity)


@opportunities_router.get("/{int:opportunity_id}", response={200: OpportunityOut, **ERRORS})
def opportunity_detail(request, opportunity_id: int):
    require(request, Permission.SALES_VIEW)
    opportunity = opportunity_of(request, opportunity_id)
    record_read(
        request,
        object_type=OPPORTUNITY,
        object_id=opportunity.pk,
        subjects=subjects_of([opportunity]),
    )
    return opportunity


@opportunities_router.patch("/{int:opportunity_id}", response={200: OpportunityOut, **ERRORS})
def opportunity_patch(request, opportunity_id: int, payload: OpportunityPatch):
    require(request, Permission.SALES_MANAGE)
    opportunity = opportunity_of(request, opportunity_id)
    changes = payload.dict(exclude_unset=True)
    if "owner_id" in changes:
        changes["owner"] = member(request, changes.pop("owner_id"), "owner_id")
    with body_names():
        return services.opportunity_update(
            actor=request_actor(request), opportunity=opportunity, **changes
        )


@opportunities_router.post("/{int:opportunity_id}/move", response={200: OpportunityOut, **ERRORS})
def opportunity_move(request, opportunity_id: int, payload: MoveIn):
    """Move to another stage; the probability becomes the stage's unless one is given."""
    require(request, Permission.SALES_MANAGE)
    opportunity = opportunity_of(request, opportunity_id)
    with body_names():
        return services.opportunity_move(
            actor=request_actor(request),
            opportunity=opportunity,
            stage=stage_of(request, payload.stage_id),
            probability=payload.probability,
        )
