from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "comptoir.privacy.requests"
    label = "privacy_requests"
