from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "comptoir.privacy.consent"
    label = "privacy_consent"
