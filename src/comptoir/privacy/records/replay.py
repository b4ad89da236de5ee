"""Erasures replayed after a backup is restored.

A backup of the data holds the people of its day, erased since or not. The
erasure journal (``ErasureRecord``) lives in the key store, which a restore
of the data leaves as it is (or takes from the key store's own, newer
backups): every person it names and the restored data still holds is
erased again, through the same engine (``erasure.subjects_erase``), so
what no key protects (personal fields stored in clear, rows reached
through the person) goes too. Their keys were deleted with the first
erasure: their encrypted values were unreadable from the moment of the
restore, before the replay ran.

The journal keeps the reason, not the erasure's options: a person erased at
the end of a retention period has their unreferenced rows deleted, as the
sweep does; others are anonymised as a request is. Either way nothing about
them stays readable. The replay writes no new journal entry (the person is
recorded already) and is idempotent.
"""

from dataclasses import dataclass, field

from django.db.models import Subquery

from comptoir.audit.services import Actor
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records.erasure import subjects_erase
from comptoir.privacy.records.models import ErasureReason, ErasureRecord

REFERENCE = "replayed after a restore"


@dataclass
class ReplayReport:
    persons: int = 0
    organisations: set[int] = field(default_factory=set)


def erasures_replay(*, actor: Actor | None = None) -> ReplayReport:
    """Erase again every journalled person the database holds unshredded."""
    actor = actor or Actor.system()
    report = ReplayReport()
    back = (
        DataSubject.across_organisations.filter(
            shredded_at__isnull=True,
            uuid__in=Subquery(ErasureRecord.across_organisations.values("subject_uuid")),
        )
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "pk", "uuid")
    )
    pending: dict[int, list[tuple[int, object]]] = {}
    for organisation_id, pk, subject_uuid in back:
        pending.setdefault(organisation_id, []).append((pk, subject_uuid))
    for organisation_id, persons in pending.items():
        reasons = dict(
            ErasureRecord.objects.of(organisation_id)
            .filter(subject_uuid__in=[subject_uuid for _, subject_uuid in persons])
            .values_list("subject_uuid", "reason")
        )
        by_reason: dict[str, list[int]] = {}
        for pk, subject_uuid in persons:
            by_reason.setdefault(reasons[subject_uuid], []).append(pk)
        for reason, ids in by_reason.items():
            outcome = subjects_erase(
                organisation=organisation_id,
                subject_ids=ids,
                actor=actor,
                reason=reason,
                reference=REFERENCE,
                delete_unreferenced=reason == ErasureReason.RETENTION,
            )
            report.persons += outcome.erased
        report.organisations.add(organisation_id)
    return report
