from django.urls import path

from comptoir.parties import people_views, views

app_name = "parties"

urlpatterns = [
    path("", views.party_list, name="party_list"),
    path("search/", views.party_search, name="party_search"),
    path("contacts/", people_views.contact_person_list, name="contact_person_list"),
    path("new/<str:kind>/", views.party_create, name="party_create"),
    path("<int:party_id>/", views.party_detail, name="party_detail"),
    path("<int:party_id>/edit/", views.party_edit, name="party_edit"),
    path("<int:party_id>/contacts/new/", views.contact_person_create, name="contact_person_create"),
    path(
        "contacts/<int:contact_person_id>/edit/",
        views.contact_person_edit,
        name="contact_person_edit",
    ),
    path("<int:party_id>/interactions/new/", views.interaction_create, name="interaction_create"),
    path("<int:party_id>/opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/<int:opportunity_id>/move/", views.opportunity_move, name="opportunity_move"),
    path(
        "opportunities/<int:opportunity_id>/edit/", views.opportunity_edit, name="opportunity_edit"
    ),
    path("pipeline/stages/", views.pipeline_stages, name="pipeline_stages"),
    path("pipeline/stages/new/", views.pipeline_stage_create, name="pipeline_stage_create"),
    path(
        "pipeline/stages/<int:stage_id>/edit/",
        views.pipeline_stage_edit,
        name="pipeline_stage_edit",
    ),
]
