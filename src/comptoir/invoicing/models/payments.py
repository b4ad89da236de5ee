"""Payments received from clients, and how they settle issued invoices.

A payment is money a party paid: its amount, date and method, and the
reference the bank or the provider gives (a cheque number, a transfer's
reference, a card provider's transaction id: never a card number). The
reference is economic data about the payer: encrypted, under the person's key
when the party is an individual, the organisation's otherwise.

``PaymentAllocation`` says how much of a payment settles which issued invoice.
A payment may settle several invoices, an invoice may be settled by several
payments; what is not allocated is the party's credit, to be allocated later.
The rules (amounts, parties, limits) live in ``invoicing.services.payments``.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedCharField
from comptoir.privacy.models import EncryptedModel
from comptoir.sales.models.base import NOTES_DECLARATION
from comptoir.tenancy.scope import TenantModel

CENT = Decimal("0.01")
# An amount received or allocated: positive, to the cent.
POSITIVE_AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(CENT)]}


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CHEQUE = "cheque", _("Cheque")
    CARD = "card", _("Card (through a payment provider)")
    CASH = "cash", _("Cash")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")


class Payment(EncryptedModel):
    party = models.ForeignKey(
        "parties.Party", verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), **POSITIVE_AMOUNT)
    method = models.CharField(_("method"), max_length=12, choices=PaymentMethod.choices)
    reference = EncryptedCharField(
        _("reference"),
        max_length=80,
        blank=True,
        help_text=_(
            "Cheque number, transfer reference or the payment provider's transaction id; "
            "never a card number."
        ),
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(EncryptedModel.Meta):
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "party"], name="payment_party"),
            models.Index(fields=["organisation", "-received_on"], name="payment_received"),
        ]

    class Privacy:
        # Encrypted under the individual party's key, or the organisation's for a company.
        subject = "data_subject"
        retention = retention.ACCOUNTING
        fields = {
            "reference": Personal(
                Category.ECONOMIC,
                (Purpose.CONTRACT_MANAGEMENT,),
                OnErasure.LEGAL_HOLD,
                encrypted=True,
                notes="A cheque number, transfer reference or provider transaction id.",
            ),
            "notes": NOTES_DECLARATION,
        }
        not_personal = ["party", "received_on", "amount", "method", "created_at"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class PaymentAllocation(TenantModel):
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="allocations"
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = models.DecimalField(_("amount"), **POSITIVE_AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("payment allocation")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="one_allocation_per_pair")
        ]
        indexes = [models.Index(fields=["invoice"], name="allocation_invoice")]

    class Privacy:
        subject = "payment__data_subject"
        retention = retention.ACCOUNTING
        fields: dict = {}
        not_personal = ["payment", "invoice", "amount", "created_at"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
