from django.urls import path
from django.views.generic import RedirectView

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
    # The pipeline moved to /sales/pipeline/ (issue #12): old bookmarks follow it.
    path("pipeline/", RedirectView.as_view(pattern_name="sales:pipeline", permanent=True)),
    path(
        "pipeline/stages/",
        RedirectView.as_view(pattern_name="sales:pipeline_stages", permanent=True),
    ),
]
