"""Document numbers: one continuous sequence per organisation, series and year.

``NumberSeries`` holds a series' pattern (configurable per organisation);
``NumberCounter`` the last number given in a year. A number is taken by
``comptoir.sales.numbering.number_take`` inside the transaction that issues
the document, under a row lock: a failed issue rolls the counter back with
it, so there is never a gap nor a duplicate.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.tenancy.scope import TenantModel


class Series(models.TextChoices):
    INVOICE = "invoice", _("Invoices")
    CREDIT_NOTE = "credit_note", _("Credit notes")
    DOWN_PAYMENT = "down_payment", _("Down-payment invoices")
    QUOTE = "quote", _("Quotes")
    ORDER = "order", _("Orders")
    DELIVERY = "delivery", _("Delivery notes")


DEFAULT_PATTERNS = {
    Series.INVOICE: "F-{year}-{number:05}",
    Series.CREDIT_NOTE: "AV-{year}-{number:05}",
    Series.DOWN_PAYMENT: "FA-{year}-{number:05}",
    Series.QUOTE: "D-{year}-{number:05}",
    Series.ORDER: "C-{year}-{number:05}",
    Series.DELIVERY: "BL-{year}-{number:05}",
}

PATTERN = RegexValidator(
    r"^[A-Za-z0-9_/+-]*(\{year\}[A-Za-z0-9_/+-]*)?\{number(:0[1-9])?\}[A-Za-z0-9_/+-]*$",
    _(
        "A pattern holds {number} (or {number:05} for five digits), may hold {year}, "
        "and otherwise only letters, digits and - _ / + "
        "(no dot: the French e-invoicing rules refuse it)."
    ),
)


class NumberSeries(TenantModel):
    series = models.CharField(_("series"), max_length=20, choices=Series.choices)
    pattern = models.CharField(_("number pattern"), max_length=40, validators=[PATTERN])

    class Meta(TenantModel.Meta):
        verbose_name = _("number series")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series"], name="one_pattern_per_series"
            )
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["series", "pattern"]

    def __str__(self) -> str:
        return f"{self.series}: {self.pattern}"


class NumberCounter(TenantModel):
    series = models.CharField(max_length=20, choices=Series.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "year"], name="one_counter_per_series_year"
            )
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["series", "year", "last"]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"
