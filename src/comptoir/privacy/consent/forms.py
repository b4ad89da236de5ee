"""The consent panel's forms and the wording form: fields taken from the models."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.consent.models import ConsentChannel, ConsentEvent, ConsentWording

# A member records what reached them; the one-click link is the person's own.
STAFF_CHANNELS = [c for c in ConsentChannel.choices if c[0] != ConsentChannel.ONE_CLICK]


class WordingForm(forms.ModelForm):
    class Meta:
        model = ConsentWording
        fields = ["purpose", "language", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class _EventForm(forms.ModelForm):
    class Meta:
        model = ConsentEvent
        fields = ["purpose", "channel", "form"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = STAFF_CHANNELS


class GiveForm(_EventForm):
    """Consent given: the wording shown is the proof, so it is required."""

    class Meta(_EventForm.Meta):
        fields = ["purpose", "wording", "channel", "form"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        wording = self.fields["wording"]
        wording.queryset = ConsentWording.objects.of(organisation).order_by("purpose", "-version")
        wording.required = True
        wording.label = _("Wording shown")


class WithdrawForm(_EventForm):
    """Consent withdrawn: a purpose and a channel, nothing more."""


class ConfirmationRequestForm(forms.ModelForm):
    """Send a double opt-in request: the consent waits for the person's click."""

    class Meta:
        model = ConsentEvent
        fields = ["purpose", "wording"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        wording = self.fields["wording"]
        wording.queryset = ConsentWording.objects.of(organisation).order_by("purpose", "-version")
        wording.required = True
        wording.label = _("Wording shown")
