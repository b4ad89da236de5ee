"""Privacy operations that change state (transactional, audited)."""

from django.db import transaction
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy.models import DataSubject


@transaction.atomic
def subject_shred(*, subject: DataSubject, actor: Actor | None) -> DataSubject:
    """Crypto-shred one person: destroy their key, so every value it encrypted is noise.

    The row stays (its uuid is what erasure records and restores replay
    against); the wrapped key becomes NULL in the same transaction as the
    audit event. Person keys are cached by their wrapped bytes, so no process
    can open a value with the destroyed key once it reads the row again.
    """
    locked = DataSubject.objects.of(subject.organisation_id).select_for_update().get(pk=subject.pk)
    if locked.wrapped_key is not None:
        locked.wrapped_key = None
        locked.shredded_at = timezone.now()
        locked.save(update_fields=["wrapped_key", "shredded_at"])
        audit_record(
            actor=actor or Actor.system(),
            action=Action.ERASE,
            organisation_id=locked.organisation_id,
            object_type=DataSubject._meta.label_lower,
            object_id=locked.uuid,
            fields=["wrapped_key"],
        )
    subject.wrapped_key, subject.shredded_at = locked.wrapped_key, locked.shredded_at
    return subject
