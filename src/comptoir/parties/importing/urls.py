from django.urls import path

from comptoir.parties.importing import views

urlpatterns = [
    path("", views.import_upload, name="parties_import"),
    path("template.csv", views.import_template, name="parties_import_template"),
    path("<int:job_id>/", views.import_detail, name="parties_import_detail"),
    path("<int:job_id>/columns/", views.import_columns, name="parties_import_columns"),
    path("<int:job_id>/rejected.csv", views.import_report, name="parties_import_report"),
]
