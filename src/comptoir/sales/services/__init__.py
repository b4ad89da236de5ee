"""See the modules of this package."""

# The sales pipeline (moved here from the parties app).
from comptoir.sales.services.pipeline import opportunity_create as opportunity_create
from comptoir.sales.services.pipeline import opportunity_move as opportunity_move
from comptoir.sales.services.pipeline import opportunity_update as opportunity_update
from comptoir.sales.services.pipeline import pipeline_stage_create as pipeline_stage_create
from comptoir.sales.services.pipeline import pipeline_stage_update as pipeline_stage_update
from comptoir.sales.services.pipeline import pipeline_stages_ensure as pipeline_stages_ensure
