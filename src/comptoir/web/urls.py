from django.http import JsonResponse
from django.urls import path

from comptoir.web import cookies, organisation, profile, views

urlpatterns = [
    path("", views.home, name="home"),
    # Liveness for load balancers, and the bare baseline of bench/api.py.
    path("healthz", lambda request: JsonResponse({"status": "ok"}), name="healthz"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("organisation/", organisation.organisation, name="organisation"),
    path("organisation/exports/", organisation.export_create, name="organisation_export_create"),
    path(
        "organisation/exports/<int:export_id>/",
        organisation.export_detail,
        name="organisation_export",
    ),
    path(
        "organisation/exports/<int:export_id>/download/",
        organisation.export_download,
        name="organisation_export_download",
    ),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/", views.member_change, name="member_change"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("audit/", views.audit, name="audit"),
    path("profile/", profile.profile, name="profile"),
    path("cookies/", cookies.cookies, name="cookies"),
]
