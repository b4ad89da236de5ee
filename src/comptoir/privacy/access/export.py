"""The access export's ZIP (GDPR art. 15).

    summary.html          what is held, why, for whom, how long, from where; rights
    summary.json          the same, as data
    data/<kind>.json      per kind of data (model, ``app.model``): one object per row,
    data/<kind>.csv       keyed by the fields' readable (translated) names

The rows and columns are ``collect.gather``'s (every row about the person,
from the declarations; see ``collect`` for which columns are shown). Values
are decrypted and shown as a person reads them: a choice by its label, a
date in ISO 8601. Each file is streamed into the archive row by row.
"""

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy.access.collect import Column, Gathered, Kind, gather
from comptoir.privacy.access.summary import summary, summary_html
from comptoir.privacy.models import DataSubject


@dataclass(frozen=True)
class AccessExport:
    filename: str
    content: bytes  # a ZIP archive
    rows: int  # how many rows of data it holds


def plain(value):
    """A value as JSON holds it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def readable(column: Column, value):
    """A value as a person reads it: a choice by its label."""
    if value not in (None, "") and column.field.choices:
        return str(dict(column.field.flatchoices).get(value, value))
    return plain(value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_kind(archive: zipfile.ZipFile, kind: Kind, *, prefix: str = "data/") -> None:
    """``<prefix><kind>.json`` and ``.csv``, with readable column names."""
    labels = [_("ID"), *(c.label for c in kind.columns)]
    with archive.open(f"{prefix}{kind.label}.json", "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("[")
        for index, row in enumerate(kind.rows):
            item = {labels[0]: row["id"]}
            for column in kind.columns:
                item[column.label] = readable(column, row[column.name])
            out.write(("," if index else "") + "\n  " + json.dumps(item, ensure_ascii=False))
        out.write("\n]\n")
        out.flush()
        out.detach()
    with archive.open(f"{prefix}{kind.label}.csv", "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(out)
        writer.writerow(labels)
        for row in kind.rows:
            writer.writerow([row["id"], *(_cell(readable(c, row[c.name])) for c in kind.columns)])
        out.flush()
        out.detach()


def journal_export(*, organisation, gathered: Gathered, user_ids: Sequence[int], actor) -> None:
    """One export event per person exported (a subject, or a member's account)."""
    for subject in gathered.subjects:
        audit_record(
            actor=actor,
            action=Action.EXPORT,
            organisation_id=organisation.pk,
            object_type=DataSubject._meta.label_lower,
            object_id=subject.uuid,
        )
    for user_id in user_ids:
        audit_record(
            actor=actor,
            action=Action.EXPORT,
            organisation_id=organisation.pk,
            object_type=get_user_model()._meta.label_lower,
            object_id=user_id,
        )


@transaction.atomic
def access_export(
    *,
    organisation,
    subjects: Sequence[DataSubject],
    actor: Actor,
    user_ids: Sequence[int] = (),
    language: str | None = None,
) -> AccessExport:
    """A ZIP with every row about ``subjects`` (the organisation's data subjects
    that are one person) and, with ``user_ids`` (``people_matching(...).user_ids``),
    the member's account and memberships; plus the summary of purposes,
    recipients, retention and source. ``language`` (default: the active one)
    is the language of column names and the summary. Journalled: one export
    event per data subject and per user."""
    with translation.override(language or translation.get_language()):
        gathered = gather(organisation=organisation, subjects=subjects, user_ids=user_ids)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            data = summary(gathered, organisation=organisation)
            archive.writestr("summary.json", json.dumps(data, ensure_ascii=False, indent=2))
            archive.writestr("summary.html", summary_html(data))
            for kind in gathered.kinds:
                write_kind(archive, kind)
    journal_export(organisation=organisation, gathered=gathered, user_ids=user_ids, actor=actor)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return AccessExport(f"access-export-{stamp}.zip", buffer.getvalue(), gathered.rows)
