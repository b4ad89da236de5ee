from django.urls import path

from comptoir.mail import views

app_name = "mail"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/", views.message_detail, name="message_detail"),
    path("<int:message_id>/retry/", views.message_retry, name="message_retry"),
]
