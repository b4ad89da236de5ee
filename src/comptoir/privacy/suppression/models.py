"""The suppression (opposition) list: who objected, by keyed hash only.

An entry holds the blind index of an email address or phone number
(``privacy.blind_index``: HMAC-SHA256 under the organisation's index key, over
the value's normal form), never the value. Why the blind index rather than a
key of its own: the entry must be compared with what people give (a form, a
file to import) and with the searchable columns, which are indexed with that
very key over that very normal form. So an import checks its rows against
the list with the digests it computes anyway to find duplicates, at no extra
HMAC; the key is the organisation's, never rotated (entries stay valid), and
deleting the organisation deletes it with everything else. The digest
reveals nothing without the key, which never leaves the key hierarchy.

Kept three years from the (latest) objection (``retention.SUPPRESSION_LIST``,
``retention_start``), then deleted by the retention sweep.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import blind_index, retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.tenancy.scope import TenantModel


class SuppressionKind(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone")


class SuppressionEntry(TenantModel):
    kind = models.CharField(_("kind"), max_length=5, choices=SuppressionKind.choices)
    digest = models.BinaryField(max_length=blind_index.INDEX_BYTES)
    # When the (latest) objection was received: the retention clock's start.
    created_at = models.DateTimeField(_("objected on"), default=timezone.now)
    # What it came from: a rights request's id, a letter's reference; never a value.
    reference = models.CharField(_("reference"), max_length=64, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "digest"], name="suppression_once_per_value"
            )
        ]
        indexes = [models.Index(fields=["organisation", "created_at"], name="suppression_by_date")]
        verbose_name = _("suppression list entry")
        verbose_name_plural = _("suppression list")

    class Privacy:
        subject = None  # a keyed hash, by design never linked back to a person
        retention = retention.SUPPRESSION_LIST
        retention_start = "created_at"
        fields = {
            "digest": Personal(
                Category.IDENTITY,
                [Purpose.RIGHTS_REQUESTS],
                OnErasure.LEGAL_HOLD,
                notes="keyed hash (the organisation's blind index) of an email or phone "
                "number that objected; never the value",
            ),
        }
        not_personal = ["kind", "reference"]

    def __str__(self) -> str:
        return f"suppression entry #{self.pk}"

    @property
    def kept_until(self):
        """When the retention sweep deletes it (the default rule, DOMAIN.md §4)."""
        return retention.SUPPRESSION_LIST.duration.after(self.created_at)
