"""Running an import: rows validated by the parties' own rules, committed in batches.

How a job runs (``import_job_run``):

* the file is read again from ``default_storage`` (``readers.read``); rows
  before ``job.processed_rows`` belong to committed batches and are skipped,
  so a re-run after a crash resumes where the last commit left off;
* each batch of ``job.batch_size`` rows is one transaction: every row is
  checked without building a model instance, by the models' own fields
  (``privacy.bulk.clean_values``) and the rules their ``clean`` applies
  (``parties.rules``): the very rules of ``party_create`` and
  ``contact_person_create``, which tests/parties/importing holds it to; rows
  that fail are rejected with their line, the file's column and the reason;
* duplicates are looked for once per batch, not once per row: one query on
  the SIREN / enterprise number / company-name-key columns and the email and
  phone blind indexes for parties, one on the blind indexes for contact
  persons. A row whose party or person exists already (in the database or
  earlier in the file) creates nothing and counts as a duplicate, unless that
  person's data is restricted (GDPR art. 18): the row is then rejected with
  the reason (``privacy.restriction``); a contact
  person whose company exists is added to it. A company row whose SIREN or
  enterprise number is a known company's under another name is rejected (it
  is not that company). So importing the same file twice creates nothing the
  second time;
* a row giving an email or phone on the suppression list (GDPR art. 21) is
  rejected on that column with the reason, as ``party_create`` and
  ``contact_person_create`` refuse it: the same rule
  (``privacy.suppression``), asked once per batch with the blind indexes the
  rows have anyway;
* what remains is written in one statement per table: the data subjects of
  the new people with their fresh keys (``keys.subjects_create``), then the
  parties and contact persons, sealed under those keys and indexed as
  ``pre_save`` would (``privacy.bulk.sealed_rows``), inserted by
  ``core.rawsql.insert_many``. A model instance and ``bulk_create`` would
  cost several times the encryption of the row;
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
import gc
import hashlib
import io
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.rawsql import insert_many
from comptoir.parties import rules
from comptoir.parties import services as party_services
from comptoir.parties.importing import readers
from comptoir.parties.importing.models import IMPORT_FILES, ImportJob, ImportStatus
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.parties.models.parties import company_name_key
from comptoir.parties.models.people import EMAIL_FIELDS, PHONE_FIELDS
from comptoir.privacy import bulk, keys, restriction
from comptoir.privacy.suppression import rules as suppression
from comptoir.tenancy.models import Organisation

logger = logging.getLogger(__name__)

SOURCE_DIR = "imports/sources"
REPORT_DIR = "imports/reports"
DEFAULT_BATCH_SIZE = 1000

Progress = Callable[[int, int], None]


def _digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _job_stored(
    *, organisation: Organisation, data: bytes, user_id: int | None, digest: str, **fields
) -> ImportJob:
    """A new job, its file kept in ``default_storage`` under a generated name."""
    name = default_storage.save(f"{SOURCE_DIR}/{uuid.uuid4().hex}", ContentFile(data))
    return ImportJob.objects.create(
        organisation=organisation, created_by_id=user_id, digest=digest, source_name=name, **fields
    )


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
        .exclude(status__in=[ImportStatus.DONE, ImportStatus.MAPPING])
        .exclude(source_name="")
        .order_by("pk")
        .first()
    )
    if unfinished is not None:
        return unfinished
    return _job_stored(
        organisation=organisation,
        data=data,
        user_id=user_id,
        digest=file_digest,
        mapping=mapping,
        file_format=source.format,
        batch_size=batch_size,
        total_rows=len(source.rows),
    )


@transaction.atomic
def import_job_upload(
    *, organisation: Organisation, data: bytes, user_id: int | None = None
) -> ImportJob:
    """A job for a file uploaded through the UI: as ``import_job_create``, except
    that a CSV file with headers not all recognised is kept (in ``default_storage``)
    in a job waiting for its columns (``ImportStatus.MAPPING``), to be given by
    ``import_job_map`` before it runs. ``readers.ImportFormatError`` for an empty file."""
    headers = readers.headers_of(data)
    if not headers.unrecognised:
        return import_job_create(organisation=organisation, data=data, user_id=user_id)
    file_digest = _digest_of(data)
    waiting = (
        ImportJob.objects.of(organisation)
        .filter(digest=file_digest, status=ImportStatus.MAPPING)
        .exclude(source_name="")
        .order_by("pk")
        .first()
    )
    if waiting is not None:
        return waiting
    return _job_stored(
        organisation=organisation,
        data=data,
        user_id=user_id,
        digest=file_digest,
        file_format=headers.format,
        status=ImportStatus.MAPPING,
    )


def import_job_headers(*, job: ImportJob) -> readers.Headers:
    """The headers of a job's file and what each was recognised as."""
    with default_storage.open(job.source_name, "rb") as handle:
        return readers.headers_of(handle.read())


@transaction.atomic
def import_job_map(*, job: ImportJob, mapping: Mapping[str, str]) -> ImportJob:
    """Give a job waiting for its columns its mapping (file header -> column, or ""
    to ignore it), as ``--mapping`` does on the command line; the job is then ready
    to run. ``readers.ImportFormatError`` (nothing changed) when the file cannot be
    read with it."""
    job = ImportJob.objects.of(job.organisation_id).select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.MAPPING:
        raise ValueError(f"import #{job.pk} is not waiting for its columns")
    with default_storage.open(job.source_name, "rb") as handle:
        source = readers.read(handle.read(), mapping=mapping)
    job.mapping = dict(mapping)
    job.status = ImportStatus.PENDING
    job.total_rows = len(source.rows)
    job.save(update_fields=["mapping", "status", "total_rows", "updated_at"])
    return job


# One batch --------------------------------------------------------------------
@cache
def _defaults(model) -> dict[str, Any]:
    """The values a new row takes for the fields a file does not give (not relations)."""
    allowed = (
        party_services.parties.PARTY_FIELDS
        if model is Party
        else party_services.parties.CONTACT_PERSON_FIELDS
    )
    fields = (model._meta.get_field(name) for name in allowed)
    return {f.name: f.get_default() for f in fields if not f.is_relation}


@dataclass
class _Planned:
    """A row that passed validation: what it creates, and under which keys."""

    row: readers.Row
    kind: str
    party: bulk.NewRow  # the new party, if nothing stored matches it
    party_keys: list[tuple[str, Any]]
    person: bulk.NewRow | None = None  # the contact person of a company row
    person_keys: list[tuple[str, Any]] = field(default_factory=list)
    party_id: int | None = None  # once written
    rename: dict | None = None  # the file's column of a party field, when not its own


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


def _reject(result: BatchResult, source, row, errors: dict, rename=None) -> None:
    for name, error in sorted(errors.items()):
        name = (rename or {}).get(name, name)
        for message in error.messages:
            result.rejections.append([row.line, _column(source, name), message])


def _split_row(values: dict[str, str]) -> tuple[str, dict, dict]:
    """(kind, party fields, contact person fields) of a row."""
    party = {k: values[k] for k in readers.PARTY_COLUMNS if k in values}
    person = {k: values[k] for k in readers.PERSON_COLUMNS if k in values}
    if values.get("company_name"):
        return PartyKind.COMPANY, party, person
    return PartyKind.INDIVIDUAL, {**party, **person}, {}


def _merge(errors: dict, more: dict) -> dict:
    """Field errors, then the rules' errors (as ``full_clean`` gathers both)."""
    merged = dict(errors)
    for name, error in more.items():
        merged[name] = (
            ValidationError([*merged[name].error_list, *error.error_list])
            if (name in merged)
            else error
        )
    return merged


def _clean_party(organisation, kind: str, given: dict, today, memo) -> tuple[bulk.Cleaned, dict]:
    """A party row checked as ``party_create`` checks it: the fields' own
    validation, then ``rules`` (the model's ``clean``). (cleaned, all values)."""
    values = {**_defaults(Party), **given, "kind": kind}
    rules.party_tidy(values)
    given = {name: values[name] for name in (*given, "kind")}
    cleaned = bulk.clean_values(Party, given, region=organisation.country or "FR", memo=memo)
    values.update(cleaned.values)
    errors = rules.party_errors(values)
    cleaned.errors = _merge(cleaned.errors, errors)
    rules.role_dates(values, today)
    values["company_name_key"] = company_name_key(values["company_name"])
    return cleaned, values


def _clean_person(organisation, given: dict, memo) -> tuple[bulk.Cleaned, dict]:
    values = {**_defaults(ContactPerson), **given}
    cleaned = bulk.clean_values(
        ContactPerson, given, region=organisation.country or "FR", memo=memo
    )
    values.update(cleaned.values)
    cleaned.errors = _merge(cleaned.errors, rules.contact_person_errors(values))
    return cleaned, values


def _party_keys(kind: str, values: dict, indexes: dict) -> list[tuple[str, Any]]:
    if kind == PartyKind.COMPANY:
        keys = [(name, values[name]) for name in ("siren", "enterprise_number") if values[name]]
        return keys or [("company_name_key", values["company_name_key"])]
    return [(f"{name}_index", indexes[name]) for name in ("email", "phone") if name in indexes]


def _person_keys(indexes: dict) -> list[tuple[str, Any]]:
    keys = [
        (kind, indexes[name])
        for kind, columns in (("email", EMAIL_FIELDS), ("phone", PHONE_FIELDS))
        for name in columns
        if name in indexes
    ]
    # No email nor phone: the same family name in the same company.
    return keys or [("name", indexes["family_name"])]


def _plan_row(organisation, source, row, result: BatchResult, today, memo) -> _Planned | None:
    if "_version" in row.values:
        result.rejections.append([row.line, "VERSION", _("Only vCard 3.0 and 4.0 are accepted.")])
        return None
    kind, party_fields, person_fields = _split_row(row.values)
    rename = None
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
            rename = {"phone": "mobile"}
    cleaned, values = _clean_party(organisation, kind, party_fields, today, memo)
    if cleaned.errors:
        _reject(result, source, row, cleaned.errors, rename)
        return None
    indexes = cleaned.indexes(Party, organisation_id=organisation.pk)
    planned = _Planned(
        row=row,
        kind=kind,
        party=bulk.NewRow(values=values, indexes=indexes),
        party_keys=_party_keys(kind, values, indexes),
        rename=rename,
    )
    if person_fields:
        person, person_values = _clean_person(organisation, person_fields, memo)
        if person.errors:
            _reject(result, source, row, person.errors)
            return None
        person_indexes = person.indexes(ContactPerson, organisation_id=organisation.pk)
        planned.person = bulk.NewRow(values=person_values, indexes=person_indexes)
        planned.person_keys = _person_keys(person_indexes)
    return planned


def _address_digests(plan: _Planned):
    """(field name, kind, blind index) of each email and phone the row gives."""
    for model, row in ((Party, plan.party), (ContactPerson, plan.person)):
        if row is None:
            continue
        for name, digest in row.indexes.items():
            kind = getattr(model._meta.get_field(name), "normaliser", None)
            if kind in suppression.SuppressionKind.values:
                yield name, kind, digest


def _not_suppressed(organisation, source, planned: list[_Planned], result) -> list[_Planned]:
    """The rows giving no email nor phone on the suppression list; the others are
    rejected on that column with the reason (``suppression.suppression_errors``'
    rule, asked once for the batch)."""
    wanted: dict[str, set] = {}
    for plan in planned:
        for _name, kind, digest in _address_digests(plan):
            wanted.setdefault(kind, set()).add(digest)
    found = {
        kind: suppression.suppressed(organisation=organisation, kind=kind, digests=digests)
        for kind, digests in wanted.items()
    }
    kept = []
    for plan in planned:
        errors = {
            name: ValidationError(suppression.reason(kind, found[kind][digest]))
            for name, kind, digest in _address_digests(plan)
            if digest in found.get(kind, {})
        }
        if errors:
            _reject(result, source, plan.row, errors, plan.rename)
        else:
            kept.append(plan)
    return kept


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
            .only("pk", "kind", "organisation_id", "company_name_key", "data_subject", name)
            .order_by()  # unordered: a sort would tempt the planner off the index
        )
        for party in sorted(rows, key=lambda party: party.pk):  # the oldest wins
            found.setdefault((name, getattr(party, name)), party)
    return found


def _other_company(plan: _Planned, key: tuple[str, Any], match: Party | _Planned) -> bool:
    """A company row whose SIREN (or enterprise number) is a known company's, under
    another name: not the same company, whatever the row says."""
    if plan.kind != PartyKind.COMPANY or key[0] == "company_name_key":
        return False
    if isinstance(match, Party):
        if match.kind != PartyKind.COMPANY:
            return False  # an individual's: reported below
        known = match.company_name_key
    else:
        known = match.party.values["company_name_key"]
    return known != plan.party.values["company_name_key"]


def _other_company_reason(identifier: str, match: Party | _Planned) -> str:
    if isinstance(match, Party):
        if identifier == "siren":
            message = _("This SIREN is already the one of party #%(id)s, named differently.")
        else:
            message = _(
                "This enterprise number is already the one of party #%(id)s, named differently."
            )
        return message % {"id": match.pk}
    if identifier == "siren":
        message = _("Line %(line)s of the file gives this SIREN to a company named differently.")
    else:
        message = _(
            "Line %(line)s of the file gives this enterprise number to a company named differently."
        )
    return message % {"line": match.row.line}


def _existing_persons(organisation, planned: list[_Planned]) -> tuple[set[tuple], set[tuple]]:
    """Keys of contact persons already stored: ("email"|"phone", digest) and
    ("name", party id, digest) for people known by name only (one query per column);
    and those of them that belong to a restricted person."""
    wanted: dict[str, set] = {"email": set(), "phone": set(), "name": set()}
    for plan in planned:
        for kind, value in plan.person_keys:
            wanted[kind].add(value)
    found: dict[tuple, set] = {}  # key -> the data subjects holding it
    people = ContactPerson.objects.of(organisation).order_by()
    for kind, columns in (("email", EMAIL_FIELDS), ("phone", PHONE_FIELDS)):
        if not wanted[kind]:
            continue
        for name in columns:
            column = f"{name}_index"
            for value, subject_id in people.filter(
                **{f"{column}__in": list(wanted[kind])}
            ).values_list(column, "data_subject_id"):
                found.setdefault((kind, bytes(value)), set()).add(subject_id)
    if wanted["name"]:
        for party_id, value, subject_id in people.filter(
            family_name_index__in=list(wanted["name"])
        ).values_list("party_id", "family_name_index", "data_subject_id"):
            found.setdefault(("name", party_id, bytes(value)), set()).add(subject_id)
    restricted = restriction.restricted_subject_ids(
        organisation_id=organisation.pk, subject_ids={s for ids in found.values() for s in ids}
    )
    return set(found), {key for key, ids in found.items() if ids & restricted}


def _batch(
    *,
    organisation,
    source: readers.Source,
    rows: list[readers.Row],
    actor: Actor,
    label: str,
    memo: dict,
) -> BatchResult:
    """Validate, deduplicate and write one batch (the caller holds the transaction).
    ``memo``: the job's checked values (``bulk.clean_values``)."""
    result = BatchResult()
    today = timezone.localdate()
    planned = [
        p for p in (_plan_row(organisation, source, r, result, today, memo) for r in rows) if p
    ]
    planned = _not_suppressed(organisation, source, planned, result)
    existing_parties = _existing_parties(organisation, planned)
    existing_persons, restricted_persons = _existing_persons(organisation, planned)
    restricted_parties = restriction.restricted_subject_ids(
        organisation_id=organisation.pk,
        subject_ids={party.data_subject_id for party in existing_parties.values()},
    )
    new_parties: list[_Planned] = []
    new_persons: list[tuple[_Planned, Party | _Planned]] = []  # (row, its company)
    seen_parties: dict[tuple[str, Any], _Planned] = {}
    for plan in planned:
        key, match = next(
            (
                (key, existing_parties.get(key) or seen_parties.get(key))
                for key in plan.party_keys
                if existing_parties.get(key) or seen_parties.get(key)
            ),
            (None, None),
        )
        if match is not None and _other_company(plan, key, match):
            result.rejections.append(
                [plan.row.line, _column(source, key[0]), _other_company_reason(key[0], match)]
            )
            continue
        if plan.person is None:
            if isinstance(match, Party) and match.data_subject_id in restricted_parties:
                result.rejections.append([plan.row.line, "", str(restriction.RESTRICTED)])
                continue
            if match is not None:
                result.duplicates += 1
                continue
            new_parties.append(plan)
            seen_parties.update((key, plan) for key in plan.party_keys)
            continue
        if match is not None and match.kind != PartyKind.COMPANY:
            # The row's company identifiers belong to an individual: leave it to a person.
            result.rejections.append(
                [
                    plan.row.line,
                    _column(source, "company_name"),
                    _("Party #%(id)s already has this value.") % {"id": match.pk},
                ]
            )
            continue
        company = match or plan
        # A name key holds within one company: a stored one's pk, or (same batch) the plan.
        company_key = company.pk if isinstance(company, Party) else id(company)
        person_keys = [
            ("name", company_key, key[1]) if key[0] == "name" else key for key in plan.person_keys
        ]
        if any(k in restricted_persons for k in person_keys):
            result.rejections.append([plan.row.line, "", str(restriction.RESTRICTED)])
            continue
        if any(k in existing_persons for k in person_keys):
            result.duplicates += 1
            continue
        if match is None:
            new_parties.append(plan)
            seen_parties.update((key, plan) for key in plan.party_keys)
        new_persons.append((plan, company))
        existing_persons.update(person_keys)
    _write(organisation=organisation, parties=new_parties, persons=new_persons)
    result.parties, result.contacts = len(new_parties), len(new_persons)
    for model, written in (
        (Party, [p.party.values for p in new_parties]),
        (ContactPerson, [p.person.values for p, _company in new_persons]),
    ):
        if written:
            audit_record(
                actor=actor,
                action=Action.CREATE,
                organisation_id=organisation.pk,
                object_type=model._meta.label_lower,
                object_id=f"{label}:rows:{len(written)}",
                fields=_filled_names(model, written),
            )
    return result


def _filled_names(model, written: list[dict]) -> list[str]:
    """Every field set on any of the new rows (as ``filled`` names a single creation's)."""
    names: set[str] = {"kind"} if model is Party else {"party"}
    for values in written:
        names.update(name for name in _defaults(model) if values.get(name) not in (None, "", False))
    return sorted(names)


def _write(
    *, organisation, parties: list[_Planned], persons: list[tuple[_Planned, Party | _Planned]]
) -> None:
    """The people's keys, then the parties, then the contact persons (who need their pks)."""
    people = [p.party for p in parties if p.kind == PartyKind.INDIVIDUAL]
    people += [plan.person for plan, _company in persons]
    for row, subject in zip(
        people, keys.subjects_create(organisation=organisation, count=len(people)), strict=True
    ):
        row.subject = subject
    party_rows = bulk.sealed_rows(
        Party, organisation_id=organisation.pk, rows=[p.party for p in parties]
    )
    for plan, pk in zip(parties, insert_many(Party, party_rows, key="row_uuid"), strict=True):
        plan.party_id = pk
    for plan, company in persons:
        plan.person.values["party_id"] = (
            company.pk if isinstance(company, Party) else (company.party_id)
        )
    person_rows = bulk.sealed_rows(
        ContactPerson, organisation_id=organisation.pk, rows=[p.person for p, _c in persons]
    )
    insert_many(ContactPerson, person_rows, key="row_uuid")


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
        status=ImportStatus.RUNNING,
        total_rows=len(source.rows),
        finished_at=None,  # a failed job resumed is not finished (nor purged)
        updated_at=timezone.now(),
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
    # The file's rows live as long as the job: keep the garbage collector from
    # walking them again at every collection (a fifth of a 50,000-row job).
    gc.freeze()
    memo: dict = {}  # values met again (cities, given names...) are checked once
    try:
        while position < total:
            position = _commit_batch(job.pk, organisation, source, actor, position, memo)
            if progress:
                progress(position, total)
    except Exception as exc:
        _fail(job, exc)
        raise
    finally:
        gc.unfreeze()
    return _finish(job.pk, organisation, source)


def _commit_batch(job_id, organisation, source, actor, position: int, memo: dict) -> int:
    with transaction.atomic(), keys.current_keys_pinned():
        job = ImportJob.objects.of(organisation).select_for_update().get(pk=job_id)
        if job.processed_rows != position:  # another runner moved on: follow it
            return job.processed_rows
        rows = source.rows[position : position + job.batch_size]
        label = f"import:{job.pk}:batch:{job.committed_batches + 1}"
        result = _batch(
            organisation=organisation,
            source=source,
            rows=rows,
            actor=actor,
            label=label,
            memo=memo,
        )
        job.processed_rows = position + len(rows)
        job.committed_batches += 1
        job.parties_created += result.parties
        job.contacts_created += result.contacts
        job.duplicates += result.duplicates
        job.rejected += len({line for line, _col, _reason in result.rejections})
        counters = [
            "processed_rows",
            "committed_batches",
            "parties_created",
            "contacts_created",
            "duplicates",
            "rejected",
            "updated_at",
        ]
        if result.rejections:  # the list is rewritten only when it grows
            job.rejections = [*job.rejections, *result.rejections]
            counters.append("rejections")
        job.save(update_fields=counters)
        return job.processed_rows


def _fail(job: ImportJob, exc: Exception) -> ImportJob:
    # The class name only: a message may quote a value of the file.
    logger.warning("import job %s failed: %s", job.pk, type(exc).__name__)
    ImportJob.objects.of(job.organisation_id).filter(pk=job.pk).update(
        status=ImportStatus.FAILED,
        error=type(exc).__name__,
        finished_at=timezone.now(),  # so its files are purged in time too
        updated_at=timezone.now(),
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
    """Delete the uploaded files and reports of jobs finished (or failed) more than
    ``IMPORT_FILES`` ago, or uploaded that long ago and still waiting for their
    columns (the job rows, with counts only, stay), each deletion journalled;
    returns how many jobs."""
    now = now or timezone.now()
    purged = 0
    jobs = (
        ImportJob.across_organisations.filter(files_purged_at__isnull=True)
        .filter(Q(finished_at__isnull=False) | Q(status=ImportStatus.MAPPING))
        .order_by("pk")
    )
    for job in jobs.iterator():
        if IMPORT_FILES.duration.after(job.finished_at or job.created_at) > now:
            continue
        for name in (job.source_name, job.report_name):
            if name:
                default_storage.delete(name)
        ImportJob.objects.of(job.organisation_id).filter(pk=job.pk).update(
            source_name="", report_name="", files_purged_at=now
        )
        audit_record(
            actor=Actor.system(),
            action=Action.DELETE,
            organisation_id=job.organisation_id,
            object_type=ImportJob._meta.label_lower,
            object_id=job.pk,
            fields=["source_name", "report_name"],
        )
        purged += 1
    return purged


__all__ = [
    "BatchResult",
    "import_files_purge",
    "import_job_create",
    "import_job_headers",
    "import_job_map",
    "import_job_upload",
    "import_job_run",
    "import_report_open",
    "report_csv",
]
