from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "comptoir.privacy.register"
    label = "privacy_register"

    def ready(self) -> None:
        # The organisation's processors receive every person's data: they are
        # among the recipients to notify of a rectification, erasure or
        # restriction (GDPR art. 19).
        from comptoir.privacy.records.disclosures import STANDING_RECIPIENTS
        from comptoir.privacy.register.selectors import processors_as_recipients

        if processors_as_recipients not in STANDING_RECIPIENTS:
            STANDING_RECIPIENTS.append(processors_as_recipients)
