"""Keys leave the data for the key store (comptoir.core.keystore): the
organisations' keys move there, and the persons' keys, until now a column of
``privacy_datasubject``, become rows of ``privacy_subjectkey``. Hand-written:
Django creates tables in the data's schema only. Forward only."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

from comptoir.core import keystore


def move_organisation_keys(apps, schema_editor):
    keystore.move_table(schema_editor, apps.get_model("privacy", "OrganisationKey"))


def create_subject_keys(apps, schema_editor):
    model = apps.get_model("privacy", "SubjectKey")
    keystore.create_model(schema_editor, model)
    ignore, conflict = (
        ("OR IGNORE ", "") if schema_editor.connection.vendor == "sqlite"
        else ("", " ON CONFLICT DO NOTHING")
    )
    schema_editor.execute(
        f"INSERT {ignore}INTO {keystore.SCHEMA}.privacy_subjectkey "
        "(subject_uuid, organisation_id, wrapped_key, wrapped_by) "
        "SELECT uuid, organisation_id, wrapped_key, wrapped_by FROM privacy_datasubject "
        f"WHERE wrapped_key IS NOT NULL{conflict}"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_datasubject_restricted_at"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organisationkey",
                    name="organisation",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenancy.organisation",
                    ),
                ),
                migrations.CreateModel(
                    name="SubjectKey",
                    fields=[
                        ("subject_uuid", models.UUIDField(primary_key=True, serialize=False)),
                        ("wrapped_key", models.BinaryField()),
                        (
                            "wrapped_by",
                            models.PositiveIntegerField(
                                help_text="version of the organisation data key"
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenancy.organisation",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["subject_uuid"],
                        "abstract": False,
                        "base_manager_name": "across_organisations",
                        "default_manager_name": "across_organisations",
                    },
                    managers=[("across_organisations", django.db.models.manager.Manager())],
                ),
            ]
        ),
        migrations.RunPython(move_organisation_keys, elidable=False),
        migrations.RunPython(create_subject_keys, elidable=False),
        migrations.RemoveField(model_name="datasubject", name="wrapped_by"),
        migrations.RemoveField(model_name="datasubject", name="wrapped_key"),
    ]
