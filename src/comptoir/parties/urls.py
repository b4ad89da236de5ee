from django.urls import path

from comptoir.parties import views

app_name = "parties"

urlpatterns = [
    path("", views.party_list, name="party_list"),
    path("search/", views.party_search, name="party_search"),
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
]
