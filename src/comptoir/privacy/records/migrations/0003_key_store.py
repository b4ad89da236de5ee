"""The erasure journal moves to the key store (comptoir.core.keystore): a
restored backup brings back the data of its day, while the journal of every
erasure since stays, to be replayed. Hand-written: Django creates tables in
the data's schema only. Forward only."""

import django.db.models.deletion
from django.db import migrations, models

from comptoir.core import keystore


def move_journal(apps, schema_editor):
    keystore.move_table(schema_editor, apps.get_model("privacy_records", "ErasureRecord"))


class Migration(migrations.Migration):
    dependencies = [
        ("privacy_records", "0002_retention_override"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="erasurerecord",
                    name="organisation",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.organisation",
                    ),
                ),
            ]
        ),
        migrations.RunPython(move_journal, elidable=False),
    ]
