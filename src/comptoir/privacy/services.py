"""Privacy operations that change state (transactional, audited)."""

from django.db import transaction
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy.keys import subject_keys_forget
from comptoir.privacy.models import DataSubject, SubjectKey


@transaction.atomic
def subject_shred(*, subject: DataSubject, actor: Actor | None) -> DataSubject:
    """Crypto-shred one person: destroy their key, so every value it encrypted is noise.

    The row stays (its uuid is what erasure records and restores replay
    against); the key leaves the key store in the same transaction as the
    audit event, and ``shredded_at`` tells every process, whatever its cache
    holds, that the person's values are gone.
    """
    locked = DataSubject.objects.of(subject.organisation_id).select_for_update().get(pk=subject.pk)
    if locked.shredded_at is None:
        SubjectKey.objects.of(locked.organisation_id).filter(subject_uuid=locked.uuid).delete()
        locked.shredded_at = timezone.now()
        locked.save(update_fields=["shredded_at"])
        transaction.on_commit(lambda: subject_keys_forget([locked.uuid]))
        audit_record(
            actor=actor or Actor.system(),
            action=Action.ERASE,
            organisation_id=locked.organisation_id,
            object_type=DataSubject._meta.label_lower,
            object_id=locked.uuid,
            fields=["wrapped_key"],
        )
    subject.shredded_at = locked.shredded_at
    return subject
