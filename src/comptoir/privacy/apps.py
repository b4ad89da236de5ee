from django.apps import AppConfig, apps


class PrivacyConfig(AppConfig):
    name = "comptoir.privacy"
    label = "privacy"

    def ready(self) -> None:
        # Every model's privacy declaration is checked here: a wrong one stops
        # the start-up (ImproperlyConfigured) instead of misleading the register.
        from comptoir.privacy.fields import attach_value_checks
        from comptoir.privacy.registry import registry

        registry.populate(apps.get_models())
        attach_value_checks(apps.get_models())
