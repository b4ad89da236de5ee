from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "comptoir.privacy.breaches"
    label = "privacy_breaches"
