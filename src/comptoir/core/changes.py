"""What a change of a model instance touched: the field names a service
saves and journals (never the values)."""

from collections.abc import Iterable
from typing import Any

from django.db import models


def value_of(instance: models.Model, name: str) -> Any:
    """A field's value as compared for changes (a foreign key by its id)."""
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname if field.is_relation else name)


def snapshot(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: value_of(instance, name) for name in names}


def changed(instance: models.Model, before: dict[str, Any]) -> list[str]:
    return sorted(name for name, value in before.items() if value_of(instance, name) != value)


def filled(instance: models.Model, names: Iterable[str]) -> list[str]:
    """The fields, among ``names``, that hold a value (what a creation records)."""
    return sorted(name for name in names if value_of(instance, name) not in (None, "", False))
