"""``comptoir invoices export``: every issued document's files as kept, and
an index with their SHA-256; filtered by organisation and year."""

import csv
import hashlib

import pytest
from django.core.management import call_command

from comptoir.invoicing import services
from comptoir.invoicing.models import DocumentFile

pytestmark = pytest.mark.django_db


def test_the_export_writes_the_kept_files_and_their_index(tmp_path, world, actor, make_draft):
    french = services.invoice_issue(actor=actor, invoice=make_draft())
    note = services.credit_note_create(actor=actor, invoice=french)
    note = services.invoice_issue(actor=actor, invoice=note)
    belgian = services.invoice_issue(actor=actor, invoice=make_draft(world.org_b))
    make_draft()  # a draft is not exported

    call_command("invoices", "export", str(tmp_path))
    with (tmp_path / "index.csv").open(encoding="utf-8") as handle:
        rows = {(int(row["organisation"]), row["number"]): row for row in csv.DictReader(handle)}
    assert set(rows) == {(i.organisation_id, i.number) for i in (french, note, belgian)}
    assert rows[note.organisation_id, note.number]["kind"] == "credit_note"
    assert rows[french.organisation_id, french.number]["total_incl_vat"] == str(
        french.total_incl_vat
    )
    assert rows[french.organisation_id, french.number]["ubl_file"] == ""
    for invoice in (french, note, belgian):
        row = rows[invoice.organisation_id, invoice.number]
        data = (tmp_path / row["facturx_file"]).read_bytes()
        assert data.startswith(b"%PDF")
        assert hashlib.sha256(data).hexdigest() == row["facturx_sha256"]
        kept = DocumentFile.objects.of(invoice.organisation).get(invoice=invoice, format="facturx")
        assert kept.sha256 == row["facturx_sha256"]
    ubl = (tmp_path / rows[belgian.organisation_id, belgian.number]["ubl_file"]).read_bytes()
    assert (
        hashlib.sha256(ubl).hexdigest()
        == rows[belgian.organisation_id, belgian.number]["ubl_sha256"]
    )

    # Again: the same files, not made again.
    call_command(
        "invoices", "export", str(tmp_path / "again"), "--organisation", str(world.org_b.pk)
    )
    with (tmp_path / "again" / "index.csv").open(encoding="utf-8") as handle:
        again = list(csv.DictReader(handle))
    assert [row["number"] for row in again] == [belgian.number]
    assert (
        again[0]["facturx_sha256"]
        == rows[belgian.organisation_id, belgian.number]["facturx_sha256"]
    )

    call_command("invoices", "export", str(tmp_path / "none"), "--year", "1999")
    assert (tmp_path / "none" / "index.csv").read_text().count("\n") == 1
