"""What an organisation tells the register of processing (GDPR art. 30) that the
code cannot know: which purposes it pursues, to whom data goes (recipients,
processors and their countries), its own security measures beyond Comptoir's.

Everything else in the register (the personal fields, their categories,
purposes, legal bases and retention) comes from the declarations, through
``comptoir.privacy.registry``; the controller and its DPO come from the
``Organisation`` (``privacy_contact_name`` / ``privacy_contact_email``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.declarations import Purpose
from comptoir.privacy.register.countries import is_country, is_eea
from comptoir.tenancy.scope import TenantModel

PURPOSE_CODES = [purpose.code for purpose in Purpose]


def validate_purpose_codes(value) -> None:
    """A list of ``Purpose`` codes, each once."""
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of purposes."), code="purposes")
    unknown = sorted(set(value) - set(PURPOSE_CODES))
    if unknown:
        raise ValidationError(
            _("Unknown purposes: %(codes)s."), code="purposes", params={"codes": ", ".join(unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A purpose is given twice."), code="purposes")


class SecurityHeading(models.TextChoices):
    """The headings of the CNIL template's security section."""

    ACCESS_CONTROL = "access_control", _("Access control of users")
    TRACEABILITY = "traceability", _("Traceability")
    SOFTWARE = "software_protection", _("Software protection")
    BACKUP = "backup", _("Data backup")
    ENCRYPTION = "encryption", _("Encryption of data")
    SUBPROCESSORS = "subprocessor_control", _("Control of sub-processors")
    OTHER = "other", _("Other measures")


class RegisterSettings(TenantModel):
    """One row per organisation: its purposes and its own security measures.

    ``purposes`` is ``None`` until the organisation chooses: every purpose the
    code uses is then in use. Each ``measures_*`` field holds the
    organisation's own measures under one heading, printed after the ones
    Comptoir itself takes (``register.measures.BUILT_IN``)."""

    purposes = models.JSONField(
        _("purposes in use"),
        null=True,
        blank=True,
        default=None,
        validators=[validate_purpose_codes],
        help_text=_("Purpose codes; empty: every purpose Comptoir's data serves."),
    )
    measures_access_control = models.TextField(
        _("access control of users"), max_length=2000, blank=True
    )
    measures_traceability = models.TextField(_("traceability"), max_length=2000, blank=True)
    measures_software_protection = models.TextField(
        _("software protection"), max_length=2000, blank=True
    )
    measures_backup = models.TextField(_("data backup"), max_length=2000, blank=True)
    measures_encryption = models.TextField(_("encryption of data"), max_length=2000, blank=True)
    measures_subprocessor_control = models.TextField(
        _("control of sub-processors"), max_length=2000, blank=True
    )
    measures_other = models.TextField(_("other measures"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("register settings")
        verbose_name_plural = _("register settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_register_settings_per_org")
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        # The organisation's choices and its own descriptions of its measures:
        # about its processing, never about a person.
        not_personal = [
            "purposes",
            "measures_access_control",
            "measures_traceability",
            "measures_software_protection",
            "measures_backup",
            "measures_encryption",
            "measures_subprocessor_control",
            "measures_other",
        ]

    def __str__(self) -> str:
        return f"register settings of organisation {self.organisation_id}"

    def measures(self, heading: str) -> str:
        return getattr(self, f"measures_{heading}")


class PurposeScoped(TenantModel):
    """A recipient or processor serves some purposes (empty: all of them)."""

    purposes = models.JSONField(
        _("purposes"),
        default=list,
        blank=True,
        validators=[validate_purpose_codes],
        help_text=_("Purpose codes of the processing concerned; empty: every one."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        abstract = True

    def serves(self, purpose: Purpose) -> bool:
        return not self.purposes or purpose.code in self.purposes


class RecipientKind(models.TextChoices):
    INTERNAL = "internal", _("Internal service or role")
    EXTERNAL = "external", _("External body")


class Recipient(PurposeScoped):
    """Who receives data: a service or role within the organisation (sales,
    accounting), or an outside body (the auditor, the tax authority)."""

    kind = models.CharField(_("kind"), max_length=10, choices=RecipientKind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("A service, role or body."))
    description = models.TextField(_("what they receive and why"), max_length=2000, blank=True)

    class Meta(PurposeScoped.Meta):
        ordering = ["kind", "name", "pk"]
        verbose_name = _("recipient")

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        # A service, a role or a body: never a person (the page says so).
        not_personal = ["kind", "name", "description", "purposes"]

    def __str__(self) -> str:
        return self.name


class Safeguard(models.TextChoices):
    """What makes a transfer outside the EU lawful (GDPR art. 45 to 49)."""

    NONE_NEEDED = "none_needed", _("None needed (in the EU or the EEA)")
    ADEQUACY = "adequacy", _("Adequacy decision (art. 45)")
    SCC = "scc", _("Standard contractual clauses (art. 46)")
    BCR = "bcr", _("Binding corporate rules (art. 47)")
    DEROGATION = "derogation", _("Derogation for a specific situation (art. 49)")


class Processor(PurposeScoped):
    """A processor (or sub-processor) the organisation entrusts data to: its
    service, its country, and what makes a transfer outside the EU lawful."""

    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service provided"), max_length=300)
    country = models.CharField(
        _("country"),
        max_length=2,
        help_text=_("Where the data is processed: ISO 3166 code, e.g. FR, BE, US."),
    )
    safeguard = models.CharField(
        _("safeguards for transfers"),
        max_length=12,
        choices=Safeguard.choices,
        default=Safeguard.NONE_NEEDED,
    )
    safeguard_details = models.TextField(
        _("details of the safeguards"), max_length=2000, blank=True
    )
    contact = models.CharField(
        _("contact"),
        max_length=254,
        blank=True,
        help_text=_("The processor's privacy or DPO address, not a person's own."),
    )

    class Meta(PurposeScoped.Meta):
        ordering = ["name", "pk"]
        verbose_name = _("processor")

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        # A business and its published privacy address (the page asks for the
        # processor's, not a person's).
        not_personal = [
            "name",
            "service",
            "country",
            "safeguard",
            "safeguard_details",
            "contact",
            "purposes",
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.country = (self.country or "").strip().upper()
        errors = {}
        if self.country and not is_country(self.country):
            errors["country"] = ValidationError(
                _("Give the country's two-letter ISO code, e.g. FR."), code="country"
            )
        elif self.country and not is_eea(self.country) and self.safeguard == Safeguard.NONE_NEEDED:
            errors["safeguard"] = ValidationError(
                _("Outside the EU and the EEA, a transfer needs a safeguard."), code="safeguard"
            )
        if errors:
            raise ValidationError(errors)
