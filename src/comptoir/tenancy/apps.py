from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "comptoir.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        from comptoir.tenancy import planner

        post_migrate.connect(planner.seed_after_migrate, dispatch_uid="tenancy.planner")
