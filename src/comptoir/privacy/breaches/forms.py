"""The breach pages' forms: the facts' fields come from the model (a field is
written once); the rules stay in the services, whose errors land on these fields."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.breaches.models import (
    MAX_COUNT,
    TEXT,
    Breach,
    Nature,
    NotToldReason,
    PeopleKind,
    Risk,
)
from comptoir.privacy.breaches.services import BREACH_FIELDS
from comptoir.privacy.declarations import CATEGORY_LABELS

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT)
CHECKBOXES = forms.CheckboxSelectMultiple
LISTS = {
    "natures": Nature.choices,
    "data_categories": [(c.value, label) for c, label in CATEGORY_LABELS.items()],
    "people_categories": PeopleKind.choices,
}


def moment_field(label, *, required=True, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=MOMENT,
        input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=help_text,
    )


def text_field(label, *, required=True, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def _field(name: str) -> forms.Field:
    model_field = Breach._meta.get_field(name)
    label = str(model_field.verbose_name).capitalize()
    help_text = model_field.help_text
    if name in LISTS:
        return forms.MultipleChoiceField(
            label=label, required=False, choices=LISTS[name], widget=CHECKBOXES
        )
    if name in ("occurred_from", "occurred_until", "aware_at"):
        return moment_field(label, required=not model_field.blank, help_text=help_text)
    if name in ("people_count", "records_count"):
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=0,
            max_value=MAX_COUNT,
            validators=[MinValueValidator(0), MaxValueValidator(MAX_COUNT)],
        )
    if name == "dpo_contact":
        return forms.CharField(
            label=label, required=False, max_length=model_field.max_length, help_text=help_text
        )
    return text_field(label, required=not model_field.blank, help_text=help_text)


ORDER = [f.name for f in Breach._meta.get_fields()]


class FactsForm(forms.Form):
    """The facts of a breach, recording it or correcting them."""

    fieldsets = (
        (_("When"), ("occurred_from", "occurred_until", "aware_at")),
        (
            _("What happened"),
            (
                "description",
                "natures",
                "data_categories",
                "people_categories",
                "people_count",
                "records_count",
            ),
        ),
        (_("Effects and measures"), ("consequences", "measures_taken", "measures_proposed")),
        (_("Contact"), ("dpo_contact",)),
    )

    @property
    def grouped(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    @classmethod
    def initial_from(cls, breach: Breach) -> dict:
        return {name: getattr(breach, name) for name in cls.base_fields if name != "note"}


FactsForm.base_fields = {name: _field(name) for name in sorted(BREACH_FIELDS, key=ORDER.index)}


class UpdateForm(FactsForm):
    fieldsets = (
        *FactsForm.fieldsets,
        (_("Timeline"), ("note",)),
    )


UpdateForm.base_fields = {
    **FactsForm.base_fields,
    "note": text_field(
        _("What was learnt or done"),
        required=False,
        help_text=_("Kept in the timeline, with the fields changed."),
    ),
}


class RiskForm(forms.Form):
    risk = forms.ChoiceField(label=_("Risk to people"), choices=Risk.choices[1:])
    reasons = text_field(_("Why"))


class NotifyAuthorityForm(forms.Form):
    notified_at = moment_field(_("Notified at"))
    reference = forms.CharField(label=_("Authority's reference"), required=False, max_length=60)
    delay_reasons = text_field(
        _("Reasons for the delay"),
        required=False,
        help_text=_("Required when notified more than 72 hours after the breach was known."),
    )


class WaiveAuthorityForm(forms.Form):
    reason = text_field(_("Why the authority is not notified"))


class TellPeopleForm(forms.Form):
    told_at = moment_field(_("Told at"))
    how = text_field(_("How they were told"))


class WaivePeopleForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why they are not told"), choices=NotToldReason.choices)
    details = text_field(_("Details"))


class CloseForm(forms.Form):
    note = text_field(_("Closing note"), required=False)
