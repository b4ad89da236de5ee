from django.apps import AppConfig


class SuppressionConfig(AppConfig):
    name = "comptoir.privacy.suppression"
    label = "privacy_suppression"
