"""The pipeline's pages, under ``/sales/pipeline/`` (in the ``sales`` namespace)."""

from django.urls import path

from comptoir.sales.views import pipeline as views

urlpatterns = [
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/<int:opportunity_id>/move/", views.opportunity_move, name="opportunity_move"),
    path(
        "pipeline/parties/<int:party_id>/opportunities/new/",
        views.opportunity_create,
        name="opportunity_create",
    ),
    path(
        "pipeline/opportunities/<int:opportunity_id>/edit/",
        views.opportunity_edit,
        name="opportunity_edit",
    ),
    path("pipeline/stages/", views.pipeline_stages, name="pipeline_stages"),
    path("pipeline/stages/new/", views.pipeline_stage_create, name="pipeline_stage_create"),
    path(
        "pipeline/stages/<int:stage_id>/edit/",
        views.pipeline_stage_edit,
        name="pipeline_stage_edit",
    ),
]
