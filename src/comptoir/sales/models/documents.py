"""Quotes, orders and delivery notes, each made from the one before.

A quote is valid until its date and is accepted or refused; an accepted quote
becomes an order (``Order.quote``); an order is delivered in one or several
delivery notes, each line saying how much of which order line it ships
(``DeliveryLine.order_line``), and invoiced in one or several invoices
(``comptoir.invoicing``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.sales.models.base import DocumentLine, SalesDocument
from comptoir.sales.models.choices import DeliveryStatus, OrderStatus, QuoteStatus


class Quote(SalesDocument):
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=QuoteStatus.choices,
        default=QuoteStatus.DRAFT,
        editable=False,
    )
    decided_on = models.DateField(_("accepted or refused on"), null=True, editable=False)

    class Meta(SalesDocument.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [models.Index(fields=["organisation", "status"], name="quote_status")]

    class Privacy:
        subject = "party__data_subject"
        retention = retention.PROSPECT
        fields = SalesDocument.PRIVACY_FIELDS
        not_personal = [*SalesDocument.NOT_PERSONAL, "valid_until", "status", "decided_on"]


class QuoteLine(DocumentLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        verbose_name = _("quote line")

    class Privacy:
        subject = "quote__party__data_subject"
        retention = retention.PROSPECT
        fields: dict = {}
        not_personal = DocumentLine.NOT_PERSONAL


class Order(SalesDocument):
    quote = models.ForeignKey(
        Quote,
        verbose_name=_("quote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OrderStatus.choices,
        default=OrderStatus.OPEN,
        editable=False,
    )

    class Meta(SalesDocument.Meta):
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    class Privacy:
        subject = "party__data_subject"
        retention = retention.CLIENT_CONTRACT
        fields = SalesDocument.PRIVACY_FIELDS
        not_personal = [*SalesDocument.NOT_PERSONAL, "quote", "status"]


class OrderLine(DocumentLine):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta(DocumentLine.Meta):
        verbose_name = _("order line")

    class Privacy:
        subject = "order__party__data_subject"
        retention = retention.CLIENT_CONTRACT
        fields: dict = {}
        not_personal = DocumentLine.NOT_PERSONAL


class DeliveryNote(SalesDocument):
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="deliveries",
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.DRAFT,
        editable=False,
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)

    class Meta(SalesDocument.Meta):
        verbose_name = _("delivery note")
        verbose_name_plural = _("delivery notes")

    class Privacy:
        subject = "party__data_subject"
        retention = retention.CLIENT_CONTRACT
        fields = SalesDocument.PRIVACY_FIELDS
        not_personal = [*SalesDocument.NOT_PERSONAL, "order", "status", "delivered_on"]


class DeliveryLine(DocumentLine):
    delivery = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="delivery_lines"
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("delivery line")

    class Privacy:
        subject = "delivery__party__data_subject"
        retention = retention.CLIENT_CONTRACT
        fields: dict = {}
        not_personal = [*DocumentLine.NOT_PERSONAL, "order_line"]
