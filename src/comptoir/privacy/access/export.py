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
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy.access.collect import Column, Gathered, Kind, gather
from comptoir.privacy.access.summary import summary, summary_html
from comptoir.privacy.fields import EncryptedDateField, EncryptedField
from comptoir.privacy.models import DataSubject

CHUNK = 1000  # rows encoded at once

COMPRESSION = {"compression": zipfile.ZIP_DEFLATED}


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


def _iso(value):
    return None if value is None else value.isoformat()


def _text(value):
    return None if value is None else str(value)


def reader(column: Column):
    """The function showing a column's values as a person reads them (a choice
    by its label, a date in ISO 8601), built once per column; ``None`` when
    the values show as they are (text, numbers, booleans)."""
    model_field = column.field
    if model_field.choices:
        labels = {code: str(label) for code, label in model_field.flatchoices}

        def choice(value):
            if value in (None, ""):
                return value
            return labels.get(value, plain(value))

        return choice
    if isinstance(model_field, models.DateField | EncryptedDateField):
        return _iso  # DateTimeField is a DateField
    if isinstance(model_field, models.DecimalField):
        return _text
    if isinstance(model_field, models.BinaryField) and not isinstance(model_field, EncryptedField):
        return lambda value: None
    if isinstance(model_field, EncryptedField | models.CharField | models.TextField):
        return None
    if isinstance(model_field, models.IntegerField | models.BooleanField | models.ForeignKey):
        return None
    return plain


def readable(column: Column, value):
    show = reader(column)
    return value if show is None else show(value)


def cell_writer(column: Column):
    """How a readable value of the column goes into a CSV cell, if not as it is
    (the csv module writes ``None`` as an empty cell)."""
    if isinstance(column.field, models.BooleanField):
        yes, no = _("yes"), _("no")
        return lambda value: "" if value is None else (yes if value else no)
    if isinstance(column.field, models.JSONField):
        return lambda value: "" if value is None else json.dumps(value, ensure_ascii=False)
    return None


def _apply(functions, rows):
    """Apply each column's function (``None``: leave the value) to ``rows`` in place."""
    for index, function in enumerate(functions):
        if function is not None:
            for values in rows:
                values[index] = function(values[index])


def entry(name: str) -> zipfile.ZipInfo:
    """A file of the archive, dated now (``ZipFile.open`` would date it 1980)."""
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = COMPRESSION["compression"]
    return info


def write_kind(archive: zipfile.ZipFile, kind: Kind, *, prefix: str = "data/") -> None:
    """``<prefix><kind>.json`` and ``.csv``, with readable column names."""
    labels = [_("ID"), *(c.label for c in kind.columns)]
    names = ["id", *(c.name for c in kind.columns)]
    shown = [[row[name] for name in names] for row in kind.rows]
    _apply([None, *(reader(c) for c in kind.columns)], shown)
    with archive.open(entry(f"{prefix}{kind.label}.json"), "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("[")
        # Streamed by chunks: one C-encoded chunk of rows at a time.
        for start in range(0, len(shown), CHUNK):
            chunk = [
                dict(zip(labels, values, strict=True)) for values in shown[start : start + CHUNK]
            ]
            encoded = json.dumps(chunk, ensure_ascii=False, indent=0)[2:-2]
            out.write(("," if start else "") + "\n" + encoded)
        out.write("\n]\n")
        out.flush()
        out.detach()
    _apply([None, *(cell_writer(c) for c in kind.columns)], shown)
    with archive.open(entry(f"{prefix}{kind.label}.csv"), "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(out)
        writer.writerow(labels)
        writer.writerows(shown)
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
            subjects=[subject.pk],
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
        with zipfile.ZipFile(buffer, "w", **COMPRESSION) as archive:
            data = summary(gathered, organisation=organisation)
            archive.writestr("summary.json", json.dumps(data, ensure_ascii=False, indent=2))
            archive.writestr("summary.html", summary_html(data))
            for kind in gathered.kinds:
                write_kind(archive, kind)
    journal_export(organisation=organisation, gathered=gathered, user_ids=user_ids, actor=actor)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return AccessExport(f"access-export-{stamp}.zip", buffer.getvalue(), gathered.rows)
