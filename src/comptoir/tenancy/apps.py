from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "comptoir.tenancy"
    label = "tenancy"
