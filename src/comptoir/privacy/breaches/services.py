"""What changes the breach register: keyword-only, atomic, journalled.

Each service changes one breach under a row lock, checks what it is given
(errors keyed by field, nothing written when one is refused), appends one
entry to the breach's timeline and writes one audit event (field names, never
values). A closed breach changes no more.

* ``breach_record``: a new breach, from its facts (the 72 hours run from ``aware_at``);
* ``breach_update``: facts added or corrected, with a note (art. 33(4): in phases);
* ``breach_assess_risk``: none, risk or high risk, and why;
* ``breach_notify_authority`` / ``breach_waive_authority``: told the CNIL or the
  APD/GBA (a late notification gives the reasons for its delay), or why not;
* ``breach_tell_people`` / ``breach_waive_people``: told the people, or why not (art. 34(3));
* ``breach_close``: every decision taken, the file is closed.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, check_names, validate
from comptoir.core.changes import changed, filled, snapshot
from comptoir.core.modelfields import editable_fields
from comptoir.privacy.breaches import rules
from comptoir.privacy.breaches.models import (
    AuthorityStatus,
    Breach,
    BreachUpdate,
    Nature,
    NotToldReason,
    PeopleKind,
    PeopleStatus,
    Risk,
    UpdateKind,
)
from comptoir.tenancy.models import Organisation

# What the person recording a breach gives, and may correct later.
BREACH_FIELDS = editable_fields(Breach)


def _facts_errors(breach: Breach) -> dict[str, ValidationError]:
    errors = rules.check_moments(
        occurred_from=breach.occurred_from,
        occurred_until=breach.occurred_until,
        aware_at=breach.aware_at,
    )
    errors.update(rules.check_choices("natures", breach.natures, Nature.values))
    errors.update(
        rules.check_choices("data_categories", breach.data_categories, rules.CATEGORY_CODES)
    )
    errors.update(
        rules.check_choices("people_categories", breach.people_categories, PeopleKind.values)
    )
    return errors


def _distinct(values: dict[str, Any]) -> dict[str, Any]:
    """List fields kept once each, in the order given."""
    for name in ("natures", "data_categories", "people_categories"):
        if isinstance(values.get(name), list | tuple):
            values[name] = list(dict.fromkeys(values[name]))
    return values


def _next_reference(organisation: Organisation, year: int) -> str:
    """``2026-003``: the organisation's third breach recorded in 2026. The
    organisation's row is locked meanwhile, so two breaches never share one."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    prefix = f"{year}-"
    taken = Breach.objects.of(organisation).filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


def _append(*, breach: Breach, actor: Actor, kind: str, names, note: str = "") -> BreachUpdate:
    entry = BreachUpdate(
        organisation_id=breach.organisation_id,
        breach=breach,
        kind=kind,
        changed=sorted(names),
        note=note,
        at=timezone.now(),
        by=actor.user_id,
    )
    validate(entry)
    entry.save()
    return entry


def _locked(breach: Breach) -> Breach:
    locked = Breach.objects.of(breach.organisation_id).select_for_update().get(pk=breach.pk)
    if locked.closed_at is not None:
        raise ValidationError(_("This breach is closed: it changes no more."))
    return locked


def _save(*, actor: Actor, breach: Breach, before: dict, kind: str, note: str = "", errors=None):
    """Validate, save what changed, append to the timeline, journal: the end of
    every service that changes a breach."""
    validate(breach, more={**_facts_errors(breach), **(errors or {})})
    names = changed(breach, before)
    breach.save(update_fields=[*names, "updated_at"])
    _append(breach=breach, actor=actor, kind=kind, names=names, note=note)
    audit(actor=actor, action=Action.UPDATE, instance=breach, fields=[*names, "updates"])
    return breach


@transaction.atomic
def breach_record(*, actor: Actor, organisation: Organisation, **values: Any) -> Breach:
    """Record a breach as soon as it is known; ``dpo_contact`` defaults to the
    organisation's privacy contact."""
    check_names(values, BREACH_FIELDS, "breach_record")
    values = _distinct(values)
    now = timezone.now()
    breach = Breach(organisation=organisation, recorded_at=now, recorded_by=actor.user_id, **values)
    if not breach.dpo_contact:
        breach.dpo_contact = (
            f"{organisation.privacy_contact_name} <{organisation.privacy_contact_email}>"
        )
    validate(breach, exclude=["reference"], more=_facts_errors(breach))
    breach.reference = _next_reference(organisation, timezone.localtime(now).year)
    breach.save()
    names = filled(breach, sorted(BREACH_FIELDS))
    _append(breach=breach, actor=actor, kind=UpdateKind.RECORDED, names=names)
    audit(actor=actor, action=Action.CREATE, instance=breach, fields=[*names, "updates"])
    return breach


@transaction.atomic
def breach_update(*, actor: Actor, breach: Breach, note: str = "", **changes: Any) -> Breach:
    """Correct or complete the facts; the timeline keeps what changed and the note
    (what was learnt, what was sent to the authority in a later phase)."""
    check_names(changes, BREACH_FIELDS, "breach_update")
    changes = _distinct(changes)
    locked = _locked(breach)
    before = snapshot(locked, BREACH_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value)
    if not changed(locked, before) and not note.strip():
        raise ValidationError({"note": _("Change something, or say what was learnt.")})
    return _save(actor=actor, breach=locked, before=before, kind=UpdateKind.UPDATED, note=note)


@transaction.atomic
def breach_assess_risk(*, actor: Actor, breach: Breach, risk: str, reasons: str) -> Breach:
    """The risk to people's rights and freedoms, and why (it decides what must be told)."""
    locked = _locked(breach)
    before = snapshot(locked, ["risk", "risk_reasons"])
    errors = {}
    if risk not in (Risk.NONE, Risk.RISK, Risk.HIGH):
        errors["risk"] = ValidationError(_("Choose none, risk or high risk."))
    if not (reasons or "").strip():
        errors["reasons"] = ValidationError(_("Say why."))
    if errors:
        raise ValidationError(errors)
    locked.risk, locked.risk_reasons = risk, reasons
    return _save(
        actor=actor, breach=locked, before=before, kind=UpdateKind.RISK_ASSESSED, note=reasons
    )


@transaction.atomic
def breach_notify_authority(
    *,
    actor: Actor,
    breach: Breach,
    notified_at: datetime,
    reference: str = "",
    delay_reasons: str = "",
) -> Breach:
    """The authority was notified at ``notified_at`` (its reference, when it gave
    one). Past the 72 hours, the reasons for the delay are required (art. 33(1)).
    Called again, it records a later phase (art. 33(4))."""
    locked = _locked(breach)
    names = [
        "authority_status",
        "authority_notified_at",
        "authority_reference",
        "authority_delay_reasons",
        "authority_not_reason",
    ]
    before = snapshot(locked, names)
    errors = rules.check_after_awareness("notified_at", notified_at, aware_at=locked.aware_at)
    if not errors and notified_at > rules.deadline(locked.aware_at) and not delay_reasons.strip():
        errors["delay_reasons"] = ValidationError(
            _(
                "Notified more than 72 hours after the breach was known: "
                "give the reasons for the delay."
            )
        )
    if errors:
        raise ValidationError(errors)
    locked.authority_status = AuthorityStatus.NOTIFIED
    locked.authority_notified_at = notified_at
    locked.authority_reference = reference
    locked.authority_delay_reasons = delay_reasons
    locked.authority_not_reason = ""
    return _save(
        actor=actor,
        breach=locked,
        before=before,
        kind=UpdateKind.AUTHORITY_NOTIFIED,
        note=delay_reasons,
    )


@transaction.atomic
def breach_waive_authority(*, actor: Actor, breach: Breach, reason: str) -> Breach:
    """Not notified: only when the breach is unlikely to result in a risk
    (art. 33(1)), assessed as such first, and with the reason."""
    locked = _locked(breach)
    names = ["authority_status", "authority_notified_at", "authority_not_reason"]
    before = snapshot(locked, names)
    errors = {}
    if locked.risk != Risk.NONE:
        errors["reason"] = ValidationError(
            _("Only a breach assessed as unlikely to result in a risk may go unnotified.")
        )
    elif not (reason or "").strip():
        errors["reason"] = ValidationError(_("Say why the authority is not notified."))
    if locked.authority_status == AuthorityStatus.NOTIFIED:
        errors["reason"] = ValidationError(_("The authority was notified already."))
    if errors:
        raise ValidationError(errors)
    locked.authority_status = AuthorityStatus.NOT_NOTIFIED
    locked.authority_not_reason = reason
    return _save(
        actor=actor,
        breach=locked,
        before=before,
        kind=UpdateKind.AUTHORITY_NOT_NOTIFIED,
        note=reason,
    )


@transaction.atomic
def breach_tell_people(*, actor: Actor, breach: Breach, told_at: datetime, how: str) -> Breach:
    """The people concerned were told (art. 34(1)): when and how."""
    locked = _locked(breach)
    names = [
        "people_status",
        "people_told_at",
        "people_how",
        "people_not_reason",
        "people_not_details",
    ]
    before = snapshot(locked, names)
    errors = rules.check_after_awareness("told_at", told_at, aware_at=locked.aware_at)
    if not (how or "").strip():
        errors["how"] = ValidationError(_("Say how they were told."))
    if errors:
        raise ValidationError(errors)
    locked.people_status = PeopleStatus.TOLD
    locked.people_told_at, locked.people_how = told_at, how
    locked.people_not_reason, locked.people_not_details = "", ""
    return _save(actor=actor, breach=locked, before=before, kind=UpdateKind.PEOPLE_TOLD, note=how)


@transaction.atomic
def breach_waive_people(*, actor: Actor, breach: Breach, reason: str, details: str) -> Breach:
    """Not told, and why: no high risk (assessed so), or one of art. 34(3)'s
    exemptions (the data was encrypted and its key is safe; measures since;
    disproportionate effort, then a public communication, described in
    ``details``)."""
    locked = _locked(breach)
    names = [
        "people_status",
        "people_told_at",
        "people_how",
        "people_not_reason",
        "people_not_details",
    ]
    before = snapshot(locked, names)
    errors = {}
    if reason not in NotToldReason.values:
        errors["reason"] = ValidationError(_("Choose the reason."))
    elif reason == NotToldReason.NO_HIGH_RISK and locked.risk not in (Risk.NONE, Risk.RISK):
        errors["reason"] = ValidationError(
            _(
                "Assess the risk first: only a breach not likely to result in a high risk "
                "needs no telling."
            )
        )
    if not (details or "").strip():
        errors["details"] = ValidationError(_("Explain, so the register shows why."))
    if locked.people_status == PeopleStatus.TOLD:
        errors["reason"] = ValidationError(_("The people were told already."))
    if errors:
        raise ValidationError(errors)
    locked.people_status = PeopleStatus.NOT_TOLD
    locked.people_told_at = None
    locked.people_how = ""
    locked.people_not_reason, locked.people_not_details = reason, details
    return _save(
        actor=actor, breach=locked, before=before, kind=UpdateKind.PEOPLE_NOT_TOLD, note=details
    )


@transaction.atomic
def breach_close(*, actor: Actor, breach: Breach, note: str = "") -> Breach:
    """Close the file once the risk is assessed and both decisions are taken
    (telling the people is required only when the risk is high)."""
    locked = _locked(breach)
    errors = []
    if not locked.risk:
        errors.append(_("Assess the risk first."))
    if not locked.authority_status:
        errors.append(_("Record whether the authority was notified."))
    if locked.risk == Risk.HIGH and not locked.people_status:
        errors.append(_("Record whether the people were told."))
    if errors:
        raise ValidationError(errors)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at", "updated_at"])
    _append(breach=locked, actor=actor, kind=UpdateKind.CLOSED, names=["closed_at"], note=note)
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["closed_at", "updates"])
    return locked
