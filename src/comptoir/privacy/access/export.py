"""Building the access export's ZIP from the registry's holdings."""

import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy.models import DataSubject
from comptoir.privacy.registry import registry


@dataclass(frozen=True)
class AccessExport:
    filename: str
    content: bytes  # a ZIP archive
    rows: int  # how many rows of data it holds


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def access_export(*, organisation, subjects: Sequence[DataSubject], actor: Actor) -> AccessExport:
    """A ZIP with, per kind of data (model), every row about ``subjects`` and the
    values of its declared personal fields; journalled as one export per subject."""
    by_model: dict[str, list[dict]] = defaultdict(list)
    rows = 0
    for subject in subjects:
        if subject.organisation_id != organisation.pk:
            raise ValueError("a data subject of another organisation")
        holdings = registry.holdings(subject)
        pks: dict[type, dict[int, tuple]] = defaultdict(dict)
        for holding in holdings:
            pks[holding.model][holding.pk] = holding.fields
        for model, wanted in pks.items():
            for instance in model._base_manager.filter(pk__in=list(wanted)).order_by("pk"):
                by_model[model._meta.label_lower].append(
                    {
                        "id": instance.pk,
                        **{f.name: _plain(getattr(instance, f.name)) for f in wanted[instance.pk]},
                    }
                )
                rows += 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for label, items in sorted(by_model.items()):
            archive.writestr(f"data/{label}.json", json.dumps(items, ensure_ascii=False, indent=2))
    for subject in subjects:
        audit_record(
            actor=actor,
            action=Action.EXPORT,
            organisation_id=organisation.pk,
            object_type=DataSubject._meta.label_lower,
            object_id=subject.uuid,
            subjects=[subject.pk],
        )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return AccessExport(f"access-export-{stamp}.zip", buffer.getvalue(), rows)
