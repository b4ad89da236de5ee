from django.urls import path

from comptoir.privacy.register import views

app_name = "register"

urlpatterns = [
    path("", views.register, name="register"),
    path("sheets/<slug:code>/", views.sheet, name="sheet"),
    path("download/", views.download, name="download"),
    path("settings/", views.settings, name="settings"),
    path("<slug:kind>/", views.row_list, name="rows"),
    path("<slug:kind>/<int:row_id>/", views.row_edit, name="row_edit"),
    path("<slug:kind>/<int:row_id>/delete/", views.row_delete, name="row_delete"),
    path("operator/processor-register/", views.processor_register, name="processor_register"),
]
