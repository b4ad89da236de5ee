"""Retention overrides: an organisation's own duration for a rule of DOMAIN.md
§4 (transactional, journalled). Legal holds win: a rule under one may be
lengthened, never shortened below its default."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy.records.models import RetentionOverride
from comptoir.privacy.records.retention import RULES_BY_CODE
from comptoir.privacy.retention import Duration

MAX_MONTHS = 12 * 50
MAX_DAYS = 366 * 50
_REFERENCE = date(2001, 1, 31)  # durations compared by where they lead from one date


def _journal(override: RetentionOverride, action: str, actor: Actor) -> None:
    audit_record(
        actor=actor,
        action=action,
        organisation_id=override.organisation_id,
        object_type=RetentionOverride._meta.label_lower,
        object_id=override.rule_code,
        fields=["months", "days"],
    )


def _check(rule_code: str, months, days) -> Duration:
    rule = RULES_BY_CODE.get(rule_code)
    if rule is None:
        raise ValidationError({"rule_code": _("No such retention rule.")}, code="unknown")
    if rule.duration is None:
        raise ValidationError(
            {"rule_code": _("This rule lasts as long as the relationship: it has no duration.")},
            code="no_duration",
        )
    errors = {}
    if not isinstance(months, int) or not 0 <= months <= MAX_MONTHS:
        errors["months"] = _("Months must be a whole number from 0 to %(max)s.") % {
            "max": MAX_MONTHS
        }
    if not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        errors["days"] = _("Days must be a whole number from 0 to %(max)s.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors, code="invalid")
    duration = Duration(months=months, days=days)
    if not months and not days:
        raise ValidationError({"months": _("A retention period cannot be empty.")}, code="empty")
    if rule.legal_hold and duration.after(_REFERENCE) < rule.duration.after(_REFERENCE):
        raise ValidationError(
            {"months": _("The law keeps these records at least %(duration)s.") % {
                "duration": rule.duration
            }},
            code="legal_hold",
        )  # fmt: skip
    return duration


@transaction.atomic
def retention_override_set(
    *, actor: Actor, organisation, rule_code: str, months: int, days: int = 0
) -> RetentionOverride:
    """Set the organisation's own duration for one rule (created or changed)."""
    _check(rule_code, months, days)
    override = (
        RetentionOverride.objects.of(organisation)
        .select_for_update()
        .filter(rule_code=rule_code)
        .first()
    )
    if override is None:
        override = RetentionOverride.objects.create(
            organisation=organisation, rule_code=rule_code, months=months, days=days
        )
        _journal(override, Action.CREATE, actor)
    elif (override.months, override.days) != (months, days):
        override.months, override.days = months, days
        override.save(update_fields=["months", "days", "updated_at"])
        _journal(override, Action.UPDATE, actor)
    return override


@transaction.atomic
def retention_override_clear(*, actor: Actor, organisation, rule_code: str) -> bool:
    """Back to DOMAIN.md's default for this rule; whether there was an override."""
    override = (
        RetentionOverride.objects.of(organisation)
        .select_for_update()
        .filter(rule_code=rule_code)
        .first()
    )
    if override is None:
        return False
    _journal(override, Action.DELETE, actor)
    override.delete()
    return True
