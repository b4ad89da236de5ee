"""Users' email addresses sealed with the operator key, found by a unique blind
index; a display name (sealed too); allauth's EmailAddress rows pseudonymised,
their addresses sealed in EmailAddressSeal.

Existing accounts are sealed by ``comptoir.accounts.emails.seal_existing_accounts``
(and unsealed by ``unseal_accounts`` when migrating backwards).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import comptoir.core.text
import comptoir.privacy.fields


def seal(apps, schema_editor):
    from comptoir.accounts.emails import seal_existing_accounts

    seal_existing_accounts(
        apps.get_model("accounts", "User"),
        apps.get_model("account", "EmailAddress"),
        apps.get_model("accounts", "EmailAddressSeal"),
    )


def unseal(apps, schema_editor):
    from comptoir.accounts.emails import unseal_accounts

    unseal_accounts(
        apps.get_model("accounts", "User"),
        apps.get_model("account", "EmailAddress"),
        apps.get_model("accounts", "EmailAddressSeal"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RenameField(model_name="user", old_name="email", new_name="email_clear"),
        migrations.AlterField(
            model_name="user", name="email_clear", field=models.EmailField(max_length=254, null=True)
        ),
        migrations.AddField(
            model_name="user",
            name="email",
            field=comptoir.privacy.fields.OperatorEncryptedEmailField(
                blind_index="email_index", null=True, verbose_name="email address"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="email_index",
            field=comptoir.privacy.fields.BlindIndexField(db_index=False, unique=True),
        ),
        migrations.AddField(
            model_name="user",
            name="row_uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="display_name",
            field=comptoir.privacy.fields.OperatorEncryptedCharField(
                blank=True,
                help_text="How other people see you in Comptoir, for example your first and last name.",
                max_length=150,
                validators=[comptoir.core.text.validate_text],
                verbose_name="display name",
            ),
        ),
        migrations.CreateModel(
            name="EmailAddressSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("row_uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "email",
                    comptoir.privacy.fields.OperatorEncryptedEmailField(verbose_name="email address"),
                ),
                (
                    "address",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="account.emailaddress",
                    ),
                ),
            ],
        ),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="user", name="email_clear"),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=comptoir.privacy.fields.OperatorEncryptedEmailField(
                blind_index="email_index", verbose_name="email address"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="row_uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
