"""The forms of the rights-request pages: fields taken from the model
(``RightsRequest``), the rules left to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.requests.models import RightsRequest
from comptoir.privacy.requests.services import MAX_TEXT


class PublicRequestForm(forms.ModelForm):
    """What a person gives on the public page. ``website`` is a honeypot: hidden
    from people, filled by bots; a filled one is answered like any request and
    dropped."""

    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    class Meta:
        model = RightsRequest
        fields = ["requester_email", "kind", "message"]
        labels = {
            "requester_email": _("Your email address"),
            "kind": _("What do you ask?"),
            "message": _("Your message"),
        }
        help_texts = {
            "requester_email": _("We will send a confirmation link to this address."),
            "message": _(
                "Say what the request is about. Do not send health, religious or "
                "other sensitive data, nor a social security number."
            ),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT})}


class StaffRequestForm(forms.ModelForm):
    class Meta:
        model = RightsRequest
        fields = ["kind", "requester_email", "message", "received_at"]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }
        help_texts = {"received_at": _("Leave empty for now.")}


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extension"),
        choices=[(1, _("1 month")), (2, _("2 months"))],
        coerce=int,
    )
    reason = forms.CharField(
        label=_("Reason (told to the person)"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        max_length=MAX_TEXT,
    )


class IdentityAskForm(forms.Form):
    note = forms.CharField(
        label=_("What proof you need, and why (told to the person)"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        max_length=MAX_TEXT,
    )


class IdentityReceivedForm(forms.Form):
    document = forms.FileField(
        label=_("Copy of the document (optional, kept 1 year, 3 for an objection)"),
        required=False,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (mailed to the person)"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_TEXT}),
        max_length=MAX_TEXT,
    )


class RefuseForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the refusal (mailed with the right to complain)"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
        max_length=MAX_TEXT,
    )
