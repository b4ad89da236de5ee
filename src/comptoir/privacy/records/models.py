"""What the privacy engine records about people by pseudonymous id: erasures
(replayed after a restore) and disclosures to recipients (GDPR art. 19)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedCharField
from comptoir.privacy.models import DataSubject, EncryptedModel, KeyStoreModel
from comptoir.tenancy.scope import TenantModel


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("Rights request (GDPR art. 17)")
    RETENTION = "retention", _("End of the retention period")
    STAFF = "staff", _("Deleted by a member of staff")


class ErasureRecord(KeyStoreModel):
    """That a person was erased, by pseudonymous id only: replayed after a
    backup restore so an erased person stays erased (``replay``), and what the
    retention sweep and rights requests leave behind as proof. In the key
    store: a restored backup brings back the data of its day, never the
    journal of its day, so every erasure since is replayed.

    Holds no value about the person: their ``DataSubject.uuid`` and the rule
    or request that erased them.
    """

    subject_uuid = models.UUIDField(db_index=True)
    reason = models.CharField(max_length=12, choices=ErasureReason.choices)
    # The retention rule's code, or the rights request's id: never a value.
    reference = models.CharField(max_length=64, blank=True)
    erased_at = models.DateTimeField()

    class Meta(KeyStoreModel.Meta):
        ordering = ["erased_at", "pk"]

    class Privacy:
        subject = None  # a pseudonymous id, by design never linked back to a person
        retention = None
        fields: dict = {}
        not_personal = ["subject_uuid", "reason", "reference"]

    def __str__(self) -> str:
        return f"erasure {self.subject_uuid}"


class DisclosureKind(models.TextChoices):
    """To whom a person's data went (GDPR art. 19)."""

    EMAIL = "email", _("Sent by email")
    EXPORT = "export", _("Exported")
    PROCESSOR = "processor", _("Processor")
    OTHER = "other", _("Other recipient")


class Disclosure(EncryptedModel):
    """One time a person's data went to a recipient: a mail sent with a
    document, an export, a processor. Recorded when it happens
    (``privacy.disclosures.disclosure_record``), so a rectification, erasure
    or restriction knows whom to notify (art. 19).

    ``subject`` is the person the data was about; ``recipient`` (an address,
    a processor's name, an export's description) is encrypted under the
    organisation's key, not the person's, so it stays readable to notify the
    recipient of the person's erasure.
    """

    subject = models.ForeignKey(DataSubject, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=DisclosureKind.choices)
    recipient = EncryptedCharField(max_length=300)
    # What went: a model label and id, or a short description with no value.
    what = models.CharField(max_length=120, blank=True)
    occurred_at = models.DateTimeField()
    recorded_by = models.BigIntegerField(null=True, blank=True, help_text="user id")

    class Meta(EncryptedModel.Meta):
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "subject"], name="privacy_disclosure_subj")]

    class Privacy:
        subject = "subject"
        retention = retention.DISCLOSURES
        fields = {
            "recipient": Personal(
                Category.OTHER,
                [Purpose.RIGHTS_REQUESTS],
                OnErasure.LEGAL_HOLD,
                encrypted=True,
                notes="Who received a person's data (GDPR art. 19), kept to notify them.",
            ),
        }
        not_personal = ["kind", "what", "occurred_at", "recorded_by"]

    def __str__(self) -> str:
        return f"disclosure #{self.pk}"


class RetentionOverride(TenantModel):
    """An organisation's own duration for one retention rule of DOMAIN.md §4
    (``privacy.retention``): the register shows it, the sweep applies it
    (``privacy.records.retention.effective_rule``). A rule under legal hold
    may be lengthened, never shortened below its legal default."""

    rule_code = models.CharField(max_length=64)
    months = models.PositiveIntegerField(default=0)
    days = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["organisation", "rule_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rule_code"], name="one_override_per_rule"
            )
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["rule_code"]

    def __str__(self) -> str:
        return f"retention override {self.rule_code}"
