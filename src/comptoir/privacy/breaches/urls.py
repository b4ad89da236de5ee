from django.urls import path

from comptoir.privacy.breaches import views

app_name = "breaches"

urlpatterns = [
    path("", views.breach_list, name="list"),
    path("new/", views.breach_create, name="create"),
    path("<int:breach_id>/", views.breach_detail, name="detail"),
    path("<int:breach_id>/edit/", views.breach_edit, name="edit"),
    path("<int:breach_id>/draft/", views.breach_draft, name="draft"),
    path("<int:breach_id>/draft.pdf", views.breach_draft_pdf, name="draft_pdf"),
    path("<int:breach_id>/<slug:action>/", views.breach_action, name="action"),
]
