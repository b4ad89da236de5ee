from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import ApiToken, TokenScope
from comptoir.accounts.services import MAX_TOKEN_DAYS, TOKEN_FIELDS
from comptoir.audit.models import Action, ActorKind
from comptoir.tenancy.roles import Role


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TokenCreateForm(forms.Form):
    """A token's fields as its model declares them (``TOKEN_FIELDS``), and its lifetime."""


TokenCreateForm.base_fields = {
    **forms.fields_for_model(
        ApiToken, fields=sorted(TOKEN_FIELDS, key=[f.name for f in ApiToken._meta.fields].index)
    ),
    "days": forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    ),
}
TokenCreateForm.base_fields["scope"].choices = TokenScope.choices  # read by default, no blank


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All"))] + list(Action.choices), required=False
    )
    actor_kind = forms.ChoiceField(
        label=_("Done by"), choices=[("", _("All"))] + list(ActorKind.choices), required=False
    )
    actor_user_id = forms.IntegerField(label=_("User number"), required=False, min_value=1)
    actor_token_id = forms.IntegerField(label=_("API token number"), required=False, min_value=1)
    ip_address = forms.GenericIPAddressField(label=_("IP address"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=64)
    field = forms.CharField(label=_("Field touched"), required=False, max_length=100)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
