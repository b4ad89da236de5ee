"""Which backups to keep: a pure function of their names, the time and the
durations (DOMAIN.md §4, ``comptoir.privacy.retention``).

A backup's name carries its kind and its creation time (UTC, to the second)::

    data/comptoir-data-20261203T180000Z.cbk
    keys/comptoir-keys-20261203T180000Z.cbk

The rules, applied to the names alone (no backup is opened):

* **data**, hourly: kept while younger than ``hourly`` (7 days).
* **data**, weekly: the *first* data backup of each ISO week (Monday 00:00
  UTC onwards, by the time in its name) is the week's weekly backup, kept
  while younger than ``weekly`` (1825 days). Being the earliest of its week,
  it stays the weekly as time passes: a later backup of the same week can
  never take its place, and the other backups of that week are removed once
  older than ``hourly``. The weekly is chosen among every backup of the week
  present before the pruning, so pruning twice changes nothing.
* **keys** (the key store): kept while younger than ``keys`` (7 days), never
  as a weekly: an erased person's key is in no backup after that.
* Anything else in the folder (a name not of this form, a temporary file)
  is never deleted.

A backup is removed when its age (``now`` minus its time) is at least the
duration; one dated in the future is kept.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DATA, KEYS = "data", "keys"
SUFFIX = ".cbk"
_STAMP = "%Y%m%dT%H%M%SZ"
# Django's storages may add "_<random>" before the suffix when a name is taken.
_NAME = re.compile(r"^(?:(data|keys)/)?comptoir-(data|keys)-(\d{8}T\d{6}Z)(?:_[A-Za-z0-9]+)?\.cbk$")


@dataclass(frozen=True)
class Durations:
    hourly: timedelta
    weekly: timedelta
    keys: timedelta


@dataclass(frozen=True)
class Decision:
    name: str
    keep: bool
    reason: str
    kind: str | None = None
    created_at: datetime | None = None


def backup_name(kind: str, created_at: datetime) -> str:
    """The storage name of a backup of ``kind`` made at ``created_at``."""
    stamp = created_at.astimezone(UTC).strftime(_STAMP)
    return f"{kind}/comptoir-{kind}-{stamp}{SUFFIX}"


def parse_name(name: str) -> tuple[str, datetime] | None:
    """(kind, creation time) of a backup's name, or None if it is not one."""
    match = _NAME.match(name)
    if match is None or (match[1] and match[1] != match[2]):
        return None
    try:
        created = datetime.strptime(match[3], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return match[2], created


def _days(delta: timedelta) -> str:
    return f"{delta.days} days" if delta.days * 86400 == delta.total_seconds() else str(delta)


def decide(names: Iterable[str], *, now: datetime, durations: Durations) -> list[Decision]:
    """One decision per name, in the order given."""
    names = list(names)
    parsed = {name: parse_name(name) for name in names}
    first_of_week: dict[tuple[int, int], tuple[datetime, str]] = {}
    for name, found in parsed.items():
        if found and found[0] == DATA:
            week = found[1].isocalendar()[:2]
            if week not in first_of_week or (found[1], name) < first_of_week[week]:
                first_of_week[week] = (found[1], name)
    weeklies = {name for _, name in first_of_week.values()}

    decisions = []
    for name in names:
        found = parsed[name]
        if found is None:
            decisions.append(Decision(name, True, "not a backup's name: never deleted"))
            continue
        kind, created = found
        age = now - created
        if kind == KEYS:
            keep = age < durations.keys
            reason = (
                f"key store backup {'younger' if keep else 'older'} than {_days(durations.keys)}"
            )
        elif age < durations.hourly:
            keep, reason = True, f"data backup younger than {_days(durations.hourly)}"
        elif name in weeklies:
            keep = age < durations.weekly
            reason = (
                f"first data backup of ISO week {created:%G-W%V}, "
                f"{'younger' if keep else 'older'} than {_days(durations.weekly)}"
            )
        else:
            keep = False
            reason = (
                f"data backup older than {_days(durations.hourly)}, "
                f"not the first of ISO week {created:%G-W%V}"
            )
        decisions.append(Decision(name, keep, reason, kind, created))
    return decisions
