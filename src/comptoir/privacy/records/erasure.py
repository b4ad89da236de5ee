"""Erasure (GDPR art. 17), set-based and driven by the declarations alone.

``subjects_erase`` erases one person or a hundred thousand, in batches of
``BATCH`` persons, each batch one transaction: no half-erased person, and a
run killed at any moment resumes where it stopped (an erased person is
skipped). The retention sweep and the rights requests both call it: the rule
is written once.

For every declared model whose rows reach a person (``registry.subject_lookup``):

* a model under a legal-hold rule (invoices, their lines, payments, sendings:
  ``RetentionRule.legal_hold``) is not touched; issued documents are frozen
  anyway. A draft invoice is kept too: it names the party, whose own data is
  anonymised, and holds nothing of the person but what its party row held;
* a row whose every personal field is ``DELETE`` is about the person and
  nothing else: it is deleted (unless something ``PROTECT``s it, then its
  fields are emptied);
* any other row is rewritten: ``DELETE`` empties the value, ``ANONYMISE``
  writes the declaration's placeholder, ``LEGAL_HOLD`` keeps it.
  Encrypted placeholders are sealed again under the ORGANISATION key and the
  row's ``data_subject`` set to NULL, since the person's key is destroyed at
  the end: the anonymised row still reads. Blind indexes of rewritten values
  become NULL (an anonymised person is found by no search);
* with ``delete_unreferenced`` (the retention sweep's "delete, or anonymise if
  referenced"), a row that is the person's own (keyed by their
  ``data_subject``) and that nothing protects is deleted instead, with what
  cascades from it.

Then the person's key is destroyed (its ``SubjectKey`` deleted, as
``privacy.services.subject_shred`` does one at a time), one ``ErasureRecord``
is written per person, and one audit event per batch names the kinds of data
erased (the records carry the uuids). Domain apps add their own consequences
through ``erasure_hooks`` (parties marks the company of an erased contact
person opposed to further processing).

The per-row work is limited to sealing the few anonymised encrypted
placeholders; everything else is UPDATE and DELETE statements over sets.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from types import SimpleNamespace

from django.db import connection, models, transaction
from django.db.models import Expression, IntegerField
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.rawsql import insert_many
from comptoir.privacy.declarations import OnErasure
from comptoir.privacy.fields import EncryptedField
from comptoir.privacy.keys import subject_keys_forget
from comptoir.privacy.models import DataSubject, EncryptedModel, SubjectKey
from comptoir.privacy.records.models import ErasureReason, ErasureRecord
from comptoir.privacy.records.retention import effective_rules, held_until
from comptoir.privacy.registry import ModelPrivacy, registry, subject_lookup
from comptoir.privacy.retention import RetentionRule

BATCH = 1000
CHUNK = 1000  # ids per IN (...) list


@dataclass(frozen=True)
class ErasureBatch:
    """What an erasure hook is told: the persons of one batch, inside its transaction."""

    organisation_id: int
    subject_ids: tuple[int, ...]
    reason: str
    actor: Actor
    now: datetime


# Domain apps append callables taking an ``ErasureBatch`` (in their AppConfig.ready).
# They run inside the batch's transaction, before any row is changed.
erasure_hooks: list[Callable[[ErasureBatch], None]] = []


@dataclass
class ErasureOutcome:
    erased: int = 0  # persons erased now
    already: int = 0  # persons erased before: nothing done twice
    deleted: Counter = field(default_factory=Counter)  # model label -> rows deleted
    anonymised: Counter = field(default_factory=Counter)  # model label -> rows rewritten


# What each model's rows undergo, decided once from its declaration ------------------
HOLD, DELETE, REWRITE, NOTHING = "hold", "delete", "rewrite", "nothing"


@dataclass(frozen=True)
class ModelPlan:
    model: type[models.Model]
    lookup: str
    kind: str
    rule: RetentionRule | None
    clear: dict  # attname -> emptied or placeholder value
    sealed: dict  # encrypted attname -> plaintext placeholder (re-sealed per row)
    emptied: tuple[str, ...]  # encrypted attnames emptied (b"")
    indexes: tuple[str, ...]  # blind-index attnames set NULL
    kept: tuple[str, ...]  # field names under legal hold, untouched
    detach: bool  # set data_subject NULL (every encrypted field is rewritten)

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def own_row(self) -> bool:
        """The row is keyed by the person (the person is the row, or its key holder)."""
        return self.lookup == "data_subject"


def _empty(model_field):
    if isinstance(model_field, EncryptedField):
        return b""
    if model_field.null:
        return None
    if isinstance(model_field, models.JSONField):
        return {}
    return ""


def _plan_of(declaration: ModelPrivacy) -> ModelPlan | None:
    model = declaration.model
    lookup = subject_lookup(declaration)
    if lookup is None or model is DataSubject:
        return None
    rule = declaration.retention
    personal = declaration.fields
    meta = model._meta
    clear, sealed, emptied, indexes, kept = {}, {}, [], [], []
    for name, declared in personal.items():
        model_field = meta.get_field(name)
        if declared.on_erasure == OnErasure.LEGAL_HOLD:
            kept.append(name)
            continue
        value = _empty(model_field)
        if declared.on_erasure == OnErasure.ANONYMISE and declared.placeholder not in ("", None):
            value = declared.placeholder
        if isinstance(model_field, EncryptedField):
            indexes += [meta.get_field(i).attname for i in model_field.index_names]
            if value == b"":
                emptied.append(model_field.attname)
            else:
                sealed[model_field.attname] = value
        else:
            clear[model_field.attname] = value
    encrypted_kept = [n for n in kept if isinstance(meta.get_field(n), EncryptedField)]
    detach = issubclass(model, EncryptedModel) and not encrypted_kept
    if not detach:  # values sealed under the person's key cannot be re-sealed: emptied
        emptied += list(sealed)
        sealed = {}
    if (rule is not None and rule.legal_hold) or (personal and len(kept) == len(personal)):
        kind = HOLD
    elif not personal:
        kind = NOTHING
    elif all(p.on_erasure == OnErasure.DELETE for p in personal.values()):
        kind = DELETE
    else:
        kind = REWRITE
    return ModelPlan(
        model, lookup, kind, rule, clear, sealed,
        tuple(emptied), tuple(indexes), tuple(kept), detach,
    )  # fmt: skip


def plans() -> tuple[ModelPlan, ...]:
    """Every model's plan (computed once for a given set of declared models)."""
    return _plans(tuple(registry.models()))


@cache
def _plans(declared: tuple) -> tuple[ModelPlan, ...]:
    found = [_plan_of(registry.for_model(model)) for model in declared]
    return tuple(plan for plan in found if plan is not None)


class Ids(Expression):
    """A list of integer ids as the right-hand side of ``__in``, written into the
    SQL as literals: Django would otherwise prepare each value in Python and
    bind it (a thousand parameters per statement, a statement per relation).
    ``int()`` of every id keeps it safe to inline."""

    output_field = IntegerField()

    def __init__(self, ids):
        super().__init__()
        self.ids = [int(pk) for pk in ids] or [0]  # ids start at 1: (0) matches nothing

    def as_sql(self, compiler, connection):
        return "(" + ",".join(map(str, self.ids)) + ")", []


# Set-based deletion, following the relations the way the database would -------------
def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@cache
def _reverse_relations(model) -> tuple:
    """Every relation pointing at ``model``, hidden ones (``related_name="+"``) included."""
    return tuple(
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    )


BLOCKING = (models.PROTECT, models.RESTRICT)
ACTING = (models.CASCADE, models.SET_NULL, *BLOCKING)


@cache
def _can_block(model, seen: frozenset = frozenset()) -> bool:
    """Whether a PROTECT or RESTRICT relation can keep a row of ``model``,
    directly or through a row that would cascade from it."""
    for rel in _reverse_relations(model):
        if rel.on_delete in BLOCKING:
            return True
        child = rel.related_model
        cascades = rel.on_delete is models.CASCADE and child not in seen
        if cascades and _can_block(child, seen | {model}):
            return True
    return False


@cache
def _is_leaf(model) -> bool:
    """Nothing cascades from, is set NULL by, or protects a row of ``model``."""
    return not any(rel.on_delete in ACTING for rel in _reverse_relations(model))


def _pointing(rel, pks: list[int]):
    return rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": Ids(pks)}).order_by()


def protected(model, pks: list[int]) -> set[int]:
    """Those of ``pks`` that a PROTECT or RESTRICT relation keeps (directly, or
    through a row that would cascade from them)."""
    blocked: set[int] = set()
    if not pks or not _can_block(model):
        return blocked
    for rel in _reverse_relations(model):
        attname = rel.field.attname
        for chunk in _chunks(pks):
            if rel.on_delete in BLOCKING:
                blocked.update(_pointing(rel, chunk).values_list(attname, flat=True))
            elif rel.on_delete is models.CASCADE and _can_block(rel.related_model):
                pairs = list(_pointing(rel, chunk).values_list("pk", attname))
                kept = protected(rel.related_model, [pk for pk, _ in pairs])
                blocked.update(parent for pk, parent in pairs if pk in kept)
    return blocked


def delete_rows(model, pks: list[int]) -> int:
    """Delete these rows and what cascades from them, in set statements (no
    model instance is built). The caller has left out protected rows."""
    if not pks:
        return 0
    for rel in _reverse_relations(model):
        for chunk in _chunks(pks):
            rows = _pointing(rel, chunk)
            if rel.on_delete is models.CASCADE and _is_leaf(rel.related_model):
                rows._raw_delete(connection.alias)
            elif rel.on_delete is models.CASCADE:
                delete_rows(rel.related_model, list(rows.values_list("pk", flat=True)))
            elif rel.on_delete is models.SET_NULL:
                rows.update(**{rel.field.attname: None})
    deleted = 0
    for chunk in _chunks(pks):
        deleted += model._base_manager.filter(pk__in=Ids(chunk))._raw_delete(connection.alias)
    return deleted


# Rewriting -----------------------------------------------------------------------
def _rewrite(plan: ModelPlan, pks: list[int]) -> int:
    model = plan.model
    values = dict(plan.clear)
    values.update(dict.fromkeys(plan.emptied, b""))
    values.update(dict.fromkeys(plan.indexes, None))
    if plan.detach and not plan.sealed:
        values["data_subject_id"] = None
    for chunk in _chunks(pks):
        if values:
            model._base_manager.filter(pk__in=Ids(chunk)).update(**values)
        if plan.sealed:
            _reseal(plan, chunk)
    return len(pks)


def _reseal(plan: ModelPlan, pks: list[int]) -> None:
    """Write each anonymised encrypted placeholder sealed under the organisation's
    key (the row's identity binds it, so one seal per row and field)."""
    model = plan.model
    meta = model._meta
    fields = [(meta.get_field(attname), value) for attname, value in plan.sealed.items()]
    rows = (
        model._base_manager.filter(pk__in=Ids(pks))
        .order_by()
        .values_list("pk", "row_uuid", "organisation_id")
    )
    params = []
    for pk, row_uuid, organisation_id in rows:
        stub = SimpleNamespace(
            organisation_id=organisation_id, row_uuid=row_uuid, data_subject_id=None
        )
        sealed = [bytes(f.seal_value(stub, f.to_plaintext_bytes(value))) for f, value in fields]
        params.append([*sealed, pk])
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f, _ in fields)
    # Names from the model's meta, values bound.
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    detach = quote("data_subject_id")
    sql = f"UPDATE {table} SET {assignments}, {detach} = NULL WHERE {pk} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def reaching(plan: ModelPlan, organisation_id: int, subject_ids: list[int]):
    """The plan's rows about these persons (of the organisation: the persons are
    its own, and rows that carry an organisation are held to it too)."""
    rows = plan.model._base_manager.filter(**{f"{plan.lookup}__in": Ids(subject_ids)})
    if any(f.name == "organisation" for f in plan.model._meta.concrete_fields):
        rows = rows.filter(organisation_id=organisation_id)
    return rows


def _rows_of(plan: ModelPlan, organisation_id: int, subject_ids: list[int]) -> list[int]:
    rows = reaching(plan, organisation_id, subject_ids).order_by()
    return list(rows.values_list("pk", flat=True))


def _holding(organisation_id: int) -> list[ModelPlan]:
    """The plans that may change something, for the models that hold rows of the
    organisation at all (a table with none is not visited batch after batch)."""
    found = []
    for plan in plans():
        if plan.kind in (HOLD, NOTHING):
            continue
        rows = plan.model._base_manager.all()
        if any(f.name == "organisation" for f in plan.model._meta.concrete_fields):
            rows = rows.filter(organisation_id=organisation_id)
        if rows.exists():
            found.append(plan)
    return found


# The engine ------------------------------------------------------------------------
def subjects_erase(
    *,
    organisation,
    subject_ids: Iterable[int],
    actor: Actor,
    reason: ErasureReason | str,
    reference: str = "",
    delete_unreferenced: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> ErasureOutcome:
    """Erase these data subjects of ``organisation`` as their declarations say,
    ``batch_size`` persons per transaction; ``progress(n)`` is called after
    each batch with the number of persons it handled."""
    organisation_id = getattr(organisation, "pk", organisation)
    ids = sorted(set(subject_ids))
    outcome = ErasureOutcome()
    holding = _holding(organisation_id) if ids else []
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        _erase_batch(
            organisation_id, batch, actor, ErasureReason(reason), reference,
            delete_unreferenced, outcome, holding,
        )  # fmt: skip
        if progress is not None:
            progress(len(batch))
    return outcome


@transaction.atomic
def _erase_batch(
    organisation_id: int,
    batch: list[int],
    actor: Actor,
    reason: ErasureReason,
    reference: str,
    delete_unreferenced: bool,
    outcome: ErasureOutcome,
    holding: list[ModelPlan],
) -> None:
    subjects = list(
        DataSubject.objects.of(organisation_id)
        .select_for_update()
        .filter(pk__in=Ids(batch))
        .order_by()
        .values_list("pk", "uuid", "shredded_at")
    )
    # Recorded already: done (shredded), or erased before the backup this
    # database was restored from was made, and now replayed (``replay``).
    recorded = set(
        ErasureRecord.objects.of(organisation_id)
        .filter(subject_uuid__in=[uuid for _pk, uuid, _shredded in subjects])
        .order_by()
        .values_list("subject_uuid", flat=True)
    )
    todo = [(pk, uuid) for pk, uuid, shredded in subjects if not (shredded and uuid in recorded)]
    outcome.already += len(subjects) - len(todo)
    if not todo:
        return
    now = timezone.now()
    ids = [pk for pk, _ in todo]
    for hook in erasure_hooks:
        hook(ErasureBatch(organisation_id, tuple(ids), str(reason), actor, now))
    # Every row first, then the changes: a row detached from the person (its
    # data_subject set NULL) no longer leads to the rows reached through it.
    # Rows reached through a path are found first: rewriting a row detaches it
    # from the person (data_subject NULL), and what was reached through it with it.
    # Rows the person's key reaches directly and that go whole (nothing depends
    # on them) are deleted at the end by one statement, without fetching them.
    direct = [p for p in holding if p.kind == DELETE and p.own_row and _is_leaf(p.model)]
    targets = [
        (plan, pks)
        for plan in holding
        if plan not in direct
        for pks in [_rows_of(plan, organisation_id, ids)]
        if pks
    ]
    kinds: set[str] = set()
    for plan, pks in targets:
        kinds.add(plan.model._meta.label_lower.replace(".", "_"))
        if plan.kind == DELETE or (delete_unreferenced and plan.own_row):
            blocked = protected(plan.model, pks)
            free = [pk for pk in pks if pk not in blocked]
            outcome.deleted[plan.label] += delete_rows(plan.model, free)
            pks = [pk for pk in pks if pk in blocked]
        if pks:
            outcome.anonymised[plan.label] += _rewrite(plan, pks)
    for plan in direct:
        count = reaching(plan, organisation_id, ids).order_by()._raw_delete(connection.alias)
        if count:
            kinds.add(plan.model._meta.label_lower.replace(".", "_"))
            outcome.deleted[plan.label] += count
    DataSubject.objects.of(organisation_id).filter(pk__in=Ids(ids)).update(shredded_at=now)
    shredded = [uuid for _, uuid in todo]
    SubjectKey.objects.of(organisation_id).filter(subject_uuid__in=shredded).delete()
    transaction.on_commit(lambda: subject_keys_forget(shredded))
    insert_many(  # bulk_create without building a model instance per person
        ErasureRecord,
        [
            {
                "organisation_id": organisation_id,
                "subject_uuid": uuid,
                "reason": str(reason),
                "reference": reference[:64],
                "erased_at": now,
            }
            for _, uuid in todo
            if uuid not in recorded
        ],
        key="subject_uuid",
    )
    audit_record(
        actor=actor,
        action=Action.ERASE,
        organisation_id=organisation_id,
        object_type=DataSubject._meta.label_lower,
        object_id=todo[0][1] if len(todo) == 1 else f"{len(todo)} persons",
        fields=["wrapped_key", *sorted(kinds)],
    )
    outcome.erased += len(todo)


# The answer to the person ------------------------------------------------------------
@dataclass(frozen=True)
class PreviewLine:
    model: str  # app_label.ModelName
    name: str  # the model's verbose name (plural)
    rows: int
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeptLine(PreviewLine):
    rule: RetentionRule | None = None
    why: str = ""
    until: date | None = None


@dataclass(frozen=True)
class ErasurePreview:
    deleted: list[PreviewLine]
    anonymised: list[PreviewLine]
    kept: list[KeptLine]


def _start_field(plan: ModelPlan) -> str | None:
    """The stored moment a row's retention counts from: its declared
    ``retention_start``, else when it was created."""
    declared = registry.for_model(plan.model).retention_start
    if declared:
        return declared
    names = {f.name for f in plan.model._meta.concrete_fields}
    return "created_at" if "created_at" in names else None


def erasure_preview(*, subject: DataSubject) -> ErasurePreview:
    """What erasing ``subject`` would delete, anonymise, and keep under legal hold
    (the rule, why, and until when, counted from the latest row's start), as
    ``subjects_erase`` would do it. Reads no value."""
    organisation_id = subject.organisation_id
    rules = effective_rules(organisation_id)
    deleted, anonymised, kept = [], [], []
    for plan in plans():
        rows = reaching(plan, organisation_id, [subject.pk])
        count = rows.count()
        if not count:
            continue
        name = str(plan.model._meta.verbose_name_plural)
        if plan.kind == HOLD:
            rule = rules.get(plan.rule.code, plan.rule)
            start_field = _start_field(plan)
            latest = None
            if start_field:
                latest = rows.aggregate(latest=models.Max(start_field))["latest"]
            why = rule.data
            kept.append(KeptLine(plan.label, name, count, (), rule, why, held_until(rule, latest)))
            continue
        if plan.kind == NOTHING:
            continue
        if plan.kind == DELETE:
            pks = list(rows.values_list("pk", flat=True))
            blocked = protected(plan.model, pks)
            if len(blocked) < len(pks):
                deleted.append(PreviewLine(plan.label, name, len(pks) - len(blocked)))
            count = len(blocked)
        if count:
            changed = tuple(n for n in registry.for_model(plan.model).fields if n not in plan.kept)
            anonymised.append(PreviewLine(plan.label, name, count, changed))
        if plan.kept and count:
            rule = rules.get(plan.rule.code, plan.rule) if plan.rule else None
            kept.append(
                KeptLine(plan.label, name, count, plan.kept, rule, rule.data if rule else "")
            )
    return ErasurePreview(deleted, anonymised, kept)


def subject_erase(
    *, subject: DataSubject, actor: Actor, reason: ErasureReason | str, reference: str = ""
) -> ErasureOutcome:
    """Erase one person (a rights request, a member of staff)."""
    return subjects_erase(
        organisation=subject.organisation_id,
        subject_ids=[subject.pk],
        actor=actor,
        reason=reason,
        reference=reference,
    )
