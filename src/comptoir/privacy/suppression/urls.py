from django.urls import path

from comptoir.privacy.suppression import views

app_name = "suppression"

urlpatterns = [
    path("", views.suppression_page, name="list"),
    path("subjects/<uuid:subject>/restrict/", views.subject_restrict, name="restrict"),
    path("subjects/<uuid:subject>/lift/", views.subject_lift, name="lift"),
    path("subjects/<uuid:subject>/object/", views.subject_object, name="object"),
]
