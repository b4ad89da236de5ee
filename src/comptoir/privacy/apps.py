from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "comptoir.privacy"
    label = "privacy"
