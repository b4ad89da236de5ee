from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import identifiers
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.tenancy.roles import Role
from comptoir.tenancy.scope import TenantModel


class Country(models.TextChoices):
    FRANCE = "FR", _("France")
    BELGIUM = "BE", _("Belgium")


class Organisation(models.Model):
    """A subscribing business: the tenant, and the GDPR controller of its data."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=14, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    privacy_contact_name = models.CharField(_("DPO or privacy contact"), max_length=200)
    privacy_contact_email = models.EmailField(_("privacy contact email"))
    subscription_start = models.DateField(_("subscription start"))
    subscription_end = models.DateField(_("subscription end"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name", "pk"]
        verbose_name = _("organisation")

    class Privacy:
        # The organisation is a business; its only person is the privacy
        # contact (the DPO), published for rights requests.
        subject = None
        people = _("The organisation's privacy contact (DPO)")
        retention = retention.TENANT_AFTER_CONTRACT
        fields = {
            "privacy_contact_name": Personal(
                Category.IDENTITY,
                [Purpose.RIGHTS_REQUESTS],
                OnErasure.ANONYMISE,
                placeholder="Privacy contact",
            ),
            "privacy_contact_email": Personal(
                Category.IDENTITY,
                [Purpose.RIGHTS_REQUESTS],
                OnErasure.ANONYMISE,
                placeholder="privacy-contact@anonymised.invalid",
            ),
        }
        not_personal = [
            "legal_name",  # a company's name: public business data
            "legal_form",
            "country",
            "siren",
            "siret",
            "enterprise_number",
            "vat_number",
            "address_line",  # the business's registered address
            "postal_code",
            "city",
            "subscription_start",
            "subscription_end",
        ]

    def __str__(self) -> str:
        return self.legal_name

    IDENTIFIERS = ("siren", "siret", "enterprise_number", "vat_number")

    def clean_fields(self, exclude=None) -> None:
        # Compact identifiers as people type them ("FR 44 732 829 320",
        # "0403.170.701") before the length checks; clean() validates them.
        for field in self.IDENTIFIERS:
            setattr(self, field, identifiers.compact(getattr(self, field)))
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}

        def check(field: str, validate) -> None:
            value = getattr(self, field)
            if not value:
                return
            try:
                setattr(self, field, validate(value))
            except ValidationError as exc:
                errors[field] = exc

        if self.country == Country.FRANCE:
            check("siren", identifiers.siren)
            check("siret", identifiers.siret)
            if not self.siren:
                errors["siren"] = ValidationError(_("A French organisation needs its SIREN."))
            elif self.siret and not errors.get("siret") and self.siret[:9] != self.siren:
                errors["siret"] = ValidationError(_("The SIRET must start with the SIREN."))
            if self.enterprise_number:
                errors["enterprise_number"] = ValidationError(
                    _("Only Belgian organisations have an enterprise number.")
                )
        elif self.country == Country.BELGIUM:
            check("enterprise_number", identifiers.be_enterprise_number)
            if not self.enterprise_number:
                errors["enterprise_number"] = ValidationError(
                    _("A Belgian organisation needs its enterprise number.")
                )
            for field in ("siren", "siret"):
                if getattr(self, field):
                    errors[field] = ValidationError(_("Only French organisations have one."))
        check("vat_number", lambda v: identifiers.vat_number(v, self.country))
        if (
            self.subscription_end
            and self.subscription_start
            and self.subscription_end < self.subscription_start
        ):
            errors["subscription_end"] = ValidationError(
                _("The subscription cannot end before it starts.")
            )
        if errors:
            raise ValidationError(errors)


class Membership(TenantModel):
    """A user's place in an organisation, with one role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]
        ordering = ["pk"]
        verbose_name = _("membership")

    class Privacy:
        subject = "user"
        retention = retention.INACTIVE_ACCOUNT
        fields = {
            "role": Personal(
                Category.PROFESSIONAL_LIFE,
                [Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY],
                OnErasure.DELETE,
            ),
        }
        not_personal: list[str] = []
