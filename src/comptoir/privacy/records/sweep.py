"""The retention sweep (DOMAIN.md §4): what has outlived its rule goes.

Three kinds of work, rule by rule, each with the organisation's own durations
(``retention.effective_rules``):

* persons whose clock has run out, found by the domain apps through
  ``retention_sources`` (parties: prospects from their collection or latest
  inbound contact, clients from the end of the relationship), erased by the
  erasure engine (``erasure.subjects_erase``, reason ``retention``): deleted,
  or anonymised where something references them; legal holds win, since the
  engine never touches a model under one;
* rows of any model declaring ``retention_start`` (a date or datetime field),
  deleted once their rule's duration has run from it, in batches, one audit
  event per batch (models under a legal-hold rule are never deleted here);
* the purges that already exist (the outbox, expired sessions, the audit journal: connection
  events under ``CONNECTION_LOGS``, the others under ``SECURITY_LOGS``, each
  organisation with its own durations) and those the domain apps add to
  ``retention_purges`` (parties: uploaded import files).

``retention_plan`` says what ``retention_apply`` would do, and why, without
changing anything. ``retention_apply`` works in batches, one transaction each:
killed at any moment, it leaves no half-done batch, and a new run picks up
what is left (an erased person is never erased twice).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from comptoir.audit.models import Action, AuditEvent, is_connection_chain, organisation_of_chain
from comptoir.audit.services import Actor, BrokenChainError, audit_purge, audit_record
from comptoir.mail.services import messages_purge
from comptoir.privacy import retention
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records.erasure import delete_rows, protected, subjects_erase
from comptoir.privacy.records.models import ErasureReason
from comptoir.privacy.records.retention import (
    cutoff,
    cutoff_moment,
    effective_rule,
    effective_rules,
)
from comptoir.privacy.registry import registry
from comptoir.privacy.retention import EndAction, RetentionRule
from comptoir.tenancy.models import Organisation

BATCH = 1000


@dataclass(frozen=True)
class Candidates:
    """Persons of one organisation whose rule has run out, as a domain app finds them."""

    rule: RetentionRule  # the organisation's effective rule
    what: str  # what they are, e.g. "individual prospects" (no value)
    start: str  # how the start event was computed
    subject_ids: list[int]

    @property
    def delete_unreferenced(self) -> bool:
        return self.rule.end == EndAction.DELETE_OR_ANONYMISE_IF_REFERENCED


# Domain apps append, in their AppConfig.ready:
# sources: callables (*, organisation, rules: dict[code, RetentionRule], today) -> [Candidates]
retention_sources: list[Callable[..., Iterable[Candidates]]] = []
# purges: (name, callable(*, now) -> int), run across organisations by the daily sweep
retention_purges: list[tuple[str, Callable[..., int]]] = []


def _journal_rule(chain: str, organisations: dict[int, Organisation]) -> RetentionRule:
    """The rule a chain of the journal is kept under: connection chains
    ``CONNECTION_LOGS`` (6 months by default), the others ``SECURITY_LOGS``
    (a year), with the organisation's own duration when it set one (an
    organisation gone keeps the defaults; the system chains always do)."""
    rule = retention.CONNECTION_LOGS if is_connection_chain(chain) else retention.SECURITY_LOGS
    organisation = organisations.get(organisation_of_chain(chain))
    return rule if organisation is None else effective_rule(organisation, rule)


def _audit_purge(*, now: datetime) -> int:
    """Audit events past their rule, chain by chain (``_journal_rule``): each
    chain is cut at its start and keeps a sealed checkpoint, so it stays
    verifiable (``audit_purge``). A broken chain is kept whole, as evidence."""
    chains = sorted(set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct()))
    ids = {organisation_of_chain(chain) for chain in chains} - {None}
    organisations = Organisation.objects.in_bulk(ids)
    purged = 0
    for chain in chains:
        rule = _journal_rule(chain, organisations)
        try:
            purged += audit_purge(before=cutoff_moment(rule.duration, now), chains=[chain])
        except BrokenChainError as exc:
            purged += exc.purged
    return purged


def _outbox_purge(*, now: datetime) -> int:
    return messages_purge(now=now)


@transaction.atomic
def _sessions_purge(*, now: datetime) -> int:
    """Sessions past their expiry (the idle timeout, ``TECHNICAL_COOKIES``):
    their rows name the signed-in user and outlive the cookie until deleted
    (Django's ``clearsessions``, here at the sweep's own clock). Journalled."""
    _, deleted = Session.objects.filter(expire_date__lt=now).delete()
    count = deleted.get(Session._meta.label, 0)
    if count:
        audit_record(
            actor=Actor.system(),
            action=Action.DELETE,
            organisation_id=None,
            object_type=Session._meta.label_lower,
            object_id=f"{count} rows",
            fields=["session_data"],
        )
    return count


BUILT_IN_PURGES: tuple[tuple[str, Callable[..., int]], ...] = (
    ("outbox", _outbox_purge),
    ("expired sessions", _sessions_purge),
    ("audit journal", _audit_purge),
)


@dataclass
class PlanLine:
    organisation_id: int | None
    rule: RetentionRule | None
    what: str
    start: str
    action: str  # "erase" (delete or anonymise), "delete", "purge"
    count: int | None
    subject_ids: list[int] = field(default_factory=list, repr=False)
    model: type[models.Model] | None = None
    start_field: str = ""

    @property
    def duration(self) -> str:
        if self.rule is None:
            return ""
        return str(self.rule.duration) if self.rule.duration else "length of the relationship"


def _timed_models() -> list:
    """Declarations with a ``retention_start`` and a rule that may delete."""
    found = []
    for model in registry.models():
        declaration = registry.for_model(model)
        if declaration.retention_start and not declaration.retention.legal_hold:
            found.append(declaration)
    return found


def _timed_rows(declaration, organisation_id: int, rule: RetentionRule, now: datetime):
    model = declaration.model
    start = model._meta.get_field(declaration.retention_start)
    if isinstance(start, models.DateTimeField):
        limit = cutoff_moment(rule.duration, now)
    else:
        limit = cutoff(rule.duration, now.date())
    rows = model._base_manager.filter(**{f"{declaration.retention_start}__lte": limit})
    if any(f.name == "organisation" for f in model._meta.concrete_fields):
        rows = rows.filter(organisation_id=organisation_id)
    return rows


def retention_plan(*, organisation=None, now: datetime | None = None) -> list[PlanLine]:
    """What the sweep would do now, rule by rule, for one organisation or all."""
    now = now or timezone.now()
    today = now.date()
    organisations = (
        [organisation] if organisation is not None else list(Organisation.objects.order_by("pk"))
    )
    lines: list[PlanLine] = []
    for org in organisations:
        rules = effective_rules(org)
        # A restricted person's data is kept, frozen, until the restriction is
        # lifted (GDPR art. 18): the sweep leaves them for a later run.
        restricted = set(
            DataSubject.objects.of(org)
            .filter(restricted_at__isnull=False)
            .values_list("pk", flat=True)
        )
        for source in retention_sources:
            for found in source(organisation=org, rules=rules, today=today):
                ids = [i for i in found.subject_ids if i not in restricted]
                lines.append(
                    PlanLine(
                        org.pk,
                        found.rule,
                        found.what,
                        found.start,
                        "delete, or anonymise if referenced"
                        if found.delete_unreferenced
                        else "erase",
                        len(ids),
                        ids,
                    )
                )
        for declaration in _timed_models():
            rule = rules.get(declaration.retention.code, declaration.retention)
            rows = _timed_rows(declaration, org.pk, rule, now)
            lines.append(
                PlanLine(
                    org.pk,
                    rule,
                    str(declaration.model._meta.verbose_name_plural),
                    declaration.retention_start,
                    "delete",
                    rows.count(),
                    model=declaration.model,
                    start_field=declaration.retention_start,
                )
            )
    if organisation is None:
        for name, _ in (*BUILT_IN_PURGES, *retention_purges):
            lines.append(PlanLine(None, None, name, "", "purge", None))
    return lines


@dataclass
class ApplyOutcome:
    erased: int = 0
    already: int = 0
    deleted: dict = field(default_factory=dict)  # model label -> rows
    anonymised: dict = field(default_factory=dict)
    purged: dict = field(default_factory=dict)  # purge name -> count


def _add(into: dict, counts: dict) -> None:
    for key, value in counts.items():
        into[key] = into.get(key, 0) + value


def retention_apply(
    *,
    organisation=None,
    now: datetime | None = None,
    actor: Actor | None = None,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
    plan: list[PlanLine] | None = None,
) -> ApplyOutcome:
    """Do what ``retention_plan`` says, batch by batch; ``progress(n)`` after each
    batch of ``n`` persons or rows. Purges run only on a run over every organisation."""
    now = now or timezone.now()
    actor = actor or Actor.system()
    plan = plan if plan is not None else retention_plan(organisation=organisation, now=now)
    outcome = ApplyOutcome()
    for line in plan:
        if line.subject_ids:
            done = subjects_erase(
                organisation=line.organisation_id,
                subject_ids=line.subject_ids,
                actor=actor,
                reason=ErasureReason.RETENTION,
                reference=line.rule.code,
                delete_unreferenced=line.rule.end == EndAction.DELETE_OR_ANONYMISE_IF_REFERENCED,
                batch_size=batch_size,
                progress=progress,
            )
            outcome.erased += done.erased
            outcome.already += done.already
            _add(outcome.deleted, done.deleted)
            _add(outcome.anonymised, done.anonymised)
        elif line.model is not None and line.count:
            declaration = registry.for_model(line.model)
            rows = _timed_rows(declaration, line.organisation_id, line.rule, now)
            pks = list(rows.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch_size):
                batch = pks[start : start + batch_size]
                count = _delete_batch(declaration, line.organisation_id, batch, actor)
                _add(outcome.deleted, {line.model._meta.label: count})
                if progress is not None:
                    progress(len(batch))
    if organisation is None:
        for name, purge in (*BUILT_IN_PURGES, *retention_purges):
            outcome.purged[name] = purge(now=now)
    return outcome


@transaction.atomic
def _delete_batch(declaration, organisation_id: int, pks: list[int], actor: Actor) -> int:
    model = declaration.model
    blocked = protected(model, pks)
    count = delete_rows(model, [pk for pk in pks if pk not in blocked])
    if count:
        audit_record(
            actor=actor,
            action=Action.DELETE,
            organisation_id=organisation_id,
            object_type=model._meta.label_lower,
            object_id=f"{count} rows",
            fields=sorted(declaration.fields),
        )
    return count


def expired_before(rule: RetentionRule, today: date) -> date:
    """The latest start date whose period under ``rule`` has run by ``today``."""
    return cutoff(rule.duration, today)
