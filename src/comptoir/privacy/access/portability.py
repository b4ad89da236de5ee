"""Portability (GDPR art. 20): the person's data processed on their consent or
under a contract, in a structured, machine-readable format.

``portability_export`` returns a ZIP (the same ``AccessExport`` as the access
export) holding ``portability.json``, a document following the published JSON
Schema (``portability_schema``, draft 2020-12, served at
``/privacy/portability.schema.json`` and stored beside this module as
``portability.schema.json``), and one CSV per kind of data under ``csv/``.

Which data: the declared personal fields whose purposes rest on consent or
contract (``LegalBasis.CONSENT``, ``LegalBasis.CONTRACT``), of the rows the
access export finds (``collect.gather``), keyed by field name, values as
stored (a choice by its code, a date in ISO 8601, an amount as a decimal
string). The schema is generated from the same declarations, so a new
declared field appears in both at once. ``write_schema_file()`` rewrites the
stored copy (a test holds it equal to the generated one)::

    DJANGO_SETTINGS_MODULE=comptoir.settings .venv/bin/python -c "import django; \\
    django.setup(); from comptoir.privacy.access import portability; \\
    portability.write_schema_file()"
"""

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone, translation

from comptoir.audit.services import Actor
from comptoir.privacy.access.collect import Column, Kind, columns, gather, plans
from comptoir.privacy.access.export import (
    COMPRESSION,
    AccessExport,
    entry,
    journal_export,
    plain,
)
from comptoir.privacy.declarations import LegalBasis
from comptoir.privacy.fields import EncryptedDateField
from comptoir.privacy.models import DataSubject

PORTABLE_BASES = frozenset({LegalBasis.CONSENT, LegalBasis.CONTRACT})
SCHEMA_URL = "/privacy/portability.schema.json"
SCHEMA_ID = "urn:comptoir:privacy:portability:1"
SCHEMA_FILE = Path(__file__).with_name("portability.schema.json")
FORMAT = "comptoir-portability/1"


def is_portable(column: Column) -> bool:
    return column.personal is not None and bool(PORTABLE_BASES & set(column.personal.legal_bases))


def portable_columns(kind_columns: Sequence[Column]) -> list[Column]:
    return [c for c in kind_columns if is_portable(c)]


def _value_schema(model_field: models.Field) -> dict:
    if isinstance(model_field, EncryptedDateField) or (
        isinstance(model_field, models.DateField)
        and not isinstance(model_field, models.DateTimeField)
    ):
        return {"type": ["string", "null"], "format": "date"}
    if isinstance(model_field, models.DateTimeField):
        return {"type": ["string", "null"], "format": "date-time"}
    if isinstance(model_field, models.BooleanField):
        return {"type": ["boolean", "null"]}
    if isinstance(model_field, models.DecimalField):
        return {"type": ["string", "null"], "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
    if isinstance(model_field, models.IntegerField | models.ForeignKey):
        return {"type": ["integer", "null"]}
    if isinstance(model_field, models.JSONField):
        return {}
    return {"type": ["string", "null"]}


def _field_schema(column: Column) -> dict:
    schema = {"title": str(column.field.verbose_name), **_value_schema(column.field)}
    if column.field.choices:
        codes = [code for code, _label in column.field.flatchoices]
        schema["enum"] = [*dict.fromkeys([*codes, "", None])]
    schema["x-category"] = str(column.personal.category)
    schema["x-purposes"] = [p.code for p in column.personal.purposes]
    schema["x-legal-bases"] = [str(b) for b in column.personal.legal_bases]
    return schema


def portability_schema(*, installed_only: bool = False) -> dict:
    """The JSON Schema (draft 2020-12) of ``portability.json``, from the declarations.

    ``installed_only`` leaves out models of apps that are not installed (the
    test suite's throwaway models): what the stored copy holds."""
    kinds: dict[str, dict] = {}
    all_plans = plans()
    exported = {plan.model for plan in all_plans}
    with translation.override("en"):
        for plan in all_plans:
            model = plan.model
            if installed_only and model._meta.app_config is None:
                continue
            chosen = portable_columns(columns(model, plan.declaration, exported))
            if not chosen:
                continue
            properties = {"id": {"title": "id", "type": "integer"}}
            properties.update({c.name: _field_schema(c) for c in chosen})
            kinds[model._meta.label_lower] = {
                "title": str(model._meta.verbose_name_plural),
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": list(properties),
                    "additionalProperties": False,
                },
            }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Comptoir: personal data for portability (GDPR art. 20)",
        "description": (
            "The data a person gave an organisation, processed on their consent or under a "
            "contract, one array of records per kind of data, keyed by field name."
        ),
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "schema": {"type": "string"},
            "generated_at": {"type": "string", "format": "date-time"},
            "controller": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "country": {"type": "string"}},
                "required": ["name", "country"],
                "additionalProperties": False,
            },
            "data": {
                "type": "object",
                "properties": kinds,
                "additionalProperties": False,
            },
        },
        "required": ["format", "schema", "generated_at", "controller", "data"],
        "additionalProperties": False,
    }


def schema_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _records(kind: Kind, chosen: list[Column]) -> list[dict]:
    return [{"id": row["id"], **{c.name: plain(row[c.name]) for c in chosen}} for row in kind.rows]


@transaction.atomic
def portability_export(
    *,
    organisation,
    subjects: Sequence[DataSubject],
    actor: Actor,
    user_ids: Sequence[int] = (),
) -> AccessExport:
    """A ZIP: ``portability.json`` (following ``portability_schema``) and one CSV
    per kind under ``csv/``, holding the fields processed on consent or
    contract of every row about ``subjects`` (and members ``user_ids``).
    Journalled as the access export is."""
    gathered = gather(organisation=organisation, subjects=subjects, user_ids=user_ids)
    data: dict[str, list[dict]] = {}
    chosen_by_kind: list[tuple[Kind, list[Column]]] = []
    rows = 0
    for kind in gathered.kinds:
        chosen = portable_columns(kind.columns)
        if chosen:
            data[kind.label] = _records(kind, chosen)
            chosen_by_kind.append((kind, chosen))
            rows += len(kind.rows)
    document = {
        "format": FORMAT,
        "schema": SCHEMA_URL,
        "generated_at": timezone.now().isoformat(),
        "controller": {"name": organisation.legal_name, "country": organisation.country},
        "data": data,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", **COMPRESSION) as archive:
        archive.writestr("portability.json", json.dumps(document, ensure_ascii=False, indent=2))
        for kind, chosen in chosen_by_kind:
            with archive.open(entry(f"csv/{kind.label}.csv"), "w") as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(out)
                writer.writerow(["id", *(c.name for c in chosen)])
                for record in data[kind.label]:
                    writer.writerow([_csv(v) for v in record.values()])
                out.flush()
                out.detach()
    journal_export(organisation=organisation, gathered=gathered, user_ids=user_ids, actor=actor)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return AccessExport(f"portability-{stamp}.zip", buffer.getvalue(), rows)


def _csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_schema_file() -> Path:
    SCHEMA_FILE.write_text(schema_text(portability_schema(installed_only=True)), encoding="utf-8")
    return SCHEMA_FILE
