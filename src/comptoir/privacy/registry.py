"""Every model's privacy declaration, collected and checked at start-up.

``registry`` answers, for one model, what its personal fields are (category,
purposes, erasure, encryption) and, across the project, which fields of which
models hold data about people, in which categories, for which purposes: what
the art. 30 register and the access export are generated from. For one
person (``holdings(subject)``) it answers which rows of which models hold
data about them and in which fields, categories and purposes, reading
whether a field is filled without decrypting anything.

``populate`` runs from ``PrivacyConfig.ready``: a declaration naming an
unknown field, declaring a field both personal and not, or asking for
encryption or search that the field cannot give stops the start-up with
``ImproperlyConfigured`` listing every problem.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models

from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import BlindIndexField, EncryptedField, OperatorSealed
from comptoir.privacy.normalise import NORMALISERS
from comptoir.privacy.retention import RetentionRule
from comptoir.privacy.third_party import privacy_of

# Field types that can hold personal data (CharField covers EmailField,
# SlugField and URLField; BinaryField covers the encrypted fields).
PERSONAL_DATA_TYPES = (
    models.CharField,
    models.TextField,
    models.GenericIPAddressField,
    models.JSONField,
    models.FileField,
    models.BinaryField,
)


def can_hold_personal_data(field) -> bool:
    if not getattr(field, "concrete", False) or field.is_relation:
        return False
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return True  # a date can be a date of birth
    return isinstance(field, PERSONAL_DATA_TYPES)


@dataclass(frozen=True)
class PersonalField:
    """One personal field of one model, with everything the register needs."""

    model: type[models.Model]
    name: str
    personal: Personal
    subject: str | None
    retention: RetentionRule | None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    @property
    def category(self) -> Category:
        return self.personal.category

    @property
    def purposes(self) -> tuple[Purpose, ...]:
        return self.personal.purposes


@dataclass(frozen=True)
class ModelPrivacy:
    model: type[models.Model]
    subject: str | None
    retention: RetentionRule | None
    fields: dict[str, Personal]
    not_personal: frozenset[str]
    blind_indexes: dict[str, str]  # index field -> encrypted field it indexes
    # A date or datetime field: the row expires ``retention.duration`` after it,
    # and the retention sweep deletes it (``privacy.records.sweep``).
    retention_start: str | None = None

    def personal_fields(self) -> list[PersonalField]:
        return [
            PersonalField(self.model, name, personal, self.subject, self.retention)
            for name, personal in self.fields.items()
        ]

    def is_declared(self, field_name: str) -> bool:
        return (
            field_name in self.fields
            or field_name in self.not_personal
            or field_name in self.blind_indexes
        )


@dataclass(frozen=True)
class Holding:
    """One row holding data about one person: the fields that hold it, never their values."""

    model: type[models.Model]
    pk: int
    fields: tuple[PersonalField, ...]

    @property
    def categories(self) -> list[Category]:
        return sorted({f.category for f in self.fields}, key=str)

    @property
    def purposes(self) -> list[Purpose]:
        return sorted({p for f in self.fields for p in f.purposes}, key=lambda p: p.value)


def subject_lookup(declaration: ModelPrivacy) -> str | None:
    """The lookup from a row of the model to the ``DataSubject`` it is about, if any.

    ``"self"`` on a model with encrypted fields means the row is the person,
    whose key is its ``data_subject``; a path ends at ``DataSubject`` (staff
    users, reached by other paths, are not data subjects of an organisation).
    """
    from comptoir.privacy.models import DataSubject, EncryptedModel

    model, subject = declaration.model, declaration.subject
    if subject is None or model is DataSubject:
        return None
    if subject == "self":
        return "data_subject" if issubclass(model, EncryptedModel) else None
    current = model
    for step in subject.split("__"):
        current = current._meta.get_field(step).related_model
        if current is None:
            return None
    return subject if current is DataSubject else None


class Registry:
    def __init__(self):
        self._models: dict[type[models.Model], ModelPrivacy] = {}

    def populate(self, all_models: Iterable[type[models.Model]]) -> None:
        problems: list[str] = []
        found: dict[type[models.Model], ModelPrivacy] = {}
        for model in all_models:
            declaration, errors = read_declaration(model)
            problems += errors
            if declaration is not None:
                found[model] = declaration
        if problems:
            raise ImproperlyConfigured(
                "privacy declarations are wrong:\n  - " + "\n  - ".join(problems)
            )
        self._models = found

    def register(self, model: type[models.Model]) -> ModelPrivacy:
        """Check and add one model (models built outside the app registry, in tests)."""
        declaration, errors = read_declaration(model)
        if errors:
            raise ImproperlyConfigured("\n".join(errors))
        if declaration is None:
            raise ImproperlyConfigured(f"{model._meta.label} has no Privacy declaration")
        self._models[model] = declaration
        return declaration

    def for_model(self, model) -> ModelPrivacy | None:
        return self._models.get(model)

    def models(self) -> list[type[models.Model]]:
        return list(self._models)

    def personal_fields(self) -> list[PersonalField]:
        """Every personal field of every declared model."""
        return [f for declaration in self._models.values() for f in declaration.personal_fields()]

    def about_subjects(self) -> list[PersonalField]:
        """Personal fields of rows that belong to a data subject (reachable from the person)."""
        return [f for f in self.personal_fields() if f.subject is not None]

    def by_category(self) -> dict[Category, list[PersonalField]]:
        grouped: dict[Category, list[PersonalField]] = defaultdict(list)
        for field in self.personal_fields():
            grouped[field.category].append(field)
        return dict(grouped)

    def by_purpose(self) -> dict[Purpose, list[PersonalField]]:
        grouped: dict[Purpose, list[PersonalField]] = defaultdict(list)
        for field in self.personal_fields():
            for purpose in field.purposes:
                grouped[purpose].append(field)
        return dict(grouped)

    def holdings(self, subject) -> list[Holding]:
        """Every row holding data about ``subject`` (a ``DataSubject``) and which of
        its personal fields hold it. Reads stored values to see whether they are
        filled (a sealed value is not opened), within the subject's organisation."""
        found: list[Holding] = []
        for declaration in self._models.values():
            lookup = subject_lookup(declaration)
            personal = declaration.personal_fields()
            if lookup is None or not personal:
                continue
            model = declaration.model
            attnames = {f.name: model._meta.get_field(f.name).attname for f in personal}
            rows = (
                model._base_manager.filter(
                    organisation_id=subject.organisation_id, **{lookup: subject.pk}
                )
                .order_by("pk")
                .values("pk", *attnames.values())
            )
            for row in rows:
                filled = tuple(
                    f for f in personal if row[attnames[f.name]] not in (None, "", b"", False)
                )
                if filled:
                    found.append(Holding(model, row["pk"], filled))
        return found

    def undeclared(self, model) -> list[str]:
        """Fields of ``model`` that can hold personal data and are declared neither way."""
        declaration = self.for_model(model)
        return [
            field.name
            for field in model._meta.get_fields()
            if can_hold_personal_data(field)
            and (declaration is None or not declaration.is_declared(field.name))
        ]


registry = Registry()


def read_declaration(model) -> tuple[ModelPrivacy | None, list[str]]:
    """The model's declaration and the problems found in it."""
    label = model._meta.label
    spec = privacy_of(model)
    encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
    if spec is None:
        if encrypted:
            return None, [f"{label} has encrypted fields but no Privacy declaration"]
        return None, []
    errors: list[str] = []
    fields = dict(getattr(spec, "fields", {}))
    not_personal = frozenset(getattr(spec, "not_personal", ()))
    subject = getattr(spec, "subject", None)
    retention = getattr(spec, "retention", None)

    for name in sorted(set(fields) | not_personal):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            errors.append(f"{label}.Privacy names {name!r}, which is not a field of {label}")
            continue
        if not getattr(field, "concrete", False):
            errors.append(f"{label}.Privacy names {name!r}, which is not a column")
    for name in sorted(set(fields) & not_personal):
        errors.append(f"{label}.{name} is declared both personal and not personal")
    columns = {f.name for f in model._meta.concrete_fields}
    for name, personal in fields.items():
        if not isinstance(personal, Personal):
            errors.append(f"{label}.{name} must be declared with Personal(...)")
        elif name in columns:
            errors += _check_field(model, name, personal)

    indexes: dict[str, str] = {}
    if encrypted:
        from comptoir.privacy.models import EncryptedModel, OperatorEncryptedModel

        operator_sealed = [f for f in encrypted if isinstance(f, OperatorSealed)]
        if operator_sealed and len(operator_sealed) != len(encrypted):
            errors.append(f"{label} mixes operator-sealed and organisation-sealed fields")
        elif operator_sealed:
            if not issubclass(model, OperatorEncryptedModel):
                errors.append(
                    f"{label} has operator-sealed fields, so it must inherit OperatorEncryptedModel"
                )
        elif not issubclass(model, EncryptedModel):
            errors.append(f"{label} has encrypted fields, so it must inherit EncryptedModel")
    for field in encrypted:
        if field.name in not_personal:
            errors.append(f"{label}.{field.name} is encrypted, so it is personal: declare it so")
        elif field.name not in fields:
            errors.append(f"{label}.{field.name} is encrypted but not declared personal")
        for index_name in field.index_names:
            indexes[index_name] = field.name
    errors += _check_subject(model, subject)
    if retention is not None and not isinstance(retention, RetentionRule):
        errors.append(f"{label}.Privacy.retention must be a RetentionRule or None")
    if fields and retention is None:
        errors.append(f"{label} holds personal fields, so it needs a retention rule")
    retention_start = getattr(spec, "retention_start", None)
    errors += _check_retention_start(model, retention_start, retention)
    declaration = ModelPrivacy(
        model, subject, retention, fields, not_personal, indexes, retention_start
    )
    return declaration, errors


def _check_retention_start(model, name, rule) -> list[str]:
    """``retention_start`` names a date or datetime column, under a rule with a duration."""
    label = model._meta.label
    if name is None:
        return []
    if not isinstance(name, str):
        return [f"{label}.Privacy.retention_start must be a field name"]
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return [f"{label}.Privacy.retention_start {name!r} is not a field of {label}"]
    errors = []
    if not isinstance(field, models.DateField) or not getattr(field, "concrete", False):
        errors.append(f"{label}.Privacy.retention_start {name!r} is not a date or datetime column")
    if rule is None or rule.duration is None:
        errors.append(
            f"{label}.Privacy.retention_start needs a retention rule with a fixed duration"
        )
    return errors


def _check_field(model, name: str, personal: Personal) -> list[str]:
    label = f"{model._meta.label}.{name}"
    field = model._meta.get_field(name)
    errors = []
    is_encrypted = isinstance(field, EncryptedField)
    if personal.encrypted and not is_encrypted:
        errors.append(f"{label} is declared encrypted but is a {type(field).__name__}")
    if is_encrypted and not personal.encrypted:
        errors.append(f"{label} is an encrypted field but declared encrypted=False")
    if personal.searchable:
        if not is_encrypted or not field.blind_index:
            errors.append(f"{label} is declared searchable but has no blind index")
        else:
            errors += _check_index(model, label, field)
    elif is_encrypted and field.blind_index:
        errors.append(f"{label} has a blind index but is not declared searchable")
    if personal.on_erasure == OnErasure.ANONYMISE:
        if field.unique:
            errors.append(f"{label} is unique, so it cannot be anonymised to a fixed placeholder")
        try:
            field.clean(personal.placeholder, None)
        except ValidationError as exc:
            errors.append(
                f"{label}: the placeholder {personal.placeholder!r} is not a valid value "
                f"({'; '.join(exc.messages)})"
            )
    return errors


def _check_index(model, label: str, field: EncryptedField) -> list[str]:
    errors = []
    for name in field.index_names:
        errors += _check_index_field(model, label, field, name)
    if field.normaliser not in NORMALISERS:
        errors.append(f"{label}: no normaliser {field.normaliser!r} (one of {sorted(NORMALISERS)})")
    return errors


def _check_index_field(model, label: str, field: EncryptedField, name: str) -> list[str]:
    try:
        index = model._meta.get_field(name)
    except FieldDoesNotExist:
        return [f"{label}: its blind index {name!r} is not a field"]
    errors = []
    if not isinstance(index, BlindIndexField):
        errors.append(f"{label}: its blind index {name!r} is not a BlindIndexField")
    if isinstance(field, OperatorSealed):
        # One index key for the installation: the index is searched alone.
        if not (index.unique or index.db_index):
            errors.append(f"{label}: its blind index {index.name!r} needs db_index or unique")
    elif (
        not any(list(i.fields[:2]) == ["organisation", index.name] for i in model._meta.indexes)
        or index.db_index
    ):
        errors.append(
            f"{label}: its blind index {index.name!r} needs "
            f"tenant_index(..., {index.name!r}) in Meta.indexes, and db_index=False "
            "(searches are always within one organisation)"
        )
    return errors


def _check_subject(model, subject) -> list[str]:
    label = model._meta.label
    if subject is None or subject == "self":
        return []
    if not isinstance(subject, str):
        return [f"{label}.Privacy.subject must be None, 'self' or a path of field names"]
    current = model
    for step in subject.split("__"):
        try:
            field = current._meta.get_field(step)
        except FieldDoesNotExist:
            return [f"{label}.Privacy.subject {subject!r}: {step!r} is not a field"]
        if field.is_relation and field.related_model is not None:
            current = field.related_model
    return []
