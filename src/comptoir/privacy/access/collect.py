"""Gathering every row about a person, generically, from the declarations.

Which rows (the registry's declarations, never a list of models):

* **about the person**: rows of every declared model whose ``Privacy.subject``
  path leads to a ``DataSubject`` (``registry.subject_lookup``) and reaches one
  of the person's data subjects: their party, contact person, interactions,
  and invoices, quotes and orders of an individual client
  (``party__data_subject``) with their lines (``invoice__party__data_subject``),
  whether or not a personal field of the row is filled (an invoice is about
  its client even with empty notes);
* **attached to those rows**: rows of declared models with no subject of their
  own (``subject = None``) that point, by a foreign key, at a row of the first
  kind: the issued document (the invoice as printed) of an invoice, its files;
* **the member's account**, when user ids are given: the user's own row and the
  organisation's rows whose declaration reaches the user through their ``user``
  relation (memberships, API tokens).

One query per model (a subquery, never a list of ids), whatever the number of
rows; the values are decrypted with the person's key, unwrapped once
(``privacy.keys`` caches it), a value that no longer decrypts (a shredded
person) reads as ``None``.

Which columns of a row (``columns``): the row's id, then every concrete field
in model order, its declared personal fields decrypted, and its non-personal
fields as context (an invoice's number, date and totals, a line's quantity and
price), except what identifies nothing but machinery: the organisation and
data-subject keys, primary-key-like ids of rows outside the export, blind
indexes and other raw bytes, and fields whose name says they hold a hash, a
secret or a technical key (``TECHNICAL_NAME_PARTS``: ``row_uuid``,
``content_hash``, ``wrapped_key``, ``company_name_key``, ``password``...).
A foreign key to another row of the export is kept, as that row's id (an
invoice line names its invoice).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import connections, models
from django.utils.text import capfirst

from comptoir.privacy import crypto
from comptoir.privacy.declarations import Personal
from comptoir.privacy.fields import BlindIndexField, EncryptedField
from comptoir.privacy.models import DataSubject
from comptoir.privacy.registry import ModelPrivacy, registry, subject_lookup
from comptoir.privacy.third_party import privacy_of
from comptoir.tenancy.models import Organisation

# A field whose name holds one of these parts is machinery, not data about anyone.
TECHNICAL_NAME_PARTS = frozenset(
    {"uuid", "hash", "sha256", "digest", "password", "secret", "key", "token", "index", "prefix"}
)
TECHNICAL_NAMES = frozenset({"path"})  # where a file lies in the storage


@dataclass(frozen=True)
class Column:
    """One exported column: a model field, its readable name, its declaration if personal."""

    field: models.Field
    label: str
    personal: Personal | None

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def is_reference(self) -> bool:
        return self.field.is_relation


@dataclass
class Kind:
    """The rows of one model about the person, with their columns."""

    model: type[models.Model]
    declaration: ModelPrivacy
    relation: str  # "subject", "attached" or "member"
    columns: list[Column] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # field name -> plain value; "id" first
    sources: set[str] = field(default_factory=set)  # where the rows' data came from, if declared

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def name(self) -> str:
        return capfirst(str(self.model._meta.verbose_name_plural))


def is_technical(model_field: models.Field) -> bool:
    name = model_field.name
    if name in TECHNICAL_NAMES or TECHNICAL_NAME_PARTS & set(name.split("_")):
        return True
    if isinstance(model_field, BlindIndexField):
        return True
    return isinstance(model_field, models.BinaryField) and not isinstance(
        model_field, EncryptedField
    )


def columns(model, declaration: ModelPrivacy, exported: Iterable[type]) -> list[Column]:
    """The columns of ``model`` the export shows (see the module's docstring)."""
    exported = set(exported)
    chosen: list[Column] = []
    seen: dict[str, int] = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or is_technical(model_field):
            continue
        if model_field.is_relation:
            target = model_field.related_model
            if target in (Organisation, DataSubject) or target not in exported:
                continue
        label = capfirst(str(model_field.verbose_name))
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({model_field.name})"
        chosen.append(Column(model_field, label, declaration.fields.get(model_field.name)))
    return chosen


def source_field(model) -> str | None:
    """The field that says where a row's data came from (``Privacy.source``), if declared."""
    spec = privacy_of(model)
    return getattr(spec, "source", None) if spec is not None else None


def _user_lookup(declaration: ModelPrivacy) -> str | None:
    """The lookup from a row to the member (user) it is about, for the member's part."""
    user_model = get_user_model()
    model = declaration.model
    if model is user_model and declaration.subject == "self":
        return "pk"
    if declaration.subject != "user":
        return None
    try:
        target = model._meta.get_field("user").related_model
        model._meta.get_field("organisation")
    except Exception:  # noqa: BLE001 - a model without those fields is not a member's row
        return None
    return "user" if target is user_model else None


def _has_organisation(model) -> bool:
    return any(f.name == "organisation" for f in model._meta.concrete_fields)


@dataclass(frozen=True)
class Plan:
    """How to reach a model's rows about a person: ``relation`` "subject" (``lookup``
    leads to the data subject), "member" (``lookup`` leads to the user) or
    "attached" (``lookup`` is a foreign key to the rows of ``target``)."""

    declaration: ModelPrivacy
    relation: str
    lookup: str
    target: type | None = None

    @property
    def model(self) -> type[models.Model]:
        return self.declaration.model


RELATIONS = ("subject", "attached", "member")


def plans(*, subjects: bool = True, members: bool = True) -> list[Plan]:
    """Every declared model the export reads, and how (independent of any row)."""
    found: list[Plan] = []
    for model in registry.models():
        declaration = registry.for_model(model)
        lookup = subject_lookup(declaration)
        if lookup is not None:
            if subjects:
                found.append(Plan(declaration, "subject", lookup))
        elif members and (lookup := _user_lookup(declaration)) is not None:
            found.append(Plan(declaration, "member", lookup))
    reached = {plan.model for plan in found if plan.relation == "subject"}
    for model in registry.models():
        declaration = registry.for_model(model)
        if declaration.subject is not None or model in reached:
            continue
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model in reached:
                found.append(
                    Plan(declaration, "attached", model_field.name, model_field.related_model)
                )
                break
    found.sort(key=lambda p: (RELATIONS.index(p.relation), p.model._meta.label_lower))
    return found


@dataclass
class Gathered:
    kinds: list[Kind]
    subjects: list[DataSubject]

    @property
    def rows(self) -> int:
        return sum(len(kind.rows) for kind in self.kinds)


def gather(
    *, organisation, subjects: Sequence[DataSubject], user_ids: Sequence[int] = ()
) -> Gathered:
    """Every row about ``subjects`` (and members ``user_ids``) in ``organisation``,
    decrypted, in columns: one ``Kind`` per model holding at least one row."""
    for subject in subjects:
        if subject.organisation_id != organisation.pk:
            raise ValueError("a data subject of another organisation")
    # Read again: a person shredded since the caller loaded them reads as shredded.
    fresh = list(
        DataSubject.objects.of(organisation).filter(pk__in=[s.pk for s in subjects]).order_by("pk")
    )
    known = {s.pk: s for s in fresh}
    subject_ids, user_ids = list(known), list(user_ids)
    chosen = plans(subjects=bool(subject_ids), members=bool(user_ids))
    querysets: dict[type, models.QuerySet] = {}
    for plan in chosen:
        manager = plan.model._base_manager
        if plan.relation == "attached":
            queryset = manager.filter(**{f"{plan.lookup}__in": querysets[plan.target].values("pk")})
        else:
            wanted = subject_ids if plan.relation == "subject" else user_ids
            queryset = manager.filter(**{f"{plan.lookup}__in": wanted})
        if _has_organisation(plan.model):
            queryset = queryset.filter(organisation_id=organisation.pk)
        querysets[plan.model] = queryset
    exported = set(querysets)
    kinds: list[Kind] = []
    for plan in chosen:
        model = plan.model
        kind = Kind(
            model, plan.declaration, plan.relation, columns(model, plan.declaration, exported)
        )
        _read(kind, querysets[model], known, source_field(model))
        if kind.rows:
            kinds.append(kind)
    return Gathered(kinds, fresh)


def _utc_datetime(value):
    """A stored date and time as an aware ``datetime``: what Django's own
    converter gives, without its per-value settings lookups (SQLite stores
    naive UTC text; PostgreSQL gives aware values already)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def fetch(queryset, attnames: Sequence[str]) -> list[list]:
    """The values of ``attnames`` for each row of ``queryset``, converted as
    ``values_list`` converts them, in one query; date-times through
    ``_utc_datetime``, since Django's converter costs more than the rest of the
    export on a person's thousands of rows."""
    compiler = queryset.values_list(*attnames).query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    expressions = [selected[0] for selected in compiler.select]
    converters = compiler.get_converters(expressions)
    for index, expression in enumerate(expressions):
        if isinstance(getattr(expression, "output_field", None), models.DateTimeField):
            converters[index] = ([_utc_datetime], expression)
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for index, (functions, expression) in converters.items():
        for function in functions:
            if function is _utc_datetime:
                for row in rows:
                    row[index] = _utc_datetime(row[index])
            else:
                for row in rows:
                    row[index] = function(row[index], expression, connection)
    return rows


def _read(kind: Kind, queryset, known: dict[int, DataSubject], source: str | None) -> None:
    model = kind.model
    names = {f.name for f in model._meta.concrete_fields}
    wanted = [c.field.attname for c in kind.columns]
    extra = [
        name
        for name in ("organisation_id", "row_uuid", "data_subject_id")
        if (name[:-3] if name.endswith("_id") else name) in names
    ]
    source_attname = model._meta.get_field(source).attname if source else None
    attnames = list(dict.fromkeys(["pk", *wanted, *extra, *([source_attname] if source else [])]))
    position = {name: index for index, name in enumerate(attnames)}
    fetched = fetch(queryset.order_by("pk"), attnames)
    sealed_at = [
        (position[c.field.attname], c.field)
        for c in kind.columns
        if isinstance(c.field, EncryptedField)
    ]
    at = {name: position.get(name) for name in ("organisation_id", "row_uuid", "data_subject_id")}
    if sealed_at and at["data_subject_id"] is not None:
        # Rows sealed under another person's key (rare): their subjects in one query.
        missing = {r[at["data_subject_id"]] for r in fetched} - set(known) - {None}
        if missing:
            for other in DataSubject._base_manager.filter(pk__in=missing):
                known[other.pk] = other
    for row in fetched:
        if sealed_at:
            subject_id = row[at["data_subject_id"]] if at["data_subject_id"] is not None else None
            shim = SimpleNamespace(
                organisation_id=row[at["organisation_id"]]
                if at["organisation_id"] is not None
                else None,
                row_uuid=row[at["row_uuid"]] if at["row_uuid"] is not None else None,
                data_subject_id=subject_id,
                data_subject=known.get(subject_id),
            )
            for index, model_field in sealed_at:
                if isinstance(row[index], crypto.Sealed):
                    try:
                        row[index] = model_field.decrypt(shim, row[index])
                    except crypto.DecryptionError:
                        row[index] = None  # shredded, or unreadable: nothing to show
        if source and row[position[source_attname]]:
            kind.sources.add(_display(model._meta.get_field(source), row[position[source_attname]]))
    columns_at = [(c.name, position[c.field.attname]) for c in kind.columns]
    kind.rows = [
        {"id": row[0], **{name: row[index] for name, index in columns_at}} for row in fetched
    ]


def _display(model_field, value) -> str:
    choices = dict(model_field.flatchoices) if model_field.choices else {}
    return str(choices.get(value, value))


def organisation_kind(model, queryset, exported: Iterable[type]) -> Kind:
    """Every row of ``queryset`` (an organisation's rows of the declared
    ``model``), decrypted, in the columns the access export shows: the
    organisation's own export (``ops.offboarding.export``) reads its data
    the way a person's is read. ``exported``: the models of that export (a
    foreign key to one of them is kept as its row's id)."""
    declaration = registry.for_model(model)
    if declaration is None:
        raise ValueError(f"{model._meta.label} has no privacy declaration")
    kind = Kind(model, declaration, "organisation", columns(model, declaration, exported))
    _read(kind, queryset, {}, source_field(model))
    return kind
