from django.urls import path

from comptoir.privacy.records import trail_views, views

app_name = "records"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("trail/<uuid:subject_uuid>/", trail_views.subject_trail, name="trail"),
    path(
        "trail/<uuid:subject_uuid>/notify/",
        trail_views.recipients_notify,
        name="recipients_notify",
    ),
]
