from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    verbose_name = _("Parties")

    def ready(self) -> None:
        # The parties' part of the GDPR engine: their retention candidates and
        # purges, and a person's objection marking their party opposed.
        from comptoir.parties import retention
        from comptoir.parties.importing.services import import_files_purge
        from comptoir.parties.services.opposition import party_opposition_mark
        from comptoir.privacy.suppression.services import objection_hooks

        def import_files(*, now):
            return import_files_purge(now=now)

        retention.register(purges=[("import files", import_files)])
        if party_opposition_mark not in objection_hooks:
            objection_hooks.append(party_opposition_mark)
