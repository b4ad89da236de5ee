"""Reading the suppression list: its entries by date, never a value (there is none)."""

from django.db.models import QuerySet

from comptoir.privacy.suppression.models import SuppressionEntry
from comptoir.tenancy.models import Organisation


def suppression_list(*, organisation: Organisation) -> QuerySet[SuppressionEntry]:
    """The organisation's entries, the latest objection first."""
    return SuppressionEntry.objects.of(organisation).defer("digest").order_by("-created_at", "-pk")


def suppression_get(*, organisation: Organisation, entry_id: int) -> SuppressionEntry:
    return SuppressionEntry.objects.of(organisation).defer("digest").get(pk=entry_id)
