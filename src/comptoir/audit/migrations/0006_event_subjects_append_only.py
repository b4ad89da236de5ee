# Hand-written: on PostgreSQL, an event's subjects are append-only like the event.
"""The rows naming an event's data subjects refuse UPDATE and DELETE on
PostgreSQL, through the journal's own trigger function: the retention purge
is again the only door (``comptoir.audit_purge``, set for its transaction)."""

from django.db import migrations

CREATE = """
CREATE TRIGGER audit_event_subject_append_only
    BEFORE UPDATE OR DELETE ON audit_auditeventsubject
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

CREATE TRIGGER audit_event_subject_no_truncate
    BEFORE TRUNCATE ON audit_auditeventsubject
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_subject_no_truncate ON audit_auditeventsubject;
DROP TRIGGER IF EXISTS audit_event_subject_append_only ON audit_auditeventsubject;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_event_subjects")]

    operations = [migrations.RunPython(forwards, backwards)]
