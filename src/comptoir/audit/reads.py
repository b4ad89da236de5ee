"""Journal the reads of personal data made through the UI and the API:
one event for a detail view or GET of one object, one for a list page, each
naming the data subjects whose data it showed (``subjects``), so the DPO can
answer "who saw this person" (``audit.selectors.subject_trail``).

``subjects`` is required: a page showing nobody's data says so with ``()``.
An API list cut into pages by ``@paginate`` calls ``record_list_page`` and
the API's pagination writes the event with the page's rows.
``subjects_of(rows)`` finds the subjects of shown rows through their privacy
declarations (``Privacy.subject``), never through a hand-kept list.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import models

from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.core.http import request_actor
from comptoir.privacy.registry import registry, subject_lookup


def record_read(request, *, object_type: str, object_id, subjects: Iterable[int]) -> None:
    audit_record(
        actor=request_actor(request),
        action=Action.READ,
        organisation_id=request.organisation.pk,
        object_type=object_type,
        object_id=object_id,
        subjects=subjects,
    )


def record_list(request, *, object_type: str, subjects: Iterable[int]) -> None:
    audit_record(
        actor=request_actor(request),
        action=Action.LIST,
        organisation_id=request.organisation.pk,
        object_type=object_type,
        subjects=subjects,
    )


_PENDING = "_audit_list_pending"


def record_list_page(request, *, object_type: str) -> None:
    """For a list whose page is cut after the view returns (the API's
    ``@paginate``): the LIST event is written by ``record_list_shown`` once
    the rows of the page are known, naming their subjects."""
    setattr(request, _PENDING, object_type)


def record_list_shown(request, rows: Iterable[models.Model]) -> None:
    """Write the LIST event ``record_list_page`` announced, for these rows."""
    object_type = getattr(request, _PENDING, None)
    if object_type is None:
        return
    delattr(request, _PENDING)
    record_list(request, object_type=object_type, subjects=subjects_of(rows))


def _walk(row: models.Model, steps: list[str]):
    """The subject id at the end of ``steps`` from ``row`` without a query,
    or ``...`` when a relation on the way is not loaded."""
    current = row
    for step in steps[:-1]:
        field = current._meta.get_field(step)
        if not field.is_cached(current):
            if getattr(current, field.attname) is None:
                return None
            return ...
        current = getattr(current, step)
        if current is None:
            return None
    last = current._meta.get_field(steps[-1])
    if last.many_to_many or not last.concrete:
        return ...  # several people (a rights request's matches): ask the database
    return getattr(current, last.attname)


def subjects_of(rows: Iterable[models.Model], *, loaded_only: bool = False) -> set[int]:
    """The ids of the data subjects the ``rows`` are about, by each model's
    declaration: no query when the relations on the path are loaded
    (``select_related``), else one query per model for the rows that need it.
    Rows of models about nobody (companies, settings) add nothing.
    ``loaded_only``: never query; a row whose path is not loaded adds nothing
    (the journal's writes, where an extra query per event would cost)."""
    found: set[int] = set()
    missing: dict[tuple[type, str], list[int]] = defaultdict(list)
    for row in rows:
        if row is None:
            continue
        declaration = registry.for_model(type(row))
        lookup = subject_lookup(declaration) if declaration is not None else None
        if lookup is None:
            continue
        value = _walk(row, lookup.split("__"))
        if value is ...:
            missing[(type(row), lookup)].append(row.pk)
        elif value is not None:
            found.add(value)
    if loaded_only:
        return found
    for (model, lookup), pks in missing.items():
        values = model._base_manager.filter(pk__in=pks).values_list(lookup, flat=True)
        found |= {v for v in values if v is not None}
    return found
