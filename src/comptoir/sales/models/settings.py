"""What an organisation prints on its documents and how it bills: one row per
organisation, created with the country's legal defaults on first use."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import identifiers
from comptoir.parties.rules import einvoice_address as einvoice_address_check
from comptoir.tenancy.scope import TenantModel

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour is written #rrggbb."))


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class SalesSettings(TenantModel):
    # Identity printed on every document, beyond the organisation's own fields.
    share_capital = models.CharField(_("share capital"), max_length=40, blank=True)
    registration = models.CharField(
        _("registration (RCS, RPM)"), max_length=100, blank=True, help_text=_("e.g. RCS Lyon")
    )
    email = models.EmailField(_("billing email"), blank=True)
    phone = models.CharField(_("billing phone"), max_length=40, blank=True)
    iban = models.CharField(
        _("IBAN"), max_length=34, blank=True, validators=[identifiers.validate_iban]
    )
    bic = models.CharField(
        _("BIC"), max_length=11, blank=True, validators=[identifiers.validate_bic]
    )
    einvoice_address = models.CharField(
        _("electronic invoicing address"),
        max_length=100,
        blank=True,
        validators=[einvoice_address_check],
        help_text=_(
            "Peppol participant id or French directory address; by default the SIREN "
            "(France) or the enterprise number (Belgium)."
        ),
    )

    # Branding.
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f4e79", validators=[COLOUR])
    footer = models.TextField(_("footer"), max_length=1000, blank=True)
    language = models.CharField(
        _("language of documents"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )

    # Billing terms and the mentions they print.
    payment_days = models.PositiveSmallIntegerField(
        _("payment term (days)"), default=30, validators=[MaxValueValidator(60)]
    )
    quote_validity_days = models.PositiveSmallIntegerField(
        _("quote validity (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    late_penalty_rate = models.DecimalField(
        _("late-payment penalty rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("12.15"),
        validators=[MinValueValidator(0)],
    )
    recovery_indemnity = models.DecimalField(
        _("flat recovery indemnity (EUR)"), max_digits=8, decimal_places=2, default=Decimal("40")
    )
    early_payment_discount = models.CharField(
        _("early-payment discount terms"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty when no discount is granted; the invoice then says so."),
    )
    vat_on_debits = models.BooleanField(_("option for VAT on debits"), default=False)
    vat_franchise = models.BooleanField(
        _("VAT franchise (micro-entreprise, art. 293 B du CGI)"), default=False
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("sales settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_sales_settings_per_org")
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = [
            "share_capital",
            "registration",
            "email",  # the business's billing address, not a person's
            "phone",
            "iban",  # the business's account, printed on every invoice
            "bic",
            "einvoice_address",
            "logo",
            "colour",
            "footer",
            "language",
            "payment_days",
            "quote_validity_days",
            "late_penalty_rate",
            "recovery_indemnity",
            "early_payment_discount",
            "vat_on_debits",
            "vat_franchise",
        ]

    def __str__(self) -> str:
        return f"sales settings of organisation {self.organisation_id}"
