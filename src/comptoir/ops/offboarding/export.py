"""The organisation's export: everything it owns, as one ZIP, for its owner to
take its data to another vendor (portability), any time and during the three
months after its subscription ends.

    README.txt                 what the archive holds, file by file
    index.json                 the same as data: kinds, rows, files, SHA-256
    data/<app.model>.json      one file per kind of data (the models it owns,
    data/<app.model>.csv       found as the offboarding finds them), decrypted,
                               with readable column names (``privacy.access``)
    invoices/index.csv         every issued document: number, kind, date,
                               client, totals, its files and their SHA-256
    invoices/<year>/<file>     the Factur-X PDF and UBL of each issued
                               document, the stored files byte for byte
    bills/<id>-<file>          each received supplier bill's original file

What is read is what the offboarding deletes (``deletion.owned_models``), so
a kind of data added tomorrow is exported and deleted without a change here;
only machinery is left out (``LEFT_OUT``: keys, data-subject key holders,
the export archives themselves, the journal's subject links), and the audit
journal is added (its rows name the organisation by a plain id). Columns are the access export's
(``privacy.access.collect.columns``): no keys, hashes, blind indexes or
storage paths.

Exporting is journalled as one ``EXPORT`` event in the organisation's chain
naming every data subject whose data the archive holds (their trail shows
it). It is not recorded as a disclosure (GDPR art. 19): the archive goes to
the organisation itself, the controller of that data, not to a recipient;
there is nobody to notify of a later rectification (``disclosure_record`` is
for data leaving the controller: a mail, an export to an outside directory).
"""

import csv
import hashlib
import io
import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from comptoir.audit.models import Action, AuditEvent, AuditEventSubject
from comptoir.audit.services import Actor, audit_record
from comptoir.invoicing import selectors as invoicing_selectors
from comptoir.invoicing.einvoice import files as einvoice_files
from comptoir.invoicing.models import Invoice, InvoiceStatus
from comptoir.invoicing.models.bills import SupplierBill
from comptoir.invoicing.services.files import EXPORT_COLUMNS, export_files, export_row
from comptoir.ops.models import ExportStatus, OrganisationExport
from comptoir.ops.offboarding.deletion import owned_models, rows_of
from comptoir.privacy import retention
from comptoir.privacy.access.collect import organisation_kind
from comptoir.privacy.access.export import COMPRESSION, entry, write_kind
from comptoir.privacy.models import DataSubject, OrganisationKey, SubjectKey
from comptoir.privacy.registry import registry
from comptoir.tenancy.models import Organisation

STORE_DIR = "ops/exports"
# Machinery, not data: keys, their holders (ids), the archives themselves, the
# journal's links from events to data-subject ids (ids of rows not exported).
LEFT_OUT = frozenset(
    {OrganisationKey, SubjectKey, DataSubject, OrganisationExport, AuditEventSubject}
)

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Written:
    rows: int
    kinds: int
    files: int


def _querysets(organisation_id: int) -> dict[type, object]:
    """The organisation's rows of every kind of data it owns, as queries."""
    owned, _ = owned_models()
    by_model = {o.model: o for o in owned}
    found: dict[type, object] = {
        Organisation: Organisation.objects.filter(pk=organisation_id),
        AuditEvent: AuditEvent.objects.filter(organisation_id=organisation_id),
    }
    for item in sorted(owned, key=lambda o: o.label):
        if item.model in LEFT_OUT or registry.for_model(item.model) is None:
            continue
        found[item.model] = rows_of(item, organisation_id, by_model)
    return found


def _issued(organisation_id: int) -> list[Invoice]:
    return list(
        Invoice.objects.of(organisation_id)
        .filter(status=InvoiceStatus.ISSUED)
        .order_by("issue_date", "pk")
    )


def _readme(organisation: Organisation, index: dict) -> str:
    lines = [
        f"Export of {organisation.legal_name} (organisation {organisation.pk})",
        f"Made {index['made_at']} (UTC) by Comptoir.",
        "",
        "Every kind of data the organisation holds, decrypted, in two formats:",
        "data/<kind>.json (one object per row, keyed by readable column names)",
        "and data/<kind>.csv (UTF-8, the same columns). The column 'ID' is the",
        "row's id; a column naming another row of the export holds that row's id.",
        "",
        "invoices/index.csv lists every issued invoice, down payment and credit",
        "note with its Factur-X PDF and UBL files under invoices/<year>/, as they",
        "were issued and sent (the SHA-256 of each file is in the index).",
        "bills/ holds the files of the supplier bills received.",
        "",
        "Files:",
    ]
    for kind in index["kinds"]:
        lines.append(f"  data/{kind['label']}.json, .csv  {kind['name']}: {kind['rows']} rows")
    lines.append(f"  invoices/: {len(index['invoices'])} issued documents")
    lines.append(f"  bills/: {len(index['bills'])} files")
    return "\n".join(lines) + "\n"


def _write_stored(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = entry(name)
    with archive.open(info, "w") as out:
        out.write(data)


def archive_write(
    *,
    organisation: Organisation,
    out,
    actor: Actor,
    progress: Progress | None = None,
    language: str | None = None,
) -> Written:
    """Write the organisation's export (a ZIP) into the binary file ``out``,
    and journal it. ``progress(done, total)`` is told after each step."""
    org_id = organisation.pk
    querysets = _querysets(org_id)
    invoices = _issued(org_id)
    bills = list(SupplierBill.objects.of(org_id).order_by("pk"))
    total = len(querysets) + len(invoices) + len(bills)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    exported = set(querysets)
    index: dict = {
        "organisation": {"id": org_id, "legal_name": organisation.legal_name},
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "kinds": [],
        "invoices": [],
        "bills": [],
    }
    rows = 0
    with (
        translation.override(language or translation.get_language()),
        zipfile.ZipFile(out, "w", **COMPRESSION) as archive,
    ):
        for model, queryset in querysets.items():
            kind = organisation_kind(model, queryset, exported)
            write_kind(archive, kind)
            rows += len(kind.rows)
            index["kinds"].append({"label": kind.label, "name": kind.name, "rows": len(kind.rows)})
            step()
        listing = io.StringIO()
        writer = csv.DictWriter(listing, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for invoice in invoices:
            document = invoicing_selectors.invoice_document(invoice)
            pdf, ubl = export_files(actor=actor, invoice=invoice)
            names = {}
            for row in (pdf, ubl):
                if row is None:
                    continue
                name = f"invoices/{invoice.issue_date.year}/{row.name}"
                _write_stored(archive, name, einvoice_files.stored_bytes(row))
                names[row.format] = (name, row.sha256)
            facturx = names.get(pdf.format, ("", ""))
            ubl_entry = names.get(ubl.format, ("", "")) if ubl else ("", "")
            record = export_row(
                invoice=invoice, client=document.buyer.name, facturx=facturx, ubl=ubl_entry
            )
            writer.writerow(record)
            index["invoices"].append({k: str(v) for k, v in record.items()})
            step()
        _write_stored(archive, "invoices/index.csv", listing.getvalue().encode("utf-8-sig"))
        for bill in bills:
            base = get_valid_filename(os.path.basename(bill.file_name)) or "file"
            name = f"bills/{bill.pk}-{base}"
            with default_storage.open(bill.file_name, "rb") as handle:
                _write_stored(archive, name, handle.read())
            index["bills"].append({"file": name, "sha256": bill.file_sha256})
            step()
        archive.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", _readme(organisation, index))
    subjects = DataSubject.objects.of(org_id).filter(shredded_at__isnull=True)
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        organisation_id=org_id,
        object_type=Organisation._meta.label,  # as tenancy.services spells it
        object_id=org_id,
        fields=sorted(kind["label"].replace(".", "_") for kind in index["kinds"]),
        subjects=subjects.values_list("pk", flat=True),
    )
    return Written(rows=rows, kinds=len(index["kinds"]), files=len(index["invoices"]))


# The archive made in the background, kept in the storage ------------------------
@transaction.atomic
def export_request(*, organisation: Organisation, actor: Actor) -> OrganisationExport:
    """A new export of the organisation, to be made by ``tasks.export_run``
    (the caller enqueues it once this transaction commits). Journalled."""
    export = OrganisationExport.objects.create(
        organisation=organisation, requested_by_id=actor.user_id
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        organisation_id=organisation.pk,
        object_type=OrganisationExport._meta.label_lower,
        object_id=export.pk,
        fields=["status"],
    )
    return export


def _set(export_id: int, **values) -> None:
    OrganisationExport.across_organisations.filter(pk=export_id).update(**values)


def export_run(*, export_id: int) -> OrganisationExport | None:
    """Make the archive of a requested export (idempotent: a finished one is
    left as it is; one interrupted while running starts again)."""
    export = OrganisationExport.across_organisations.filter(pk=export_id).first()
    if export is None or export.is_finished:
        return export
    organisation = Organisation.objects.get(pk=export.organisation_id)
    actor = Actor.user(export.requested_by_id) if export.requested_by_id else Actor.system()
    _set(export.pk, status=ExportStatus.RUNNING, done_steps=0)

    def progress(done: int, total: int) -> None:
        _set(export.pk, done_steps=done, total_steps=total)

    digest = hashlib.sha256()
    try:
        with tempfile.TemporaryFile() as spool:
            archive_write(organisation=organisation, out=spool, actor=actor, progress=progress)
            size = spool.tell()
            spool.seek(0)
            for block in iter(lambda: spool.read(1 << 20), b""):
                digest.update(block)
            spool.seek(0)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            name = default_storage.save(
                f"{STORE_DIR}/{organisation.pk}/{uuid.uuid4().hex}-export-{stamp}.zip",
                File(spool),
            )
    except Exception as exc:
        # The class name only: a message may quote a value.
        _set(
            export.pk,
            status=ExportStatus.FAILED,
            error=type(exc).__name__,
            finished_at=timezone.now(),
        )
        raise
    _set(
        export.pk,
        status=ExportStatus.DONE,
        file_name=name,
        size=size,
        sha256=digest.hexdigest(),
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def export_file_name(export: OrganisationExport) -> str:
    stamp = (export.finished_at or export.created_at).strftime("%Y%m%d-%H%M%S")
    return f"comptoir-export-{export.organisation_id}-{stamp}.zip"


@transaction.atomic
def export_download(*, export: OrganisationExport, actor: Actor):
    """The archive, opened for reading, journalled as an export of the
    organisation's data by ``actor``; ``FileNotFoundError`` if it is gone."""
    if export.status != ExportStatus.DONE or not export.file_name:
        raise FileNotFoundError("the export is not ready")
    handle = default_storage.open(export.file_name, "rb")
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        organisation_id=export.organisation_id,
        object_type=OrganisationExport._meta.label_lower,
        object_id=export.pk,
        fields=["file_name"],
    )
    return handle


@transaction.atomic
def exports_purge(*, now=None) -> int:
    """Delete the archives made longer ago than ``ORGANISATION_EXPORT`` (and
    their rows), each deletion journalled; an unfinished one older than that
    (a lost task) goes too."""
    now = now or timezone.now()
    rule = retention.ORGANISATION_EXPORT
    count = 0
    for export in OrganisationExport.across_organisations.order_by("pk"):
        made = export.finished_at or export.created_at
        if rule.duration.after(made) > now:
            continue
        if export.file_name:
            default_storage.delete(export.file_name)
        OrganisationExport.across_organisations.filter(pk=export.pk).delete()
        audit_record(
            actor=Actor.system(),
            action=Action.DELETE,
            organisation_id=export.organisation_id,
            object_type=OrganisationExport._meta.label_lower,
            object_id=export.pk,
            fields=["file_name"],
        )
        count += 1
    return count
