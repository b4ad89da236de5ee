from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "comptoir.ops"
    label = "ops"
