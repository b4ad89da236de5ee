"""The catalogue: the products and services an organisation sells."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.vat import VatCategory
from comptoir.sales.models.choices import Unit
from comptoir.tenancy.scope import TenantModel, tenant_index

# A unit price may have tenths of a cent; never negative (EN 16931 BR-27): a
# discount is a percentage, a correction a credit note.
PRICE = {"max_digits": 16, "decimal_places": 4, "validators": [MinValueValidator(0)]}
RATE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Product(TenantModel):
    reference = models.CharField(_("reference"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_service = models.BooleanField(_("service"), default=False)
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.UNIT)
    unit_price = models.DecimalField(_("unit price excl. VAT"), **PRICE)
    vat_category = models.CharField(
        _("VAT category"), max_length=2, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), **RATE)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["reference", "pk"]
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        indexes = [tenant_index("product", "name")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="one_product_per_reference"
            )
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = [
            "reference",
            "name",
            "description",
            "is_service",
            "unit",
            "unit_price",
            "vat_category",
            "vat_rate",
            "is_active",
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"
