"""What reads the breach register (scoped to one organisation)."""

from django.db.models import QuerySet

from comptoir.privacy.breaches.models import Breach, BreachUpdate
from comptoir.tenancy.models import Organisation


def breach_list(*, organisation: Organisation) -> QuerySet[Breach]:
    """Open breaches first, the latest known first."""
    return Breach.objects.of(organisation).order_by("closed_at", "-aware_at", "-pk")


def breach_get(*, organisation: Organisation, breach_id: int) -> Breach:
    """The organisation's breach; ``Breach.DoesNotExist`` for another's."""
    return Breach.objects.of(organisation).get(pk=breach_id)


def breach_timeline(*, breach: Breach) -> QuerySet[BreachUpdate]:
    return (
        BreachUpdate.objects.of(breach.organisation_id).filter(breach=breach).order_by("at", "pk")
    )
