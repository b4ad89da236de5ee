"""Running an import: rows validated by the parties services, committed in batches.

How a job runs (``import_job_run``):

* the file is read again from ``default_storage`` (``readers.read``); rows
  before ``job.processed_rows`` belong to committed batches and are skipped,
  so a re-run after a crash resumes where the last commit left off;
* each batch of ``job.batch_size`` rows is one transaction: every row is
  built and validated through ``party_prepare`` / ``contact_person_prepare``
  (the very rules of ``party_create`` and ``contact_person_create``); rows
  that fail are rejected with their line, the file's column and the reason;
* duplicates are looked for once per batch, not once per row: one query on
  the SIREN / enterprise number / company-name-key columns and the email and
  phone blind indexes for parties, one on the blind indexes for contact
  persons. A row whose party or person exists already (in the database or
  earlier in the file) creates nothing and counts as a duplicate; a contact
  person whose company exists is added to it. So importing the same file
  twice creates nothing the second time;
* what remains is written with ``bulk_create`` (which encrypts through the
  fields' ``pre_save`` and computes the blind indexes), the data subjects of
  the new people in one insert too (``keys.subjects_create``);
* the audit journal gets **one record per batch and model** (action CREATE,
  ``object_type`` the model, ``object_id`` ``import:<job>:batch:<n>:rows:<count>``,
  ``fields`` every field set on any of those rows), not one per row: each
  audit record is a link of the organisation's hash chain (a locked head row,
  an HMAC, an insert), which would cost more than the import of the row
  itself. The job row, updated in the same transaction, keeps the counts;
* the job row is updated in the batch's transaction, so a crash loses no
  committed batch and never commits half of one.

At the end, the rejected rows (line, column, reason, then the row's cells as
read) are written as CSV to ``default_storage`` under a generated name; they
are personal data, so they never go to a log and ``import_files_purge``
deletes them with the uploaded file after ``IMPORT_FILES``.
"""

import csv
import hashlib
import io
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.parties import services as party_services
from comptoir.parties.importing import readers
from comptoir.parties.importing.models import IMPORT_FILES, ImportJob, ImportStatus
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.parties.models.people import EMAIL_FIELDS, PHONE_FIELDS
from comptoir.parties.selectors import digest
from comptoir.parties.services.common import filled
from comptoir.privacy import keys
from comptoir.tenancy.models import Organisation

logger = logging.getLogger(__name__)

SOURCE_DIR = "imports/sources"
REPORT_DIR = "imports/reports"
DEFAULT_BATCH_SIZE = 1000
# The contact person's columns (a mobile is its own column on a contact person).
CONTACT_COLUMNS = (
    "civility",
    "given_names",
    "family_name",
    "email",
    "phone",
    "mobile",
    "job_title",
)

Progress = Callable[[int, int], None]


def _digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def import_job_create(
    *,
    organisation: Organisation,
    data: bytes,
    user_id: int | None = None,
    mapping: Mapping[str, str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportJob:
    """A job for this file, or the unfinished job of the same file (to resume it).

    The file is checked for readability first (``readers.ImportFormatError``,
    nothing stored) and kept in ``default_storage`` under a generated name.
    """
    source = readers.read(data, mapping=mapping)
    file_digest = _digest_of(data)
    mapping = dict(mapping or {})
    unfinished = (
        ImportJob.objects.of(organisation)
        .select_for_update()
        .filter(digest=file_digest, mapping=mapping)
        .exclude(status=ImportStatus.DONE)
        .exclude(source_name="")
        .order_by("pk")
        .first()
    )
    if unfinished is not None:
        return unfinished
    name = default_storage.save(f"{SOURCE_DIR}/{uuid.uuid4().hex}", ContentFile(data))
    return ImportJob.objects.create(
        organisation=organisation,
        created_by_id=user_id,
        digest=file_digest,
        source_name=name,
        mapping=mapping,
        file_format=source.format,
        batch_size=batch_size,
        total_rows=len(source.rows),
    )


# One batch --------------------------------------------------------------------
@dataclass
class _Planned:
    """A row that passed validation: what it creates, and under which keys."""

    row: readers.Row
    party: Party | None  # a new party to create
    existing: Party | None = None  # the company a contact person joins
    person: ContactPerson | None = None
    party_keys: list[tuple[str, Any]] = field(default_factory=list)
    person_keys: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class BatchResult:
    parties: int = 0
    contacts: int = 0
    duplicates: int = 0
    rejections: list[list] = field(default_factory=list)


def _column(source: readers.Source, name: str) -> str:
    """The file's header for a model field (the field's own name when the file has none)."""
    if name == NON_FIELD_ERRORS:
        return ""
    return source.columns.get(name, name)


def _reject(result: BatchResult, source, row, exc: ValidationError, rename=None) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for name, messages in sorted(errors.items()):
        name = (rename or {}).get(name, name)
        for message in messages:
            result.rejections.append([row.line, _column(source, name), message])


def _split_row(values: dict[str, str]) -> tuple[str, dict, dict]:
    """(kind, party fields, contact person fields) of a row."""
    party = {k: values[k] for k in readers.PARTY_COLUMNS if k in values}
    person = {k: values[k] for k in CONTACT_COLUMNS if k in values}
    if values.get("company_name"):
        return PartyKind.COMPANY, party, person
    return PartyKind.INDIVIDUAL, {**party, **person}, {}


def _party_keys(organisation, party: Party) -> list[tuple[str, Any]]:
    if party.kind == PartyKind.COMPANY:
        keys = [(name, getattr(party, name)) for name in ("siren", "enterprise_number")]
        keys = [(n, v) for n, v in keys if v]
        return keys or [("company_name_key", party.company_name_key)]
    keys = []
    for kind in ("email", "phone"):
        index = digest(organisation=organisation, kind=kind, value=getattr(party, kind))
        if index is not None:
            keys.append((f"{kind}_index", index))
    return keys


def _person_keys(organisation, person: ContactPerson) -> list[tuple[str, Any]]:
    keys = []
    for kind, columns in (("email", EMAIL_FIELDS), ("phone", PHONE_FIELDS)):
        for name in columns:
            index = digest(organisation=organisation, kind=kind, value=getattr(person, name))
            if index is not None:
                keys.append((kind, index))
    if not keys:  # no email nor phone: the same family name in the same company
        keys.append(
            ("name", digest(organisation=organisation, kind="name", value=person.family_name))
        )
    return keys


def _plan_row(organisation, source, row, result: BatchResult) -> _Planned | None:
    if "_version" in row.values:
        result.rejections.append([row.line, "VERSION", _("Only vCard 3.0 and 4.0 are accepted.")])
        return None
    kind, party_fields, person_fields = _split_row(row.values)
    if kind == PartyKind.INDIVIDUAL:
        mobile = party_fields.pop("mobile", "")
        job_title = party_fields.pop("job_title", "")
        if job_title:
            result.rejections.append(
                [
                    row.line,
                    _column(source, "job_title"),
                    _("An individual has no job title; give the company's name."),
                ]
            )
            return None
        if mobile and party_fields.get("phone"):
            result.rejections.append(
                [
                    row.line,
                    _column(source, "mobile"),
                    _(
                        "An individual party has a single phone number; "
                        "leave phone or mobile empty."
                    ),
                ]
            )
            return None
        if mobile:
            party_fields["phone"] = mobile
    try:
        party = party_services.party_prepare(organisation=organisation, kind=kind, **party_fields)
    except ValidationError as exc:
        rename = (
            {"phone": "mobile"} if kind == PartyKind.INDIVIDUAL and "mobile" in row.values else None
        )
        _reject(result, source, row, exc, rename)
        return None
    planned = _Planned(row=row, party=party, party_keys=_party_keys(organisation, party))
    if person_fields:
        try:
            person = party_services.contact_person_prepare(party=party, **person_fields)
        except ValidationError as exc:
            _reject(result, source, row, exc)
            return None
        planned.person = person
        planned.person_keys = _person_keys(organisation, person)
    return planned


def _existing_parties(organisation, planned: list[_Planned]) -> dict[tuple[str, Any], Party]:
    """Stored parties holding any of the batch's keys, by key.

    One query per column, each on its own index: an OR across columns would
    let the database fall back to scanning the organisation's rows.
    """
    wanted: dict[str, set] = {}
    for plan in planned:
        for name, value in plan.party_keys:
            wanted.setdefault(name, set()).add(value)
    found: dict[tuple[str, Any], Party] = {}
    for name, values in wanted.items():
        rows = (
            Party.objects.of(organisation)
            .filter(**{f"{name}__in": list(values)})
            .only("pk", "kind", "organisation_id", name)
            .order_by("pk")
        )
        for party in rows:
            found.setdefault((name, getattr(party, name)), party)
    return found


def _existing_persons(organisation, planned: list[_Planned]) -> set[tuple]:
    """Keys of contact persons already stored: ("email"|"phone", digest) and
    ("name", party id, digest) for people known by name only (one query per column)."""
    wanted: dict[str, set] = {"email": set(), "phone": set(), "name": set()}
    for plan in planned:
        for kind, value in plan.person_keys:
            wanted[kind].add(value)
    found: set[tuple] = set()
    people = ContactPerson.objects.of(organisation)
    for kind, columns in (("email", EMAIL_FIELDS), ("phone", PHONE_FIELDS)):
        if not wanted[kind]:
            continue
        for name in columns:
            column = f"{name}_index"
            for value in people.filter(**{f"{column}__in": list(wanted[kind])}).values_list(
                column, flat=True
            ):
                found.add((kind, bytes(value)))
    if wanted["name"]:
        for party_id, value in people.filter(
            family_name_index__in=list(wanted["name"])
        ).values_list("party_id", "family_name_index"):
            found.add(("name", party_id, bytes(value)))
    return found


def _person_key(key: tuple[str, Any], company: Party) -> tuple:
    """A name key holds within one company: a stored one's pk, or (same batch) the object."""
    if key[0] == "name":
        return ("name", company.pk if company.pk is not None else id(company), key[1])
    return key


def _batch(
    *, organisation, source: readers.Source, rows: list[readers.Row], actor: Actor, label: str
) -> BatchResult:
    """Validate, deduplicate and write one batch (the caller holds the transaction)."""
    result = BatchResult()
    planned = [p for p in (_plan_row(organisation, source, r, result) for r in rows) if p]
    existing_parties = _existing_parties(organisation, planned)
    existing_persons = _existing_persons(organisation, planned)
    new_parties: list[Party] = []
    new_persons: list[ContactPerson] = []
    seen_parties: dict[tuple[str, Any], Party] = {}
    for plan in planned:
        match = next(
            (
                existing_parties.get(key) or seen_parties.get(key)
                for key in plan.party_keys
                if existing_parties.get(key) or seen_parties.get(key)
            ),
            None,
        )
        if plan.person is None:
            if match is not None:
                result.duplicates += 1
                continue
            new_parties.append(plan.party)
            for key in plan.party_keys:
                seen_parties[key] = plan.party
            continue
        company = match if match is not None and match.kind == PartyKind.COMPANY else None
        if match is not None and company is None:
            # The row's company identifiers belong to an individual: leave it to a person.
            result.rejections.append(
                [
                    plan.row.line,
                    _column(source, "company_name"),
                    _("Party #%(id)s already has this value.") % {"id": match.pk},
                ]
            )
            continue
        person_keys = [_person_key(key, company or plan.party) for key in plan.person_keys]
        if any(k in existing_persons for k in person_keys):
            result.duplicates += 1
            continue
        if company is None:
            new_parties.append(plan.party)
            for key in plan.party_keys:
                seen_parties[key] = plan.party
            company = plan.party
        plan.person.party = company
        new_persons.append(plan.person)
        existing_persons.update(person_keys)
    audits = [
        (model, len(created), _filled_names(model, created))
        for model, created in ((Party, new_parties), (ContactPerson, new_persons))
        if created
    ]
    _write(organisation=organisation, parties=new_parties, persons=new_persons)
    result.parties, result.contacts = len(new_parties), len(new_persons)
    for model, count, names in audits:
        audit_record(
            actor=actor,
            action=Action.CREATE,
            organisation_id=organisation.pk,
            object_type=model._meta.label_lower,
            object_id=f"{label}:rows:{count}",
            fields=names,
        )
    return result


def _filled_names(model, created: list) -> list[str]:
    """Every field set on any of ``created`` (before they are written: plaintexts)."""
    allowed = (
        party_services.parties.PARTY_FIELDS
        if model is Party
        else party_services.parties.CONTACT_PERSON_FIELDS
    )
    names: set[str] = {"kind"} if model is Party else {"party"}
    for obj in created:
        names.update(filled(obj, allowed - names))
    return sorted(names)


def _write(*, organisation, parties: list[Party], persons: list[ContactPerson]) -> None:
    people = [p for p in parties if p.kind == PartyKind.INDIVIDUAL] + persons
    if people:
        for person, subject in zip(
            people, keys.subjects_create(organisation=organisation, count=len(people)), strict=True
        ):
            person.data_subject = subject
    if parties:
        Party.objects.of(organisation).bulk_create(parties)
    if persons:  # bulk_create takes each company's pk, now that it has one
        ContactPerson.objects.of(organisation).bulk_create(persons)


# The job ------------------------------------------------------------------------
def _actor(job: ImportJob) -> Actor:
    return Actor.user(job.created_by_id) if job.created_by_id else Actor.system()


def import_job_run(*, job_id: int, progress: Progress | None = None) -> ImportJob:
    """Run (or resume) a job to its end. Idempotent: a finished job is returned as is."""
    job = ImportJob.across_organisations.select_related("organisation").get(pk=job_id)
    if job.status == ImportStatus.DONE:
        return job
    organisation = job.organisation
    try:
        with default_storage.open(job.source_name, "rb") as handle:
            data = handle.read()
        source = readers.read(data, mapping=job.mapping)
    except (OSError, readers.ImportFormatError) as exc:
        return _fail(job, exc)
    ImportJob.objects.of(organisation).filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, total_rows=len(source.rows), updated_at=timezone.now()
    )
    total = len(source.rows)
    actor = _actor(job)
    # The organisation's keys, created and committed before the first batch
    # if they are new (an uncommitted key is never cached: a query per value).
    keys.current_key(organisation.pk)
    keys.index_key(organisation.pk)
    position = job.processed_rows
    if progress:
        progress(position, total)
    try:
        while position < total:
            position = _commit_batch(job.pk, organisation, source, actor, position)
            if progress:
                progress(position, total)
    except Exception as exc:
        _fail(job, exc)
        raise
    return _finish(job.pk, organisation, source)


def _commit_batch(job_id, organisation, source, actor, position: int) -> int:
    with transaction.atomic(), keys.current_keys_pinned():
        job = ImportJob.objects.of(organisation).select_for_update().get(pk=job_id)
        if job.processed_rows != position:  # another runner moved on: follow it
            return job.processed_rows
        rows = source.rows[position : position + job.batch_size]
        label = f"import:{job.pk}:batch:{job.committed_batches + 1}"
        result = _batch(
            organisation=organisation, source=source, rows=rows, actor=actor, label=label
        )
        job.processed_rows = position + len(rows)
        job.committed_batches += 1
        job.parties_created += result.parties
        job.contacts_created += result.contacts
        job.duplicates += result.duplicates
        job.rejected += len({line for line, _col, _reason in result.rejections})
        job.rejections = [*job.rejections, *result.rejections]
        job.save()
        return job.processed_rows


def _fail(job: ImportJob, exc: Exception) -> ImportJob:
    # The class name only: a message may quote a value of the file.
    logger.warning("import job %s failed: %s", job.pk, type(exc).__name__)
    ImportJob.objects.of(job.organisation_id).filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error=type(exc).__name__, updated_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _finish(job_id: int, organisation, source: readers.Source) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.of(organisation).select_for_update().get(pk=job_id)
        if job.status == ImportStatus.DONE:
            return job
        if job.rejections and not job.report_name:
            job.report_name = default_storage.save(
                f"{REPORT_DIR}/{uuid.uuid4().hex}.csv", ContentFile(report_csv(job, source))
            )
        job.status = ImportStatus.DONE
        job.error = ""
        job.finished_at = timezone.now()
        job.save()
        return job


def report_csv(job: ImportJob, source: readers.Source) -> bytes:
    """The rejected rows: line, column, reason, then the row's cells as read."""
    by_line = {row.line: row for row in source.rows}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("line"), _("column"), _("reason"), *source.headers])
    for line, column, reason in job.rejections:
        row = by_line.get(line)
        writer.writerow([line, column, reason, *(row.cells if row else [])])
    return out.getvalue().encode("utf-8-sig")


def import_report_open(*, job: ImportJob):
    """The stored rejected-rows report, as an open file (``FileNotFoundError`` if none)."""
    if not job.report_name:
        raise FileNotFoundError("no report")
    return default_storage.open(job.report_name, "rb")


def import_files_purge(*, now: datetime | None = None) -> int:
    """Delete the uploaded files and reports of jobs finished more than
    ``IMPORT_FILES`` ago (the job rows, with counts only, stay); returns how many jobs."""
    now = now or timezone.now()
    purged = 0
    jobs = ImportJob.across_organisations.filter(
        files_purged_at__isnull=True, finished_at__isnull=False
    ).order_by("pk")
    for job in jobs.iterator():
        if IMPORT_FILES.duration.after(job.finished_at) > now:
            continue
        for name in (job.source_name, job.report_name):
            if name:
                default_storage.delete(name)
        ImportJob.objects.of(job.organisation_id).filter(pk=job.pk).update(
            source_name="", report_name="", files_purged_at=now
        )
        purged += 1
    return purged


__all__ = [
    "BatchResult",
    "import_files_purge",
    "import_job_create",
    "import_job_run",
    "import_report_open",
    "report_csv",
]
