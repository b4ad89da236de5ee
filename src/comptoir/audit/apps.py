from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "comptoir.audit"
    label = "audit"
