from django.urls import path

from comptoir.parties.importing import views

urlpatterns = [
    path("", views.import_upload, name="parties_import"),
    path("<int:job_id>/", views.import_detail, name="parties_import_detail"),
    path("<int:job_id>/rejected.csv", views.import_report, name="parties_import_report"),
]
