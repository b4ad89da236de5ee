"""New rows of encrypted models in bulk, without building model instances.

An import writes thousands of rows a second. Building a model instance,
``full_clean`` and ``bulk_create`` cost several times more per row than
encrypting and inserting it, so a batch goes through these two steps
instead, which apply the same definitions as ``save()``:

* ``clean_values`` checks the values a row gives with the model's own fields
  (``Field.clean``: type, choices, length, validators; an encrypted field's
  normal form, read in the organisation's country) and reports the fields
  that cannot be blank but are, with Django's own messages. Rules across
  fields stay with the caller (the model's ``clean`` shares them, see
  ``parties.rules``);
* ``sealed_rows`` turns cleaned rows into column values as ``pre_save``
  would: a fresh ``row_uuid``, every non-empty encrypted value sealed under
  the row's person key (or the organisation's current key), bound to its
  model, field, row and organisation, and the blind indexes computed from the
  normal forms ``clean_values`` found (``Cleaned.indexes``, computed once for
  the duplicate checks and the row). ``core.rawsql.insert_many`` writes them.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from comptoir.privacy import blind_index, crypto, keys
from comptoir.privacy.fields import EncryptedField


@dataclass
class Cleaned:
    """One row's values after ``clean_values``: what to write, or why not."""

    values: dict[str, Any] = field(default_factory=dict)
    normals: dict[str, str] = field(default_factory=dict)  # encrypted field -> normal form
    errors: dict[str, ValidationError] = field(default_factory=dict)

    def indexes(self, model: type[models.Model], *, organisation_id: int) -> dict[str, bytes]:
        """The blind index of each searchable value (field name -> digest), and
        the prefix index of those that keep one (prefix index field name -> digest)."""
        indexes = {}
        for name, normal in self.normals.items():
            model_field = model._meta.get_field(name)
            kind = model_field.normaliser
            indexes[name] = blind_index.of_normal(
                organisation_id=organisation_id, kind=kind, normal=normal
            )
            if model_field.prefix_index:
                indexes[model_field.prefix_index] = blind_index.prefix_of_normal(
                    organisation_id=organisation_id, kind=kind, normal=normal
                )
        return indexes


@cache
def _required(model: type[models.Model]) -> tuple[models.Field, ...]:
    """Fields a row must fill: not blank, no default, set by the row (not a relation)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if not f.blank and f.editable and not f.has_default() and not f.is_relation
        if not f.primary_key
    )


def _clean_one(model_field, value, region: str) -> tuple[Any, str | None, ValidationError | None]:
    try:
        if isinstance(model_field, EncryptedField):
            value, normal = model_field.clean_plain(value, region)
            return value, normal, None
        if not (model_field.blank and value in model_field.empty_values):
            value = model_field.clean(value, None)
        return value, None, None
    except ValidationError as exc:
        return value, None, exc


MEMO_SIZE = 50_000


def clean_values(
    model: type[models.Model],
    values: Mapping[str, Any],
    *,
    region: str,
    memo: dict | None = None,
) -> Cleaned:
    """What ``Model.clean_fields`` does for the fields ``values`` names, plus
    the required fields it leaves out; ``region`` reads local phone numbers.

    A field's check depends on the field, the value and the region only, so
    a caller checking many rows may pass a ``memo`` (a dict it keeps for one
    organisation): a value met again (a city, a given name, a job title) is
    not checked again. It holds at most ``MEMO_SIZE`` entries."""
    result = Cleaned()
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if memo is None or not isinstance(value, str):
            checked = _clean_one(model_field, value, region)
        else:
            key = (model_field, value, region)
            checked = memo.get(key)
            if checked is None:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                checked = memo[key] = _clean_one(model_field, value, region)
        value, normal, error = checked
        if error is not None:
            result.errors[name] = error
            continue
        if normal is not None:
            result.normals[name] = normal
        result.values[name] = value
    for required in _required(model):
        if result.values.get(required.name, "") in required.empty_values:
            result.errors.setdefault(
                required.name, ValidationError(required.error_messages["blank"], code="blank")
            )
    return result


@dataclass(frozen=True)
class _Plan:
    label: str
    # field, its index's attname, its prefix index (field name, attname)
    encrypted: tuple[tuple[EncryptedField, str | None, tuple[str, str] | None], ...]


@cache
def _plan(model: type[models.Model]) -> _Plan:
    encrypted = []
    for f in model._meta.concrete_fields:
        if isinstance(f, EncryptedField):
            index = model._meta.get_field(f.blind_index).attname if f.blind_index else None
            prefix = (
                (f.prefix_index, model._meta.get_field(f.prefix_index).attname)
                if f.prefix_index
                else None
            )
            encrypted.append((f, index, prefix))
    return _Plan(model._meta.label_lower, tuple(encrypted))


@dataclass
class NewRow:
    """A row to insert: cleaned values by attname, blind indexes (``Cleaned.indexes``)
    by encrypted field name, and its person."""

    values: dict[str, Any]
    indexes: Mapping[str, bytes] = field(default_factory=dict)
    subject: tuple[int, keys.Key] | None = None  # (DataSubject pk, its key)


def sealed_rows(
    model: type[models.Model], *, organisation_id: int, rows: Sequence[NewRow]
) -> list[dict[str, Any]]:
    """Column values (attname -> value) of ``rows``, encrypted and indexed,
    ready for ``core.rawsql.insert_many(model, ..., key="row_uuid")``."""
    plan = _plan(model)
    version, organisation_key = keys.current_key(organisation_id)
    organisation_header = crypto.organisation_header(version)
    sealed = []
    for row in rows:
        values = dict(row.values)
        row_uuid = uuid.uuid4()
        values["row_uuid"] = row_uuid
        values["organisation_id"] = organisation_id
        if row.subject is not None:
            values["data_subject_id"], key = row.subject
            header = crypto.SUBJECT_HEADER
        else:
            key, header = organisation_key, organisation_header
        place = str(row_uuid)
        for encrypted, index, prefix in plan.encrypted:
            name = encrypted.name
            value = values.pop(name) if name in values else encrypted.get_default()
            if index is not None:
                values[index] = row.indexes.get(name)
                if values[index] is None and value not in encrypted.empty_values:
                    raise ValueError(f"{plan.label}.{name}: a value without its blind index")
            if prefix is not None:
                values[prefix[1]] = row.indexes.get(prefix[0])
                if values[prefix[1]] is None and value not in encrypted.empty_values:
                    raise ValueError(f"{plan.label}.{name}: a value without its prefix index")
            if value in encrypted.empty_values:
                values[encrypted.attname] = encrypted.get_prep_value(value)  # NULL or empty
                continue
            values[encrypted.attname] = crypto.seal_with(
                key,
                header,
                encrypted.to_plaintext_bytes(value),
                crypto.associated(header, plan.label, name, place, organisation_id),
            )
        sealed.append(values)
    return sealed


__all__ = ["Cleaned", "NewRow", "clean_values", "sealed_rows"]
