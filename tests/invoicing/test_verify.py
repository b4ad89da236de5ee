"""``comptoir invoices verify``: an altered snapshot, an altered number, a
removed document or an issued invoice row changed behind the services is
caught, the first of its chain reported, and the exit status is 1."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from comptoir.invoicing import selectors, services
from comptoir.invoicing.management.commands.invoices import Command
from comptoir.invoicing.models import IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(actor, make_draft):
    return [services.invoice_issue(actor=actor, invoice=make_draft()) for _ in range(3)]


def _verify(*args) -> str:
    out = StringIO()
    call_command("invoices", "verify", *args, stdout=out)
    return out.getvalue()


def _broken(*args) -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("invoices", "verify", *args, stdout=out)
    return out.getvalue()


def _sql(statement: str, params) -> None:
    """Tamper as the tables' owner would: on PostgreSQL, with the snapshots'
    trigger switched off (back on after; all rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
            cursor.execute(TRIGGER_OFF)
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute(TRIGGER_OFF.replace("DISABLE", "ENABLE"))


TRIGGER_OFF = "ALTER TABLE invoicing_issueddocument DISABLE TRIGGER invoicing_issued_frozen"


def test_an_untouched_chain_verifies(world, three):
    output = _verify("--organisation", str(world.org_a.pk))
    assert f"organisation {world.org_a.pk} invoice: ok (3 documents)" in output


def test_an_altered_snapshot_is_caught(world, three):
    """Someone with the key re-encrypts a changed document in place (the one
    write the models let through: what a key rotation does)."""
    row = IssuedDocument.objects.of(world.org_a).get(invoice=three[1])
    data = json.loads(row.snapshot)
    data["lines"][0]["unit_price"] = "1.00"
    field = IssuedDocument._meta.get_field("snapshot")
    sealed = field.seal_value(row, json.dumps(data).encode())
    IssuedDocument.objects.of(world.org_a).filter(pk=row.pk).update(snapshot=sealed)
    output = _broken()
    assert f"BROKEN at {three[1].number}: its content does not match its hash" in output
    assert "(1 documents verified before it)" in output


def test_garbage_in_the_snapshot_column_is_caught(world, three):
    row = IssuedDocument.objects.of(world.org_a).get(invoice=three[0])
    _sql("UPDATE invoicing_issueddocument SET snapshot = %s WHERE id = %s", [b"garbage", row.pk])
    assert f"BROKEN at {three[0].number}: its snapshot cannot be decrypted" in _broken()


def test_an_altered_number_is_caught(world, three):
    row = IssuedDocument.objects.of(world.org_a).get(invoice=three[2])
    _sql("UPDATE invoicing_issueddocument SET number = %s WHERE id = %s", ["F-1999-00003", row.pk])
    assert "BROKEN at F-1999-00003: its number differs" in _broken()


def test_an_altered_invoice_row_is_caught(world, three):
    _sql("UPDATE invoicing_invoice SET payable = 0 WHERE id = %s", [three[0].pk])
    assert f"BROKEN at {three[0].number}: the invoice row no longer matches" in _broken()


def test_a_removed_document_is_caught(world, three):
    row = IssuedDocument.objects.of(world.org_a).get(invoice=three[1])
    _sql("DELETE FROM invoicing_issueddocument WHERE id = %s", [row.pk])
    output = _broken()
    year = row.year
    assert f"number 2 of {year} is missing (found 3 next)" in output
    reports = {r.series: r for r in selectors.chain_verify(organisation_id=world.org_a.pk)}
    assert reports["invoice"].checked == 1


def test_the_last_removed_is_caught_by_its_counter(world, three):
    row = IssuedDocument.objects.of(world.org_a).get(invoice=three[2])
    _sql("DELETE FROM invoicing_issueddocument WHERE id = %s", [row.pk])
    assert f"number 3 of {row.year} is missing (the last)" in _broken()


def test_the_exit_status_is_1(world, three, capsys):
    _sql("UPDATE invoicing_invoice SET total_incl_vat = 1 WHERE id = %s", [three[0].pk])
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["comptoir", "invoices", "verify"])
    assert exited.value.code == 1
