"""Quotes as the pages and the API read them; the status shown is computed
(``rules.quote_state``: a sent quote past its date is expired)."""

from datetime import date

from django.db.models import QuerySet

from comptoir.sales.models import Quote
from comptoir.sales.models.choices import QuoteStatus
from comptoir.sales.rules import EXPIRED
from comptoir.tenancy.models import Organisation


def quote_list(
    *,
    organisation: Organisation,
    status: str | None = None,
    party=None,
    today: date | None = None,
) -> QuerySet[Quote]:
    """``status`` may be ``expired`` (sent and past its date; ``sent`` then means
    still valid), which needs ``today``."""
    quotes = Quote.objects.of(organisation).select_related("party", "party__data_subject")
    if status == EXPIRED:
        quotes = quotes.filter(status=QuoteStatus.SENT, valid_until__lt=today)
    elif status == QuoteStatus.SENT and today is not None:
        quotes = quotes.filter(status=QuoteStatus.SENT).exclude(valid_until__lt=today)
    elif status:
        quotes = quotes.filter(status=status)
    if party is not None:
        quotes = quotes.filter(party=party)
    return quotes.order_by("-created_at", "-pk")


def quote_get(*, organisation: Organisation, quote_id: int) -> Quote:
    return (
        Quote.objects.of(organisation)
        .select_related("party", "party__data_subject")
        .get(pk=quote_id)
    )
