from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "comptoir.privacy.register"
    label = "privacy_register"
