"""See the modules of this package."""

# The sales pipeline (moved here from the parties app).
from comptoir.sales.selectors.pipeline import BoardColumn as BoardColumn
from comptoir.sales.selectors.pipeline import FunnelRow as FunnelRow
from comptoir.sales.selectors.pipeline import PipelineSummary as PipelineSummary
from comptoir.sales.selectors.pipeline import opportunity_board as opportunity_board
from comptoir.sales.selectors.pipeline import opportunity_list as opportunity_list
from comptoir.sales.selectors.pipeline import opportunity_open_list as opportunity_open_list
from comptoir.sales.selectors.pipeline import pipeline_funnel as pipeline_funnel
from comptoir.sales.selectors.pipeline import pipeline_open_summary as pipeline_open_summary
from comptoir.sales.selectors.pipeline import pipeline_stage_list as pipeline_stage_list
