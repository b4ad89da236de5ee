"""An import job: one file imported into one organisation, batch by batch.

The job row is updated in the transaction of each batch it commits, so what
it says (``processed_rows``, ``committed_batches``, the counts) is exactly
what the database holds: after a crash a re-run starts at ``processed_rows``.

The uploaded file and the rejected-rows report hold personal data: they live
in ``default_storage`` under generated names (never the uploader's file
name), never in the database nor in logs, and are deleted by
``import_files_purge`` once ``IMPORT_FILES`` has run out.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.parties.models import declare
from comptoir.privacy.declarations import Category, OnErasure
from comptoir.privacy.retention import Duration, EndAction, RetentionRule, StartEvent
from comptoir.tenancy.scope import TenantModel

IMPORT_FILES = RetentionRule(
    "import_files",
    "imported file and its rejected-rows report",
    Duration(days=30),
    StartEvent.EVENT,  # the end of the import
    EndAction.DELETE,
)


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for its columns")  # uploaded, headers not all known
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(TenantModel):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the file")
    source_name = models.CharField(max_length=200, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    batch_size = models.PositiveIntegerField(default=1000)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    committed_batches = models.PositiveIntegerField(default=0)
    parties_created = models.PositiveIntegerField(default=0)
    contacts_created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [line, column header, reason]: the reasons are the services' messages,
    # which name fields and ids, never values.
    rejections = models.JSONField(default=list, blank=True)
    report_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    files_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    class Privacy:
        # A job is about the many people of its file, none of them in particular.
        subject = None
        retention = IMPORT_FILES
        fields = {
            "source_name": declare.clear(Category.IDENTITY, on_erasure=OnErasure.DELETE),
            "report_name": declare.clear(Category.IDENTITY, on_erasure=OnErasure.DELETE),
        }
        not_personal = [
            "digest",
            "mapping",  # file headers -> column names
            "file_format",
            "status",
            "rejections",  # line, header, reason: no values
            "error",  # an exception's class name only
        ]

    def __str__(self) -> str:
        return f"import #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return int(100 * self.processed_rows / self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
