from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    verbose_name = _("Parties")

    def ready(self):
        from comptoir.parties import retention
        from comptoir.parties.importing.services import import_files_purge

        def import_files(*, now):
            return import_files_purge(now=now)

        retention.register(purges=[("import files", import_files)])
