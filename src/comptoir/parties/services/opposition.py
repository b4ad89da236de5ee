"""A person's objection (GDPR art. 21) marks their party opposed to further processing.

``party_opposition_mark`` is one of ``privacy.suppression``'s objection hooks,
registered in ``PartiesConfig.ready``: when the person objects, the
individual party they are, or the company whose contact person they are, gets
``processing_opposed_at`` (DOMAIN.md §5: no prospection of it from then on).
It runs on the person's own instruction, so a restriction does not stop it.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit
from comptoir.parties.models import ContactPerson, Party
from comptoir.privacy.models import DataSubject


@transaction.atomic
def party_opposition_mark(*, subject: DataSubject, actor: Actor) -> list[Party]:
    """Mark opposed the parties of ``subject`` not marked yet; returns them."""
    companies = ContactPerson.objects.of(subject.organisation_id).filter(data_subject=subject)
    parties = (
        Party.objects.of(subject.organisation_id)
        .select_for_update()
        .filter(Q(data_subject=subject) | Q(pk__in=companies.values("party_id")))
        .filter(processing_opposed_at__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    marked = []
    for party in parties:
        party.processing_opposed_at = now
        party.save(update_fields=["processing_opposed_at"])
        audit(actor=actor, action=Action.UPDATE, instance=party, fields=["processing_opposed_at"])
        marked.append(party)
    return marked
