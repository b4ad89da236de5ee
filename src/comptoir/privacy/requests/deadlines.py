"""The deadline of a rights request (GDPR art. 12(3), DOMAIN.md §5), computed in
one place from what the request records.

* one calendar month from receipt: the same day of the next month, or its last
  day when it has none (31 January -> 28 or 29 February);
* extended by up to two more months (counted from receipt, so 31 January + 3
  months is 30 April), provided the extension is decided and the person told
  within the first month;
* the clock stands still while identity proof is awaited: the due date moves
  by the days of each pause (a pause still running counts up to today).

Days are those of Europe/Paris, where the organisation's staff read them.
"""

from datetime import date, datetime

from django.utils import timezone

from comptoir.privacy.retention import Duration

MAX_EXTENSION_MONTHS = 2
# How close to its due date a request is listed as "due soon" and reminded of.
DUE_SOON_DAYS = 7


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def paused_days(pauses, *, today: date) -> int:
    """Days the clock stood still: each pause from its first day to its last
    (a running one to ``today``)."""
    total = 0
    for started_at, ended_at in pauses:
        end = local_day(ended_at) if ended_at is not None else today
        total += max(0, (end - local_day(started_at)).days)
    return total


def due_on(*, received_at: datetime, extension_months: int = 0, paused: int = 0) -> date:
    """The day by which the answer is due."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError("an extension is of one or two months")
    return Duration(months=1 + extension_months, days=paused).after(local_day(received_at))


def first_month_end(*, received_at: datetime, paused: int = 0) -> date:
    """The last day on which an extension may still be decided and notified."""
    return due_on(received_at=received_at, paused=paused)


def days_left(due: date, *, today: date) -> int:
    """Days until ``due`` (0 on the day itself, negative once late)."""
    return (due - today).days
