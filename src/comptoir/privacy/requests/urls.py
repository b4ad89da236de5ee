from django.urls import path

from comptoir.privacy.requests import views

app_name = "requests"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/fulfil/", views.fulfil, name="fulfil"),
    path("<int:request_id>/extend/", views.extend, name="extend"),
    path("<int:request_id>/identity/ask/", views.identity_ask, name="identity_ask"),
    path("<int:request_id>/identity/received/", views.identity_received, name="identity_received"),
    path("<int:request_id>/answer/", views.answer, name="answer"),
    path("<int:request_id>/refuse/", views.refuse, name="refuse"),
    # The public page of an organisation, without login, by its desk's slug.
    path("p/<str:slug>/", views.public, name="public"),
    path("p/<str:slug>/sent/", views.public_sent, name="public_sent"),
    path("p/<str:slug>/confirm/<str:token>/", views.public_confirm, name="public_confirm"),
]
