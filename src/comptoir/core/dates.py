from datetime import date, datetime, time

from django.utils import timezone


def day_start(day: date | None) -> datetime | None:
    """Midnight of a calendar day in the display time zone (Europe/Paris)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))
