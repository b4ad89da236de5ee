"""What every commercial document and every document line holds, written once.

Quotes, orders, delivery notes (here) and invoices, credit notes and down
payments (``comptoir.invoicing``) inherit these abstract models; their
services, API schemas and forms derive their fields from them
(``comptoir.core.modelfields.editable_fields``).

A document is about its party (the client); when that party is an individual,
the document is about that person. Amounts and lines are commercial data, not
personal fields; the free notes may name people and are declared so.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import documents
from comptoir.core.vat import VatCategory
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.sales.models.catalogue import PRICE, RATE
from comptoir.sales.models.choices import Unit
from comptoir.tenancy.scope import TenantModel

PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "default": Decimal("0"),
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
QUANTITY = {"max_digits": 14, "decimal_places": 3}
AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}

NOTES_DECLARATION = Personal(
    Category.COMMERCIAL,
    (Purpose.CONTRACT_MANAGEMENT,),
    OnErasure.ANONYMISE,
    notes="Free text printed on the document; may name a person.",
)


class SalesDocument(TenantModel):
    party = models.ForeignKey(
        "parties.Party", verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=40, blank=True, editable=False)
    issue_date = models.DateField(_("date"), null=True, blank=True)
    purchase_order = models.CharField(_("client's order reference"), max_length=60, blank=True)
    discount_percent = models.DecimalField(_("document discount (%)"), **PERCENT)
    charge_amount = models.DecimalField(
        _("charges excl. VAT (shipping, handling)"),
        validators=[MinValueValidator(0)],
        **AMOUNT,
    )
    charge_reason = models.CharField(_("charges for"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        abstract = True
        ordering = ["-created_at", "-pk"]

    # The fields every document declares the same way; concrete models add theirs.
    PRIVACY_FIELDS = {"notes": NOTES_DECLARATION}
    NOT_PERSONAL = [
        "number",
        "issue_date",
        "purchase_order",
        "discount_percent",
        "charge_amount",
        "charge_reason",
    ]

    def __str__(self) -> str:
        return self.number or f"{self._meta.verbose_name} #{self.pk}"


class DocumentLine(models.Model):
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "sales.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_service = models.BooleanField(_("service"), default=False)
    quantity = models.DecimalField(
        _("quantity"), validators=[MinValueValidator(Decimal("0"))], **QUANTITY
    )
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.UNIT)
    unit_price = models.DecimalField(_("unit price excl. VAT"), **PRICE)
    discount_percent = models.DecimalField(_("discount (%)"), **PERCENT)
    vat_category = models.CharField(
        _("VAT category"), max_length=2, choices=VatCategory.choices, default=VatCategory.STANDARD
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), **RATE)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    NOT_PERSONAL = [
        "position",
        "product",
        "reference",
        "name",
        "description",
        "is_service",
        "quantity",
        "unit",
        "unit_price",
        "discount_percent",
        "vat_category",
        "vat_rate",
    ]

    def __str__(self) -> str:
        return self.name

    def printed(self, number: int) -> documents.Line:
        """The line as a document prints it (``comptoir.core.documents``)."""
        return documents.Line(
            number=str(number),
            name=self.name,
            description=self.description,
            reference=self.reference,
            is_service=self.is_service,
            quantity=self.quantity,
            unit=self.unit,
            unit_price=self.unit_price,
            discount_percent=self.discount_percent,
            vat_category=self.vat_category,
            vat_rate=self.vat_rate,
        )
