"""The forms of the suppression list and of a person's restriction and objection."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.restriction import TOLD_BY_MAX
from comptoir.privacy.suppression.models import SuppressionKind
from comptoir.privacy.suppression.services import REFERENCE_MAX, VALUE_MAX


class SuppressionAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of value"), choices=SuppressionKind.choices)
    value = forms.CharField(
        label=_("Email address or phone number"),
        max_length=VALUE_MAX,
        help_text=_("Only its keyed hash is kept: the list never shows it again."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=REFERENCE_MAX,
        required=False,
        help_text=_("Where the objection came from (a letter's reference); never a value."),
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=REFERENCE_MAX,
        required=False,
        help_text=_("A rights request's number or a letter's reference; never a value."),
    )


class LiftForm(forms.Form):
    told_by = forms.CharField(
        label=_("How the person was told"),
        max_length=TOLD_BY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed only when no email address of the person is known, e.g. "
            "“by registered letter on 2 December”."
        ),
    )
