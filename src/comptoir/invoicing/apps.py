from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "comptoir.invoicing"
    label = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from comptoir.invoicing import triggers

        post_migrate.connect(
            triggers.install_after_migrate, sender=self, dispatch_uid="invoicing.triggers"
        )
