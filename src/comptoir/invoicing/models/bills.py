"""Supplier bills: the e-invoices an organisation receives (since September 2026
every French business must be able to).

A bill is the received file, kept unaltered in ``default_storage`` under a
generated name with its SHA-256, size and content type, and what Comptoir read
in it: the supplier (a party of the organisation), the supplier's number, the
kind, the dates, the totals the file declares, and the findings of the official
rules. A file with fatal findings is kept all the same (a received invoice is
an accounting record), flagged. No service modifies nor deletes the file.

A supplier may be an individual (a micro-entrepreneur): the bill, and the file
that names them, are then about that person (``Privacy.subject``). Bills are
accounting records: kept ten years, under legal hold.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.sales.models.base import AMOUNT
from comptoir.tenancy.scope import TenantModel


class BillKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class BillSyntax(models.TextChoices):
    CII = "cii", "CII"
    UBL = "ubl", "UBL"


class SupplierBill(TenantModel):
    supplier = models.ForeignKey(
        "parties.Party",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="supplier_bills",
        editable=False,
    )
    number = models.CharField(_("supplier's invoice number"), max_length=100, editable=False)
    kind = models.CharField(
        _("kind"), max_length=12, choices=BillKind.choices, default=BillKind.INVOICE, editable=False
    )
    type_code = models.CharField(_("type code"), max_length=3, editable=False)
    syntax = models.CharField(_("syntax"), max_length=3, choices=BillSyntax.choices, editable=False)
    issue_date = models.DateField(_("date"), editable=False)
    due_date = models.DateField(_("due date"), null=True, blank=True, editable=False)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    # The totals the file declares (EN 16931 BT-109, BT-110, BT-112, BT-115).
    total_excl_vat = models.DecimalField(_("total excl. VAT"), editable=False, **AMOUNT)
    total_vat = models.DecimalField(_("VAT"), editable=False, **AMOUNT)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), editable=False, **AMOUNT)
    payable = models.DecimalField(_("amount due"), editable=False, **AMOUNT)
    # The original file, in ``default_storage`` under a generated name.
    file_name = models.CharField(max_length=200, editable=False)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    file_size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("content type"), max_length=40, editable=False)
    # [{"rules", "id", "flag", "text", "location"}]: what the official rules found.
    findings = models.JSONField(_("findings"), default=list, blank=True, editable=False)
    has_fatal = models.BooleanField(_("fatal findings"), default=False, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("supplier bill")
        verbose_name_plural = _("supplier bills")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supplier", "number"], name="supplier_bill_number"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "received_at"], name="supplier_bill_received"),
        ]

    class Privacy:
        subject = "supplier__data_subject"
        retention = retention.ACCOUNTING
        fields = {
            "file_name": Personal(
                Category.IDENTITY,
                (Purpose.ACCOUNTING,),
                OnErasure.LEGAL_HOLD,
                notes="Names the received file, which names the supplier (maybe a person).",
            ),
        }
        not_personal = [
            "supplier",
            "number",
            "kind",
            "type_code",
            "syntax",
            "issue_date",
            "due_date",
            "currency",
            "total_excl_vat",
            "total_vat",
            "total_incl_vat",
            "payable",
            "file_sha256",
            "file_size",
            "content_type",
            "findings",  # the rules' messages: ids and texts of the rules, no values
            "has_fatal",
            "received_at",
            "received_by",
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
