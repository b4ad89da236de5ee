from django.urls import path

from comptoir.privacy.consent import views

app_name = "consent"

urlpatterns = [
    path("", views.wordings, name="wordings"),
    path("subjects/<uuid:subject_uuid>/give/", views.give, name="give"),
    path("subjects/<uuid:subject_uuid>/withdraw/", views.withdraw, name="withdraw_record"),
    path(
        "subjects/<uuid:subject_uuid>/confirmation/",
        views.request_confirmation,
        name="request_confirmation",
    ),
    # Public: no login, a token and nothing personal.
    path("withdraw/<str:token>/", views.withdraw_link, name="withdraw"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
