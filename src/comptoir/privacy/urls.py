"""The privacy pages, under /privacy/: the hub, then one section per part of
the GDPR engine (each sub-app's own ``urls``)."""

from django.urls import include, path

from comptoir.privacy import views
from comptoir.privacy.access import views as access_views

app_name = "privacy"

urlpatterns = [
    path("", views.hub, name="hub"),
    path(
        "portability.schema.json",
        access_views.portability_schema_view,
        name="portability_schema",
    ),
    path("register/", include("comptoir.privacy.register.urls")),
    path("requests/", include("comptoir.privacy.requests.urls")),
    path("consent/", include("comptoir.privacy.consent.urls")),
    path("suppression/", include("comptoir.privacy.suppression.urls")),
    path("breaches/", include("comptoir.privacy.breaches.urls")),
    path("records/", include("comptoir.privacy.records.urls")),
]
