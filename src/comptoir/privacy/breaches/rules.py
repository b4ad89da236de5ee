"""The rules of a breach, written once: the 72-hour countdown (art. 33(1)),
who the supervisory authority is, and the checks on moments and lists the
services apply (the forms and the API hand their values to the services)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.breaches.models import AuthorityStatus
from comptoir.privacy.declarations import Category
from comptoir.tenancy.models import Country

# Art. 33(1): "where feasible, not later than 72 hours after having become aware of it".
NOTIFY_WITHIN = timedelta(hours=72)


@dataclass(frozen=True)
class Authority:
    name: str
    url: str


AUTHORITIES = {
    Country.FRANCE: Authority(
        "CNIL (Commission nationale de l'informatique et des libertés)",
        "https://notifications.cnil.fr/notifications/index",
    ),
    Country.BELGIUM: Authority(
        "APD/GBA (Autorité de protection des données / Gegevensbeschermingsautoriteit)",
        "https://www.autoriteprotectiondonnees.be/",
    ),
}


def authority_of(country: str) -> Authority:
    """The lead supervisory authority of an organisation of ``country``."""
    return AUTHORITIES[Country(country)]


def deadline(aware_at: datetime) -> datetime:
    return aware_at + NOTIFY_WITHIN


@dataclass(frozen=True)
class Countdown:
    """Where a breach stands against its 72 hours, at ``now``."""

    deadline: datetime
    seconds_left: int  # negative once past
    done: bool  # the authority was notified, or it was decided not to notify it
    late: bool  # notified after the deadline, or still undecided past it

    @property
    def hours_left(self) -> int:
        """Whole hours left (rounded down); negative: hours past."""
        return self.seconds_left // 3600


def countdown(breach, *, now: datetime | None = None) -> Countdown:
    now = now or timezone.now()
    end = deadline(breach.aware_at)
    if breach.authority_status == AuthorityStatus.NOTIFIED:
        return Countdown(
            end,
            int((end - breach.authority_notified_at).total_seconds()),
            True,
            breach.authority_notified_at > end,
        )
    if breach.authority_status == AuthorityStatus.NOT_NOTIFIED:
        return Countdown(end, int((end - now).total_seconds()), True, False)
    left = int((end - now).total_seconds())
    return Countdown(end, left, False, left < 0)


def check_moments(*, occurred_from, occurred_until, aware_at, now=None) -> dict:
    """Errors, keyed by field, of a breach's moments."""
    now = now or timezone.now()
    errors: dict[str, ValidationError] = {}
    if occurred_from and occurred_from > now:
        errors["occurred_from"] = ValidationError(_("A breach cannot have happened in the future."))
    if occurred_until and occurred_from and occurred_until < occurred_from:
        errors["occurred_until"] = ValidationError(_("The end comes after the start."))
    elif occurred_until and occurred_until > now:
        errors["occurred_until"] = ValidationError(_("This moment is in the future."))
    if aware_at:
        if aware_at > now:
            errors["aware_at"] = ValidationError(_("This moment is in the future."))
        elif occurred_from and aware_at < occurred_from:
            errors["aware_at"] = ValidationError(
                _("The organisation cannot have become aware of the breach before it began.")
            )
    return errors


def check_after_awareness(name: str, moment, *, aware_at, now=None) -> dict:
    now = now or timezone.now()
    if moment is None:
        return {name: ValidationError(_("This field is required."))}
    if moment > now:
        return {name: ValidationError(_("This moment is in the future."))}
    if moment < aware_at:
        return {name: ValidationError(_("This moment comes before the breach was known."))}
    return {}


def check_choices(name: str, values, allowed) -> dict:
    """A list field: a list of distinct known codes."""
    if not isinstance(values, list | tuple) or any(v not in allowed for v in values):
        return {name: ValidationError(_("Choose among the values offered."))}
    return {}


CATEGORY_CODES = frozenset(c.value for c in Category)
