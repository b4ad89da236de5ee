"""The UI's forms for the sales pipeline: stages, opportunities, moves on the board.

Forms only parse what the browser sends; the rules live in the models and the
services, whose ``ValidationError`` the views map back onto these fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.core.modelfields import amount_max_length
from comptoir.parties.forms import DATE, MemberChoiceField, in_model_order, members, model_formfield
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.sales.pipeline_rules import AMOUNT, OPPORTUNITY_FIELDS, STAGE_FIELDS
from comptoir.tenancy.models import Organisation

PIPELINE_STAGE_FIELDS = in_model_order(PipelineStage, STAGE_FIELDS)


class PipelineStageForm(forms.Form):
    """A stage's name, place in the order, default probability and outcome.

    ``adding``: a new stage, whose place may be left empty (after the last one)."""

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["position"].required = False
            self.fields["position"].help_text = _("Leave empty to put it after the last stage.")

    @classmethod
    def initial_from(cls, stage: PipelineStage) -> dict:
        return {name: getattr(stage, name) for name in cls.base_fields}


PipelineStageForm.base_fields = forms.fields_for_model(
    PipelineStage, fields=PIPELINE_STAGE_FIELDS, formfield_callback=model_formfield
)
PipelineStageForm.base_fields["position"].help_text = _(
    "Stages are shown from the smallest number to the largest."
)


def _opportunity_fields() -> dict[str, forms.Field]:
    """An opportunity's fields as its model declares them; the amount is typed as
    text ("1 250,50"), read by the service (``parse_decimal``), as long as the
    API takes it (``api.modelschema``)."""
    fields = forms.fields_for_model(
        Opportunity,
        formfield_callback=model_formfield,
        fields=in_model_order(Opportunity, OPPORTUNITY_FIELDS),
        widgets={"expected_close_on": DATE},
        field_classes={"owner": MemberChoiceField},
    )
    fields["amount"] = forms.CharField(
        label=_("Amount (€, excl. VAT)"),
        max_length=amount_max_length(AMOUNT),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    fields["owner"].empty_label = "—"
    return fields


class OpportunityEditForm(forms.Form):
    """What an opportunity's edit changes; its stage changes on the board."""

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members(organisation)

    @classmethod
    def initial_from(cls, opportunity: Opportunity) -> dict:
        return {
            name: getattr(opportunity, opportunity._meta.get_field(name).attname)
            for name in cls.base_fields
        }


OpportunityEditForm.base_fields = _opportunity_fields()


class OpportunityForm(OpportunityEditForm):
    """A new opportunity: its stage too, and the stage's probability by default."""

    field_order = ("title", "amount", "stage", "probability", "expected_close_on", "owner")

    def __init__(self, *args, organisation: Organisation, stages, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.stages = {stage.pk: stage for stage in stages}
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]


OpportunityForm.base_fields = {
    **_opportunity_fields(),
    "stage": forms.TypedChoiceField(label=_("Stage"), coerce=int, required=False, empty_value=None),
}
OpportunityForm.base_fields["probability"].required = False
OpportunityForm.base_fields["probability"].help_text = _(
    "Leave empty for the stage's own probability."
)


class OpportunityMoveForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = {stage.pk: stage for stage in stages}
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]
