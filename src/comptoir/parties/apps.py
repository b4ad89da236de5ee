from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    verbose_name = _("Parties")

    def ready(self) -> None:
        # A person's objection marks their party opposed (privacy.suppression's hook).
        from comptoir.parties.services.opposition import party_opposition_mark
        from comptoir.privacy.suppression.services import objection_hooks

        if party_opposition_mark not in objection_hooks:
            objection_hooks.append(party_opposition_mark)
