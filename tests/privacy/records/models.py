"""A test-only model whose rows expire a fixed time after a stored moment
(``Privacy.retention_start``), as suppression entries and identity documents
will: the sweep must delete it generically. App label
``privacy_tests``, table made by the conftest; registered in the privacy
registry only while a test asks for it (fixture ``identity_copies``), so the
project's own registry stays as it is for the other tests."""

from django.db import models

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose


class IdentityCopy(models.Model):
    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    file_name = models.CharField(max_length=200)
    received_at = models.DateTimeField()

    class Meta:
        app_label = "privacy_tests"

    class Privacy:
        subject = None
        retention = retention.RIGHTS_REQUEST_IDENTITY_DOCUMENT
        retention_start = "received_at"
        fields = {
            "file_name": Personal(Category.IDENTITY, [Purpose.RIGHTS_REQUESTS], OnErasure.DELETE)
        }

    def __str__(self) -> str:
        return f"identity copy #{self.pk}"


class WrongStart(models.Model):
    """``retention_start`` naming a text column: refused at start-up."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    label = models.CharField(max_length=20)

    class Meta:
        app_label = "privacy_tests"

    class Privacy:
        subject = None
        retention = retention.RIGHTS_REQUEST_IDENTITY_DOCUMENT
        retention_start = "label"
        not_personal = ["label"]

    def __str__(self) -> str:
        return f"wrong start #{self.pk}"


class StartWithoutDuration(models.Model):
    """``retention_start`` under a rule with no fixed duration, and a missing field."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    ended_on = models.DateField()

    class Meta:
        app_label = "privacy_tests"

    class Privacy:
        subject = None
        retention = retention.CLIENT_CONTRACT
        retention_start = "ended_on"

    def __str__(self) -> str:
        return f"no duration #{self.pk}"
