"""The schemas of the pipeline API: stages, opportunities, the board and the funnel."""

from ninja import Schema

from comptoir.api.modelschema import Id, model_schema
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.sales.pipeline_rules import OPPORTUNITY_FIELDS, STAGE_FIELDS


class _StageOutBase(Schema):
    id: int


StageOut = model_schema("StageOut", PipelineStage, STAGE_FIELDS, mode="out", base=_StageOutBase)
StagePatch = model_schema("StagePatch", PipelineStage, STAGE_FIELDS, mode="patch")
StageIn = model_schema(
    "StageIn",
    PipelineStage,
    STAGE_FIELDS,
    mode="in",
    info={
        "position": {
            "default": None,
            "nullable": True,
            "description": "default: after the last stage",
        }
    },
)

OpportunityPatch = model_schema("OpportunityPatch", Opportunity, OPPORTUNITY_FIELDS, mode="patch")
OpportunityIn = model_schema(
    "OpportunityIn",
    Opportunity,
    {"party", "stage", *OPPORTUNITY_FIELDS},
    mode="in",
    info={
        "stage": {
            "default": None,
            "nullable": True,
            "description": "default: the first open stage",
        },
        "probability": {"default": None, "nullable": True, "description": "default: the stage's"},
    },
)


MoveIn = model_schema(
    "MoveIn",
    Opportunity,
    {"stage", "probability"},
    mode="in",
    info={
        "probability": {
            "default": None,
            "nullable": True,
            "description": "default: the new stage's",
        }
    },
)


class _OpportunityOutBase(Schema):
    id: int
    party_name: str
    weighted_amount: str

    @staticmethod
    def resolve_party_name(obj) -> str:
        return obj.party.display_name

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_weighted_amount(obj) -> str:
        return str(obj.weighted_amount)


OpportunityOut = model_schema(
    "OpportunityOut",
    Opportunity,
    {"party", "stage", *OPPORTUNITY_FIELDS, "created_at", "updated_at"},
    mode="out",
    base=_OpportunityOutBase,
)


class OpportunityFilter(Schema):
    party_id: Id | None = None
    stage_id: Id | None = None
    owner_id: Id | None = None


class BoardColumnOut(Schema):
    stage: StageOut
    opportunities: list[OpportunityOut]


class FunnelRowOut(Schema):
    stage: StageOut
    count: int
    total: str
    weighted: str

    @staticmethod
    def resolve_total(obj) -> str:
        return str(obj.total)

    @staticmethod
    def resolve_weighted(obj) -> str:
        return str(obj.weighted)
