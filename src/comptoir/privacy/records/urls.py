from django.urls import path

from comptoir.privacy.records import views

app_name = "records"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
]
