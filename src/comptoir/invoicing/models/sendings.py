"""The files of issued documents and their sendings by email.

``DocumentFile``: an issued document's Factur-X PDF or UBL XML as it was made
once from the frozen snapshot and kept in the storage (``default_storage``)
with its SHA-256: every later download, sending or export gives this same
file, the one the client received (the legal archive). It names nobody (the
file itself is in the storage, its content the issued snapshot's).

``DocumentSending``: who received which document by email, and which files,
when and from whom (GDPR art. 19: the recipients to tell of a rectification
or an erasure). The address is a person's data: encrypted under the contact
person's key when sent to one, the individual client's when the client is a
person, the organisation's otherwise; kept with the invoice for the
accounting retention.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedEmailField
from comptoir.privacy.models import EncryptedModel
from comptoir.tenancy.scope import TenantModel


class FileFormat(models.TextChoices):
    FACTURX = "facturx", _("Factur-X PDF")
    UBL = "ubl", _("UBL XML")


class DocumentFile(TenantModel):
    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="files", editable=False
    )
    format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices, editable=False)
    name = models.CharField(_("file name"), max_length=120, editable=False)
    path = models.CharField(max_length=255, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("issued document file")
        ordering = ["invoice", "format"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "format"], name="one_file_per_format")
        ]

    class Privacy:
        subject = None
        retention = retention.ACCOUNTING
        fields: dict = {}
        not_personal = ["invoice", "format", "name", "path", "sha256", "size"]

    def __str__(self) -> str:
        return self.name


class DocumentSending(EncryptedModel):
    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="sendings", editable=False
    )
    recipient_email = EncryptedEmailField(_("recipient email"), max_length=254, editable=False)
    recipient_party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", editable=False
    )
    recipient_contact = models.ForeignKey(
        "parties.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    files = models.CharField(_("files sent"), max_length=300, editable=False)
    sent_at = models.DateTimeField(_("sent at"), editable=False)
    sent_by = models.BigIntegerField(_("sent by (user id)"), null=True, editable=False)

    class Meta(EncryptedModel.Meta):
        verbose_name = _("document sending")
        ordering = ["-sent_at", "-pk"]

    class Privacy:
        subject = "data_subject"
        retention = retention.ACCOUNTING
        fields = {
            "recipient_email": Personal(
                Category.IDENTITY,
                (Purpose.CONTRACT_MANAGEMENT, Purpose.ACCOUNTING),
                OnErasure.LEGAL_HOLD,
                encrypted=True,
                notes="Where an invoice was sent (GDPR art. 19: recipients of the data).",
            ),
            "sent_by": Personal(
                Category.PROFESSIONAL_LIFE,
                (Purpose.ACCOUNTING,),
                OnErasure.LEGAL_HOLD,
                notes="The member who sent the invoice (a user id).",
            ),
        }
        not_personal = [
            "invoice",
            "recipient_party",
            "recipient_contact",
            "files",
            "sent_at",
        ]

    def __str__(self) -> str:
        return f"sending #{self.pk}"
