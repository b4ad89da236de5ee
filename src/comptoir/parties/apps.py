from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    verbose_name = _("Parties")

    def ready(self) -> None:
        # The parties' part of the GDPR engine: their retention candidates and
        # purges, a person's objection marking their party opposed, and what the
        # consent ledger cannot know itself (a person's prospection facts, the
        # address to confirm a consent at).
        from comptoir.parties import consent, retention
        from comptoir.parties.importing.services import import_files_purge
        from comptoir.parties.services.opposition import party_opposition_mark
        from comptoir.privacy.consent import hooks
        from comptoir.privacy.consent.prospection import prospection_vetoes
        from comptoir.privacy.suppression.services import objection_hooks

        def import_files(*, now):
            return import_files_purge(now=now)

        retention.register(purges=[("import files", import_files)])
        if party_opposition_mark not in objection_hooks:
            objection_hooks.append(party_opposition_mark)

        if consent.prospect_facts not in hooks.facts_providers:
            hooks.facts_providers.append(consent.prospect_facts)
        if consent.opposition_veto not in prospection_vetoes:
            prospection_vetoes.append(consent.opposition_veto)
        if consent.email_of not in hooks.email_providers:
            hooks.email_providers.append(consent.email_of)
