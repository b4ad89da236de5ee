from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "comptoir.privacy.records"
    label = "privacy_records"
    verbose_name = "Privacy records"
