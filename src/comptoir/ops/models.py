"""The operator's records of tenant offboarding, and the organisation's export.

``OffboardingRecord``: that an organisation was deleted for good (its id and
the time, nothing else; no foreign key, the organisation is gone). It is the
offboarding's own journal: ``offboarding.services.offboardings_replay`` reads
it after a backup restore and deletes again every organisation it names that
the restored database still holds. Its table is in the key store
(``comptoir.core.keystore``, created there by its migration), outside the
data backups it corrects.

``OrganisationExport``: one archive of everything an organisation owns (its
portability between vendors, ``offboarding.export``), made by a background
task; the ZIP itself is in ``default_storage`` under a generated name and is
deleted with the row (``ORGANISATION_EXPORT`` after it is made, or with the
organisation).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.tenancy.scope import TenantModel


class OffboardingRecord(models.Model):
    # A plain id: the organisation row is deleted in the same transaction.
    organisation_id = models.BigIntegerField(unique=True)
    offboarded_at = models.DateTimeField()

    class Meta:
        ordering = ["offboarded_at", "pk"]

    class Privacy:
        subject = None  # an organisation's id: a business, not a person
        retention = None
        fields: dict = {}
        not_personal: list[str] = []

    def __str__(self) -> str:
        return f"organisation {self.organisation_id} offboarded"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class OrganisationExport(TenantModel):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    total_steps = models.PositiveIntegerField(default=0)
    done_steps = models.PositiveIntegerField(default=0)
    # The archive, in ``default_storage`` under a generated name.
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # What went wrong, as an exception's class name: never a value.
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("organisation export")
        verbose_name_plural = _("organisation exports")

    class Privacy:
        # The archive holds everyone's data, no one in particular; the row
        # itself only says where it is and how far its making went.
        subject = None
        retention = retention.ORGANISATION_EXPORT
        fields: dict = {}
        not_personal = ["status", "file_name", "sha256", "error"]

    def __str__(self) -> str:
        return f"organisation export #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total_steps:
            return 0
        return min(100, self.done_steps * 100 // self.total_steps)
