"""The issued snapshot of an invoice: what it printed, frozen and chained.

One row per issued invoice, down-payment invoice or credit note, written once
by ``invoicing.services.invoice_issue`` in the issuing transaction and never
changed after (``frozen``; database triggers too). The snapshot is the
``core.documents.Document`` as JSON, encrypted under the organisation's key
(the row is about no registered person: erasing a contact person later never
changes it; it is held for the accounting retention).

Each row is chained to the previous one of its organisation and series:
``chain_hash = sha256(previous chain_hash + content_hash + number)``, so an
altered, removed or renumbered document shows (``comptoir invoices verify``).
"""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.invoicing.models.frozen import FrozenDocument, IssuedQuerySet, managers
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedTextField
from comptoir.privacy.models import EncryptedModel
from comptoir.sales.models.numbering import Series

GENESIS = "0" * 64


def chain_hash(previous: str, content_hash: str, number: str) -> str:
    """The link of a document in its series' chain."""
    return hashlib.sha256(f"{previous}{content_hash}{number}".encode()).hexdigest()


class IssuedDocument(EncryptedModel):
    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="issued", editable=False
    )
    series = models.CharField(_("series"), max_length=20, choices=Series.choices, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the series"), editable=False)
    number = models.CharField(_("number"), max_length=40, editable=False)
    snapshot = EncryptedTextField(_("document as issued"), max_length=2_000_000, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)
    issued_at = models.DateTimeField(_("issued at"), editable=False)
    issued_by = models.BigIntegerField(_("issued by (user id)"), null=True, editable=False)

    objects, across_organisations = managers(IssuedQuerySet)

    class Meta(EncryptedModel.Meta):
        verbose_name = _("issued document")
        ordering = ["organisation", "series", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "series", "year", "sequence"],
                name="one_issued_per_sequence",
            ),
            models.UniqueConstraint(
                fields=["organisation", "series", "previous_hash"], name="one_successor_per_link"
            ),
        ]

    class Privacy:
        subject = None  # encrypted under the organisation's key, whoever it names
        retention = retention.ACCOUNTING
        fields = {
            "snapshot": Personal(
                Category.IDENTITY,
                (Purpose.ACCOUNTING, Purpose.CONTRACT_MANAGEMENT),
                OnErasure.LEGAL_HOLD,
                encrypted=True,
                notes="The invoice as printed: it names the buyer, who may be a person.",
            ),
            "issued_by": Personal(
                Category.PROFESSIONAL_LIFE,
                (Purpose.ACCOUNTING,),
                OnErasure.LEGAL_HOLD,
                notes="The member who issued the invoice (a user id).",
            ),
        }
        not_personal = [
            "invoice",
            "series",
            "year",
            "sequence",
            "number",
            "content_hash",
            "previous_hash",
            "chain_hash",
            "issued_at",
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenDocument(f"issued document {self.number}")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenDocument(f"issued document {self.number}")
