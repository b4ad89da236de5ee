"""On PostgreSQL, issued snapshots refuse UPDATE, DELETE and TRUNCATE in the
database itself, whoever asks (raw SQL, another program, the ORM).

The one UPDATE let through changes the sealed ``snapshot`` column alone: the
key rotation re-encrypts it in place, and what it decrypts to (checked
against ``content_hash`` by ``comptoir invoices verify``) cannot change
unseen. The one DELETE let through is the retention end or the offboarding
of an organisation, which sets ``comptoir.invoice_purge`` for its own
transaction (``SET LOCAL comptoir.invoice_purge = 'on'``).

Installed after every migration of the app (``post_migrate``), so the
triggers do not depend on a migration file. SQLite has no equivalent door
for Django's own flush (a DELETE per row), so there the models' guards and
the chain verification stand alone.
"""

from contextlib import contextmanager

from django.db import connection, connections

FUNCTION = """
CREATE OR REPLACE FUNCTION invoicing_issued_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('comptoir.invoice_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND (
        NEW.id, NEW.row_uuid, NEW.organisation_id, NEW.data_subject_id, NEW.invoice_id,
        NEW.series, NEW.year, NEW.sequence, NEW.number, NEW.content_hash,
        NEW.previous_hash, NEW.chain_hash, NEW.issued_at, NEW.issued_by
    ) IS NOT DISTINCT FROM (
        OLD.id, OLD.row_uuid, OLD.organisation_id, OLD.data_subject_id, OLD.invoice_id,
        OLD.series, OLD.year, OLD.sequence, OLD.number, OLD.content_hash,
        OLD.previous_hash, OLD.chain_hash, OLD.issued_at, OLD.issued_by
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'issued documents are frozen (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = """
DROP TRIGGER IF EXISTS invoicing_issued_frozen ON invoicing_issueddocument;
CREATE TRIGGER invoicing_issued_frozen
    BEFORE UPDATE OR DELETE ON invoicing_issueddocument
    FOR EACH ROW EXECUTE FUNCTION invoicing_issued_frozen();
DROP TRIGGER IF EXISTS invoicing_issued_no_truncate ON invoicing_issueddocument;
CREATE TRIGGER invoicing_issued_no_truncate
    BEFORE TRUNCATE ON invoicing_issueddocument
    FOR EACH STATEMENT EXECUTE FUNCTION invoicing_issued_frozen();
"""


def install(using: str = "default") -> bool:
    """Create (or replace) the triggers; False where the database has none."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    if "invoicing_issueddocument" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        cursor.execute(TRIGGERS)
    return True


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:
    install(using)


@contextmanager
def purge_door():
    """Open the snapshots trigger's one DELETE door for the statements of the
    block, then close it (tenant offboarding, ``ops.offboarding``).

    ``SET LOCAL`` alone would leave the door open until the end of the
    outermost transaction; closing it after the block keeps it to the
    block's statements, and a failure inside is rolled back with the
    setting. Must run inside a transaction. Nothing to open elsewhere:
    SQLite has no triggers (the models' guards are bypassed by the caller's
    raw DELETE, which is its explicit choice).
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("the purge door opens inside a transaction only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.invoice_purge = 'on'")
    yield
    # Not in a ``finally``: after a failed statement PostgreSQL refuses every
    # command until the rollback, which undoes the ``SET LOCAL`` anyway.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.invoice_purge = 'off'")
