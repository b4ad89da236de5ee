"""The retention rules an organisation actually applies: DOMAIN.md §4's
defaults (``privacy.retention``) with its own durations
(``RetentionOverride``) where it set one.

``effective_rule`` is what the register, the retention sweep and the answer
to an erasure request read; nothing else decides a duration.
"""

import dataclasses
from datetime import date, datetime, timedelta

from comptoir.privacy import retention
from comptoir.privacy.records.models import RetentionOverride
from comptoir.privacy.retention import ALL_RULES, Duration, RetentionRule

RULES_BY_CODE: dict[str, RetentionRule] = {rule.code: rule for rule in ALL_RULES}


def overrides_of(organisation) -> dict[str, Duration]:
    """The organisation's own durations, by rule code."""
    rows = RetentionOverride.objects.of(organisation).values_list("rule_code", "months", "days")
    return {code: Duration(months=months, days=days) for code, months, days in rows}


def effective_rule(organisation, rule: RetentionRule) -> RetentionRule:
    """``rule`` with the organisation's duration, if it set one (one query)."""
    duration = overrides_of(organisation).get(rule.code)
    return rule if duration is None else dataclasses.replace(rule, duration=duration)


def effective_rules(organisation) -> dict[str, RetentionRule]:
    """Every rule by code, as the organisation applies it (one query)."""
    own = overrides_of(organisation)
    return {
        code: rule if code not in own else dataclasses.replace(rule, duration=own[code])
        for code, rule in RULES_BY_CODE.items()
    }


def cutoff(duration: Duration, today: date) -> date:
    """The latest start date whose period has run by ``today``: a row started on
    or before it has expired (``duration.after(start) <= today``). Computed by
    going back in the calendar, so at a month's end it errs on keeping a day or
    two longer, never on deleting early."""
    back = Duration(months=-duration.months, days=-duration.days)
    candidate = back.after(today)
    while duration.after(candidate) > today:  # clamping at a month's end
        candidate = candidate.fromordinal(candidate.toordinal() - 1)
    return candidate


def cutoff_moment(duration: Duration, now: datetime) -> datetime:
    """As ``cutoff`` for a stored moment: rows at or before it have expired."""
    back = Duration(months=-duration.months, days=-duration.days)
    candidate = back.after(now)
    while duration.after(candidate) > now:
        candidate -= timedelta(days=1)
    return candidate


def financial_year_close(moment: date | datetime) -> date:
    """The close of the financial year a document of ``moment`` belongs to
    (calendar years: the organisation's fiscal calendar is not configurable yet)."""
    return date(moment.year, 12, 31)


def held_until(rule: RetentionRule, start: date | datetime | None) -> date | None:
    """Until when a row under ``rule`` is kept, counted from its start event."""
    if start is None or rule.duration is None:
        return None
    if rule.start == retention.StartEvent.FINANCIAL_YEAR_CLOSE:
        start = financial_year_close(start)
    end = rule.duration.after(start)
    return end.date() if isinstance(end, datetime) else end
