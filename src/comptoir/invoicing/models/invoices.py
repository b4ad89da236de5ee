"""Invoices, down-payment invoices and credit notes.

A draft has no number and may change. Issuing (``invoicing.services``) gives
it the next number of its series, freezes what it prints, and chains it to
the previous issued document of its series; after that no service, route or
form changes it, and corrections are credit notes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.invoicing.models.frozen import (
    FrozenDocument,
    InvoiceLineQuerySet,
    InvoiceQuerySet,
    managers,
)
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.sales.models.base import AMOUNT, DocumentLine, SalesDocument

# An invoice's free notes are printed on it: held with it for the accounting
# retention, as its snapshot holds them (an erasure never changes an invoice).
INVOICE_NOTES = Personal(
    Category.COMMERCIAL,
    (Purpose.CONTRACT_MANAGEMENT, Purpose.ACCOUNTING),
    OnErasure.LEGAL_HOLD,
    notes="Free text printed on the invoice; may name a person.",
)


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    DOWN_PAYMENT = "down_payment", _("Down-payment invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Invoice(SalesDocument):
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=InvoiceKind.choices,
        default=InvoiceKind.INVOICE,
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.DRAFT,
        editable=False,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    delivery_date = models.DateField(_("date of supply"), null=True, blank=True)
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        editable=False,
    )
    quote = models.ForeignKey(
        "sales.Quote",
        verbose_name=_("quote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        editable=False,
    )
    credited = models.ForeignKey(
        "self",
        verbose_name=_("invoice credited"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        editable=False,
    )
    deducted_on = models.ForeignKey(
        "self",
        verbose_name=_("deducted on the final invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="down_payments",
        editable=False,
    )
    # The issued totals (EN 16931 BT-109, BT-110, BT-112, BT-115), set once at
    # issue from the frozen document, for lists, balances and the dashboard.
    total_excl_vat = models.DecimalField(_("total excl. VAT"), editable=False, **AMOUNT)
    total_vat = models.DecimalField(_("VAT"), editable=False, **AMOUNT)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), editable=False, **AMOUNT)
    payable = models.DecimalField(_("amount due"), editable=False, **AMOUNT)
    # BT-83: the Belgian structured communication, set at issue.
    payment_reference = models.CharField(
        _("payment reference"), max_length=40, blank=True, editable=False
    )

    objects, across_organisations = managers(InvoiceQuerySet)

    class Meta(SalesDocument.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [
            models.Index(fields=["organisation", "status", "kind"], name="invoice_status_kind"),
            models.Index(fields=["organisation", "party"], name="invoice_party"),
        ]

    class Privacy:
        subject = "party__data_subject"
        retention = retention.ACCOUNTING
        fields = {"notes": INVOICE_NOTES}
        not_personal = [
            *SalesDocument.NOT_PERSONAL,
            "kind",
            "quote",
            "payment_reference",
            "status",
            "due_date",
            "delivery_date",
            "order",
            "credited",
            "deducted_on",
            "total_excl_vat",
            "total_vat",
            "total_incl_vat",
            "payable",
        ]

    @property
    def is_issued(self) -> bool:
        return self.status == InvoiceStatus.ISSUED

    def stored_issued(self) -> bool:
        """Whether the row as stored is issued (whatever this instance says)."""
        if self.pk is None:
            return False
        rows = type(self).across_organisations.filter(pk=self.pk, status=InvoiceStatus.ISSUED)
        return rows.exists()

    def save(self, *args, **kwargs):
        if not self._state.adding and self.stored_issued() and not self._deduction(kwargs):
            raise FrozenDocument(f"invoice {self.number}")
        super().save(*args, **kwargs)

    def _deduction(self, kwargs) -> bool:
        """The one write an issued down payment takes: the final invoice that
        deducts it (``deducted_on``), once."""
        fields = kwargs.get("update_fields")
        if fields is None or set(fields) != {"deducted_on"}:
            return False
        stored = type(self).across_organisations.filter(pk=self.pk, deducted_on__isnull=True)
        return self.kind == InvoiceKind.DOWN_PAYMENT and stored.exists()

    def delete(self, *args, **kwargs):
        if self.stored_issued():
            raise FrozenDocument(f"invoice {self.number}")
        return super().delete(*args, **kwargs)


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "sales.OrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
        editable=False,
    )
    # On a credit note: the line of the invoice it credits.
    credited_line = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_lines",
        editable=False,
    )

    objects = models.Manager.from_queryset(InvoiceLineQuerySet)()

    class Meta(DocumentLine.Meta):
        verbose_name = _("invoice line")

    class Privacy:
        subject = "invoice__party__data_subject"
        retention = retention.ACCOUNTING
        fields: dict = {}
        not_personal = [*DocumentLine.NOT_PERSONAL, "order_line", "credited_line"]

    def _invoice_issued(self) -> bool:
        return Invoice.across_organisations.filter(
            pk=self.invoice_id, status=InvoiceStatus.ISSUED
        ).exists()

    def save(self, *args, **kwargs):
        if self._invoice_issued():
            raise FrozenDocument("the line of an issued invoice")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._invoice_issued():
            raise FrozenDocument("the line of an issued invoice")
        return super().delete(*args, **kwargs)
