"""The rows handed from the reading process to the loading one: JSON lines,
``[model label, {attname: value}]``, fakes only (never an original personal
value). Bytes, JSON values and the noise of unreadable values are tagged;
other values are JSON scalars that the field's ``to_python`` reads back
(dates, decimals, UUIDs)."""

import base64
import json
from collections.abc import Iterator
from typing import IO

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from comptoir.ops.anonymise.substitute import Unreadable


def encode(model: type[models.Model], row: dict) -> str:
    values = {}
    for field in model._meta.concrete_fields:
        value = row[field.attname]
        if isinstance(value, Unreadable):
            value = {"$sealed": value.size}
        elif isinstance(field, models.JSONField):
            value = {"$json": value}
        elif isinstance(value, bytes | memoryview):
            value = {"$bytes": base64.b64encode(bytes(value)).decode()}
        values[field.attname] = value
    return json.dumps([model._meta.label_lower, values], cls=DjangoJSONEncoder) + "\n"


def decode(line: str) -> tuple[type[models.Model], dict]:
    """The model and its row: attname -> Python value (``Unreadable`` for noise)."""
    label, values = json.loads(line)
    model = apps.get_model(label)
    row = {}
    for field in model._meta.concrete_fields:
        value = values.get(field.attname)
        if isinstance(value, dict) and "$sealed" in value:
            value = Unreadable(value["$sealed"])
        elif isinstance(value, dict) and "$json" in value:
            value = value["$json"]
        elif isinstance(value, dict) and "$bytes" in value:
            value = base64.b64decode(value["$bytes"])
        elif value is not None:
            value = field.to_python(value)  # dates, decimals, UUIDs; text as it is
        row[field.attname] = value
    return model, row


def read(handle: IO[str]) -> Iterator[tuple[type[models.Model], dict]]:
    for line in handle:
        if line.strip():
            yield decode(line)
