"""The form of the contact persons page: filters, and the family name searched for."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from comptoir.core.text import validate_text
from comptoir.parties.models import Channel, ContactPerson, ContactStatus, Party, PartyKind
from comptoir.tenancy.models import Organisation


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Party) -> str:
        return obj.company_name


class ContactPersonFilterForm(forms.Form):
    """Company, contact status and preferred channel (not personal: they may be in a
    URL), and the family name or its beginning, which is only ever posted: a name
    never goes into a URL (server logs, browser history, the Referer header)."""

    name = forms.CharField(
        label=_("Family name or its first letters"),
        required=False,
        max_length=ContactPerson._meta.get_field("family_name").max_length,
        help_text=_("The whole name, or its first three letters or more."),
        validators=[validate_text],
    )
    party = CompanyChoiceField(
        label=_("Company"), queryset=None, required=False, empty_label=_("All")
    )
    contact_status = forms.ChoiceField(
        label=capfirst(ContactPerson._meta.get_field("contact_status").verbose_name),
        choices=[("", _("All")), *ContactStatus.choices],
        required=False,
    )
    preferred_channel = forms.ChoiceField(
        label=capfirst(ContactPerson._meta.get_field("preferred_channel").verbose_name),
        choices=[("", _("All")), *Channel.choices],
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = (
            Party.objects.of(organisation)
            .filter(kind=PartyKind.COMPANY)
            .order_by("company_name_key", "pk")
        )
        self.fields["name"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
