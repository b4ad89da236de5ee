from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "comptoir.parties"
    label = "parties"
    verbose_name = _("Parties")

    def ready(self) -> None:
        # The consent ledger asks the parties what it cannot know itself: the
        # prospection facts of a person and the address to confirm a consent at.
        from comptoir.parties import consent
        from comptoir.privacy.consent import hooks

        if consent.prospect_facts not in hooks.facts_providers:
            hooks.facts_providers.append(consent.prospect_facts)
        if consent.email_of not in hooks.email_providers:
            hooks.email_providers.append(consent.email_of)
