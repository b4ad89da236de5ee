from django.apps import AppConfig


class SuppressionConfig(AppConfig):
    name = "comptoir.privacy.suppression"
    label = "privacy_suppression"

    def ready(self) -> None:
        # Nobody on the suppression list is prospected, whatever the channel.
        from comptoir.privacy.consent.prospection import prospection_vetoes
        from comptoir.privacy.suppression.rules import suppression_veto

        if suppression_veto not in prospection_vetoes:
            prospection_vetoes.append(suppression_veto)
