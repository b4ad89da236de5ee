"""Taking the next number of a series: gapless and never twice.

The counter row of (organisation, series, year) is created on first use and
then locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer
at a time) for the rest of the caller's transaction, which must be the
transaction that stores the number: when it rolls back, so does the counter.
"""

from django.db import IntegrityError, transaction

from comptoir.sales.models.numbering import (
    DEFAULT_PATTERNS,
    NumberCounter,
    NumberSeries,
    Series,
)


def pattern_of(organisation_id: int, series: Series) -> str:
    row = NumberSeries.objects.of(organisation_id).filter(series=series).first()
    return row.pattern if row is not None else DEFAULT_PATTERNS[series]


def format_number(pattern: str, *, year: int, number: int) -> str:
    return pattern.format(year=year, number=number)


def _counter(organisation_id: int, series: Series, year: int) -> NumberCounter:
    counters = NumberCounter.objects.of(organisation_id).select_for_update()
    counter = counters.filter(series=series, year=year).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():  # a savepoint: losing the race leaves the outer one intact
            NumberCounter.objects.create(
                organisation_id=organisation_id, series=series, year=year, last=0
            )
    except IntegrityError:
        pass  # created meanwhile by another transaction, now committed
    return counters.get(series=series, year=year)


def number_take(*, organisation_id: int, series: Series, year: int) -> str:
    """The next number of the series in ``year``, formatted with its pattern.
    Must run inside the transaction that stores it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction that stores the number")
    counter = _counter(organisation_id, series, year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_number(pattern_of(organisation_id, series), year=year, number=counter.last)
