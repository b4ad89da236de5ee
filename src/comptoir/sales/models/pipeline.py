"""The sales pipeline: stages configured per organisation, and opportunities.

Amounts are ``Decimal`` quantised to the cent (ROUND_HALF_UP) by the
services; probabilities are whole percentages. The pipeline lived in the
``parties`` app until issue #12; its tables were renamed, their rows kept
(migrations ``parties.0010`` and ``sales.0002``).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.money import percent_of
from comptoir.privacy import retention
from comptoir.tenancy.scope import TenantModel

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class PipelineStage(TenantModel):
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("order"))
    probability = models.PositiveSmallIntegerField(_("default probability (%)"), validators=PERCENT)
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        verbose_name = _("pipeline stage")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_stage_per_name"),
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost

    def clean(self) -> None:
        if self.is_won and self.is_lost:
            raise ValidationError(
                {"is_lost": _("A stage cannot be both won and lost.")}, code="won_and_lost"
            )


class Opportunity(TenantModel):
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"), validators=PERCENT)
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        "tenancy.Membership",
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["stage__position", "expected_close_on", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["organisation", "stage"])]

    class Privacy:
        # About an individual party's person when the party is one; the
        # figures and the title are commercial data, not personal fields.
        subject = "party__data_subject"
        retention = retention.PROSPECT
        fields: dict = {}
        not_personal = ["title", "expected_close_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def weighted_amount(self) -> Decimal:
        return percent_of(self.amount, self.probability)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        for name in ("party", "stage", "owner"):
            related = getattr(self, name) if getattr(self, f"{name}_id") is not None else None
            if related is not None and related.organisation_id != self.organisation_id:
                errors[name] = ValidationError(
                    _("It belongs to another organisation."), code="organisation"
                )
        if errors:
            raise ValidationError(errors)
