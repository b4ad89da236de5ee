"""The register of personal data breaches (GDPR art. 33(5), DOMAIN.md §7).

One ``Breach`` per incident, whatever its risk: the facts, their effects and
the measures taken, the risk assessed, whether and when the supervisory
authority and the people concerned were told, or why not. Its free texts may
name people (who lost a laptop, whose account was used): they are encrypted
under the organisation's key (the row is about no one registered person, so
``data_subject`` stays empty and erasing a person never touches the register,
which is the organisation's evidence).

``BreachUpdate`` is the breach's timeline: one row appended by every service
that changes the breach (what changed, by whom, when, with a note), never
changed afterwards. Art. 33(4) lets the authority be told in phases: the
timeline says what was known when.
"""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedCharField, EncryptedTextField
from comptoir.privacy.models import EncryptedModel

# Approximate numbers: at most ten billion people or records (more than anyone holds).
MAX_COUNT = 10_000_000_000
TEXT = 5000  # characters in one free text


class Nature(models.TextChoices):
    """What was lost (the EDPB's three kinds of breach)."""

    CONFIDENTIALITY = "confidentiality", _("Confidentiality: data disclosed or accessed")
    INTEGRITY = "integrity", _("Integrity: data altered")
    AVAILABILITY = "availability", _("Availability: data lost or unreachable")


class PeopleKind(models.TextChoices):
    """Categories of people concerned (those of the organisation's register)."""

    CLIENTS = "clients", _("Clients")
    PROSPECTS = "prospects", _("Prospects")
    CONTACT_PERSONS = "contact_persons", _("Contact persons of companies")
    SUPPLIERS = "suppliers", _("Suppliers")
    STAFF = "staff", _("Staff and users")
    OTHER = "other", _("Other people")


class Risk(models.TextChoices):
    """The risk to people's rights and freedoms (art. 33(1), 34(1))."""

    UNASSESSED = "", _("Not assessed yet")
    NONE = "none", _("Unlikely to result in a risk")
    RISK = "risk", _("Risk")
    HIGH = "high", _("High risk")


class AuthorityStatus(models.TextChoices):
    PENDING = "", _("Not decided yet")
    NOTIFIED = "notified", _("Notified")
    NOT_NOTIFIED = "not_notified", _("Not notified")


class PeopleStatus(models.TextChoices):
    PENDING = "", _("Not decided yet")
    TOLD = "told", _("Told")
    NOT_TOLD = "not_told", _("Not told")


class NotToldReason(models.TextChoices):
    """Why the people were not told (art. 34(1) and 34(3))."""

    NO_HIGH_RISK = "no_high_risk", _("The breach is not likely to result in a high risk")
    ENCRYPTED = (
        "encrypted",
        _("The data was unintelligible to anyone not authorised (encrypted, key safe)"),
    )
    MEASURES_SINCE = (
        "measures_since",
        _("Measures taken since ensure the high risk is no longer likely to materialise"),
    )
    PUBLIC_COMMUNICATION = (
        "public_communication",
        _("Telling each person would involve disproportionate effort: public communication"),
    )


class UpdateKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    UPDATED = "updated", _("Information updated")
    RISK_ASSESSED = "risk_assessed", _("Risk assessed")
    AUTHORITY_NOTIFIED = "authority_notified", _("Authority notified")
    AUTHORITY_NOT_NOTIFIED = "authority_not_notified", _("Authority not notified")
    PEOPLE_TOLD = "people_told", _("People told")
    PEOPLE_NOT_TOLD = "people_not_told", _("People not told")
    CLOSED = "closed", _("Closed")


def _register(notes: str) -> Personal:
    """A free text of the register: it may name people, so it is encrypted under
    the organisation's key and kept as the organisation's evidence."""
    return Personal(
        Category.OTHER, [Purpose.SECURITY], OnErasure.LEGAL_HOLD, encrypted=True, notes=notes
    )


class Breach(EncryptedModel):
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    occurred_from = models.DateTimeField(
        _("occurred from"), help_text="when the breach happened, or began"
    )
    occurred_until = models.DateTimeField(
        _("occurred until"),
        null=True,
        blank=True,
        help_text="when it ended, when the moment is only known within a range",
    )
    aware_at = models.DateTimeField(
        _("aware at"),
        help_text="when the organisation became aware of it: the 72 hours run from here",
    )
    description = EncryptedTextField(
        _("what happened"), max_length=TEXT, help_text="the facts, as known"
    )
    natures = models.JSONField(_("nature"), default=list, blank=True)
    data_categories = models.JSONField(_("categories of data"), default=list, blank=True)
    people_categories = models.JSONField(_("categories of people"), default=list, blank=True)
    people_count = models.PositiveBigIntegerField(
        _("approximate number of people"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
    )
    records_count = models.PositiveBigIntegerField(
        _("approximate number of records"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
    )
    consequences = EncryptedTextField(_("likely consequences"), max_length=TEXT, blank=True)
    measures_taken = EncryptedTextField(
        _("measures taken"),
        max_length=TEXT,
        blank=True,
        help_text="to address the breach and mitigate its effects",
    )
    measures_proposed = EncryptedTextField(
        _("measures proposed"),
        max_length=TEXT,
        blank=True,
        help_text="still to be taken, and to keep it from happening again",
    )
    dpo_contact = EncryptedCharField(
        _("DPO or privacy contact"),
        max_length=300,
        blank=True,
        help_text="name and contact details of whoever the authority can ask (art. 33(3)(b))",
    )
    # The assessment and the decisions: set by their own services only.
    risk = models.CharField(
        _("risk"), max_length=8, choices=Risk.choices, blank=True, editable=False
    )
    risk_reasons = EncryptedTextField(_("why"), max_length=TEXT, blank=True, editable=False)
    authority_status = models.CharField(
        _("authority"), max_length=16, choices=AuthorityStatus.choices, blank=True, editable=False
    )
    authority_notified_at = models.DateTimeField(
        _("notified at"), null=True, blank=True, editable=False
    )
    authority_reference = models.CharField(
        _("authority's reference"), max_length=60, blank=True, editable=False
    )
    authority_delay_reasons = EncryptedTextField(
        _("reasons for the delay"), max_length=TEXT, blank=True, editable=False
    )
    authority_not_reason = EncryptedTextField(
        _("why the authority was not notified"), max_length=TEXT, blank=True, editable=False
    )
    people_status = models.CharField(
        _("people concerned"),
        max_length=12,
        choices=PeopleStatus.choices,
        blank=True,
        editable=False,
    )
    people_told_at = models.DateTimeField(_("told at"), null=True, blank=True, editable=False)
    people_how = EncryptedTextField(
        _("how they were told"), max_length=TEXT, blank=True, editable=False
    )
    people_not_reason = models.CharField(
        _("why they were not told"),
        max_length=24,
        choices=NotToldReason.choices,
        blank=True,
        editable=False,
    )
    people_not_details = EncryptedTextField(
        _("details"), max_length=TEXT, blank=True, editable=False
    )
    recorded_by = models.BigIntegerField(null=True, blank=True, editable=False, help_text="user id")
    recorded_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta(EncryptedModel.Meta):
        ordering = ["-aware_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="privacy_breach_one_reference"
            )
        ]
        verbose_name = _("personal data breach")

    class Privacy:
        subject = None  # about the incident, not one registered person
        retention = retention.BREACH_REGISTER
        retention_start = "closed_at"
        fields = {
            "description": _register("The facts of a breach; may name people involved."),
            "consequences": _register("Likely consequences of a breach."),
            "measures_taken": _register("Measures taken after a breach."),
            "measures_proposed": _register("Measures proposed after a breach."),
            "risk_reasons": _register("Why a breach's risk was assessed so."),
            "authority_delay_reasons": _register("Why the authority was notified late."),
            "authority_not_reason": _register("Why the authority was not notified."),
            "people_how": _register("How the people concerned were told."),
            "people_not_details": _register("Why the people concerned were not told."),
            "dpo_contact": Personal(
                Category.IDENTITY,
                [Purpose.SECURITY],
                OnErasure.LEGAL_HOLD,
                encrypted=True,
                notes="The contact given to the authority for a breach (art. 33(3)(b)).",
            ),
        }
        not_personal = [
            "reference",
            "natures",
            "data_categories",
            "people_categories",
            "risk",
            "authority_status",
            "authority_reference",
            "people_status",
            "people_not_reason",
        ]

    def __str__(self) -> str:
        return f"breach {self.reference}"


class BreachUpdate(EncryptedModel):
    """One entry of a breach's timeline: appended, never changed."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=24, choices=UpdateKind.choices)
    # The names of the breach's fields this step set, never their values.
    changed = models.JSONField(default=list, blank=True)
    note = EncryptedTextField(max_length=TEXT, blank=True)
    at = models.DateTimeField()
    by = models.BigIntegerField(null=True, blank=True, help_text="user id")

    class Meta(EncryptedModel.Meta):
        ordering = ["at", "pk"]

    class Privacy:
        subject = None
        retention = retention.BREACH_REGISTER  # goes with its breach (cascade)
        fields = {"note": _register("A note on a step of a breach's handling.")}
        not_personal = ["kind", "changed"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("a breach's timeline is append-only")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"breach update #{self.pk}"
