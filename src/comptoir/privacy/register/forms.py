"""The register's configuration forms: built from the models' fields (a field
is written once); the services validate again and journal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.register import selectors, services
from comptoir.privacy.register.models import Processor, Recipient, RegisterSettings


def _purpose_choices() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in selectors.purposes_used()]


class PurposesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=_purpose_choices, **kwargs)


class RegisterSettingsForm(forms.ModelForm):
    purposes = PurposesField(
        label=_("Purposes in use"),
        help_text=_("Tick none to keep every purpose Comptoir's data serves."),
    )

    class Meta:
        model = RegisterSettings
        fields = sorted(services.SETTINGS_FIELDS - {"purposes"}, key=lambda name: name)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    field_order = [
        "purposes",
        "measures_access_control",
        "measures_traceability",
        "measures_software_protection",
        "measures_backup",
        "measures_encryption",
        "measures_subprocessor_control",
        "measures_other",
    ]


class RecipientForm(forms.ModelForm):
    purposes = PurposesField(
        label=_("Purposes"), help_text=_("Tick none when it receives data of every processing.")
    )

    class Meta:
        model = Recipient
        fields = ["kind", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ProcessorForm(forms.ModelForm):
    purposes = PurposesField(
        label=_("Purposes"), help_text=_("Tick none when it serves every processing.")
    )

    class Meta:
        model = Processor
        fields = ["name", "service", "country", "safeguard", "safeguard_details", "contact"]
        widgets = {"safeguard_details": forms.Textarea(attrs={"rows": 2})}


class DownloadForm(forms.Form):
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("xlsx", "XLSX"), ("json", "JSON")])
