"""Which rows an organisation owns, found from the models, and their deletion.

Never a hand-kept list of tables: ``owned_models`` walks every installed model
(many-to-many tables included).

* **direct**: a model with a foreign key to ``Organisation`` (every
  ``TenantModel``, and any other) or a plain ``organisation_id`` column (a
  model moved to the key store, say, where no foreign key reaches);
* **through**: a model with a foreign key (CASCADE, PROTECT, RESTRICT or
  DO_NOTHING) to an owned model, at any depth: an invoice's lines, a quote's
  lines, the subjects of a rights request; its rows pointing at the
  organisation's rows are the organisation's;
* a SET_NULL (or SET_DEFAULT) foreign key of a model that is not owned, to an
  owned model, is cleared, not followed (a user's row is not the tenant's).

Two kinds of tables are left to their owners: the audit journal (its rows
name their organisation by a plain id; ``audit.services.audit_chain_delete``
deletes the chain through its trigger's door) and ``OffboardingRecord``,
which must outlive the organisation. ``SPECIAL`` names both; a test fails when
a model with an ``organisation_id`` column is neither owned nor in it.

The deletion is set statements (``DELETE ... WHERE`` over the organisation's
rows, children before parents: deepest first, the organisation last), in the
caller's transaction: foreign keys are checked at commit (Django creates them
deferred on SQLite and PostgreSQL), so a row of another organisation still
pointing at one of these rows makes the whole deletion fail, and nothing is
deleted. No model's ``delete()`` runs: the guards of the frozen invoices and
of the consent ledger are bypassed here on purpose, and on PostgreSQL the
snapshots' trigger lets the DELETE through only inside
``invoicing.triggers.purge_door`` (``DOORS``), opened for that one statement.

Files in the storage: the values of every ``FileField`` of an owned row, and
of the character fields that hold a storage name (``STORED_FILES``: the
issued documents' files, received bills, imported files and their reports,
export archives).
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models

from comptoir.audit.models import AuditEvent, AuditEventSubject
from comptoir.invoicing import triggers
from comptoir.ops.models import OffboardingRecord
from comptoir.tenancy.models import Organisation

# Deleted elsewhere (the audit journal) or kept (the offboarding journal).
SPECIAL: frozenset[str] = frozenset(
    {
        AuditEvent._meta.label_lower,
        AuditEventSubject._meta.label_lower,
        OffboardingRecord._meta.label_lower,
    }
)

# Character fields holding the name of a file in ``default_storage``.
STORED_FILES: dict[str, tuple[str, ...]] = {
    "invoicing.documentfile": ("path",),
    "invoicing.supplierbill": ("file_name",),
    "parties.importjob": ("source_name", "report_name"),
    "ops.organisationexport": ("file_name",),
}

# The tables a database trigger keeps append-only, and the door it opens.
DOORS: dict[str, Callable[[], AbstractContextManager]] = {
    "invoicing.issueddocument": triggers.purge_door,
}

FOLLOWED = (models.CASCADE, models.PROTECT, models.RESTRICT, models.DO_NOTHING)


@dataclass(frozen=True)
class Owned:
    """A model holding rows of an organisation, and how to reach them."""

    model: type[models.Model]
    depth: int  # 1: names the organisation; 2 and more: through an owned row
    direct: tuple[str, ...]  # attnames holding the organisation's id
    through: tuple[tuple[str, type[models.Model]], ...]  # (attname, owned model)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


@dataclass(frozen=True)
class Cleared:
    """A foreign key of a model the organisation does not own, set NULL."""

    model: type[models.Model]
    attname: str
    target: type[models.Model]


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]


def _direct(model) -> tuple[str, ...]:
    def names_it(field) -> bool:
        if field.is_relation:
            return field.related_model is Organisation
        return field.attname == "organisation_id"  # a plain id (the key store's tables)

    return tuple(f.attname for f in model._meta.concrete_fields if names_it(f))


def _installed():
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model is not Organisation and model._meta.label_lower not in SPECIAL
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


def owned_models() -> tuple[list[Owned], list[Cleared]]:
    """Every model holding rows of an organisation (deepest first), and the
    foreign keys to clear in the models it does not own."""
    installed = _installed()
    depth: dict[type, int] = {}
    direct: dict[type, tuple[str, ...]] = {}
    for model in installed:
        if names := _direct(model):
            depth[model], direct[model] = 1, names
    through: dict[type, list[tuple[str, type]]] = {}
    for _ in range(len(installed) + 1):
        changed = False
        for model in installed:
            if model in direct:
                continue
            parents = [
                (f.attname, f.related_model)
                for f in _foreign_keys(model)
                if f.related_model in depth
                and f.related_model is not model
                and f.remote_field.on_delete in FOLLOWED
            ]
            if not parents:
                continue
            level = 1 + max(depth[target] for _, target in parents)
            if depth.get(model) != level or through.get(model) != parents:
                depth[model], through[model] = level, parents
                changed = True
        if not changed:
            break
    else:  # pragma: no cover - a cycle of foreign keys between models of no organisation
        raise RuntimeError("the owned models do not settle: a cycle of foreign keys")
    owned = [
        Owned(model, depth[model], direct.get(model, ()), tuple(through.get(model, ())))
        for model in depth
    ]
    owned.sort(key=lambda o: (-o.depth, o.label))
    cleared = [
        Cleared(model, field.attname, field.related_model)
        for model in installed
        if model not in depth
        for field in _foreign_keys(model)
        if field.related_model in depth and field.remote_field.on_delete not in FOLLOWED
    ]
    return owned, cleared


def rows_of(owned: Owned, organisation_id: int, by_model: dict[type, Owned]) -> models.QuerySet:
    """The rows of ``owned`` that are the organisation's (a query, not a list)."""
    condition = models.Q()
    for attname in owned.direct:
        condition |= models.Q(**{attname: organisation_id})
    for attname, target in owned.through:
        parent = rows_of(by_model[target], organisation_id, by_model)
        condition |= models.Q(**{f"{attname}__in": parent.values("pk")})
    return owned.model._base_manager.filter(condition).order_by()


def stored_names(owned: Owned, rows: models.QuerySet) -> list[str]:
    """The storage names of the files of these rows."""
    fields = [
        f.attname for f in owned.model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    fields += list(STORED_FILES.get(owned.label, ()))
    names: list[str] = []
    for attname in fields:
        names += [n for n in rows.exclude(**{attname: ""}).values_list(attname, flat=True) if n]
    return names


@dataclass
class Deleted:
    rows: dict[str, int]  # model label -> rows deleted (only those with some)
    files: int


def organisation_rows_delete(organisation_id: int) -> Deleted:
    """Delete every row the organisation owns (but the audit journal) and its
    files, the organisation's row last. Call inside a transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("an organisation is deleted inside one transaction")
    owned, cleared = owned_models()
    by_model = {o.model: o for o in owned}
    files: list[str] = []
    for item in owned:
        files += stored_names(item, rows_of(item, organisation_id, by_model))
    for item in cleared:
        parent = rows_of(by_model[item.target], organisation_id, by_model)
        item.model._base_manager.filter(**{f"{item.attname}__in": parent.values("pk")}).update(
            **{item.attname: None}
        )
    counts: dict[str, int] = {}
    for item in owned:  # deepest first: a row's condition reads its parents
        door = DOORS.get(item.label, nullcontext)
        with door():
            count = rows_of(item, organisation_id, by_model)._raw_delete(connection.alias)
        if count:
            counts[item.model._meta.label] = count
    organisation = Organisation._base_manager.filter(pk=organisation_id).order_by()
    count = organisation._raw_delete(connection.alias)
    if count:
        counts[Organisation._meta.label] = count
    for name in dict.fromkeys(files):
        default_storage.delete(name)
    return Deleted(counts, len(set(files)))


def organisation_row_counts(organisation_id: int) -> dict[str, int]:
    """How many rows of each owned model are the organisation's (tests, the
    operator's check after a restore)."""
    owned, _ = owned_models()
    by_model = {o.model: o for o in owned}
    counts = {
        item.model._meta.label: rows_of(item, organisation_id, by_model).count() for item in owned
    }
    counts[Organisation._meta.label] = Organisation._base_manager.filter(pk=organisation_id).count()
    for model in (AuditEvent, AuditEventSubject):
        counts[model._meta.label] = model.objects.filter(organisation_id=organisation_id).count()
    return counts
