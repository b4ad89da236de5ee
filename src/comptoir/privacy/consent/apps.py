from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "comptoir.privacy.consent"
    label = "privacy_consent"

    def ready(self) -> None:
        # A restricted person is never prospected; an objection withdraws every
        # consent to prospection (the suppression list's objection hooks); the
        # daily sweep deletes the proof of consents withdrawn long ago.
        from comptoir.privacy.consent.prospection import prospection_vetoes
        from comptoir.privacy.consent.services import (
            consent_objection_withdraw,
            consent_proof_purge,
        )
        from comptoir.privacy.records.sweep import retention_purges
        from comptoir.privacy.restriction import restriction_veto
        from comptoir.privacy.suppression.services import objection_hooks

        if restriction_veto not in prospection_vetoes:
            prospection_vetoes.append(restriction_veto)
        if consent_objection_withdraw not in objection_hooks:
            objection_hooks.append(consent_objection_withdraw)
        if not any(name == "consent proof" for name, _ in retention_purges):
            retention_purges.append(("consent proof", consent_proof_purge))
