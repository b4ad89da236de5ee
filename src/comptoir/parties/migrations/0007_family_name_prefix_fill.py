"""The prefix index of the family names stored before it existed.

A family name is encrypted, so its first letters can only be read by
decrypting it: each named row (contact persons, individual parties) is
decrypted once here, under the key it was sealed with, and its prefix index
(``privacy.blind_index.prefix_of_normal``) written. Rows whose value no
longer decrypts (a person whose key was shredded) stay without one: an
erased person is not to be found. Nothing is logged.
"""

from django.db import migrations

from comptoir.privacy import blind_index, crypto, normalise

BATCH = 500
MODELS = ("contactperson", "party")


def _prefix(row, subjects) -> bytes | None:
    pk, organisation_id, row_uuid, sealed, subject_id, label = row
    try:
        plain = crypto.open_sealed(
            sealed,
            binding=crypto.Binding(label, "family_name", row_uuid, organisation_id),
            subject=subjects.get(subject_id),
        ).decode()
        normal = normalise.name(plain)
    except (crypto.DecryptionError, normalise.NormalisationError):
        return None
    return blind_index.prefix_of_normal(
        organisation_id=organisation_id, kind="name", normal=normal
    )


def fill(apps, schema_editor) -> None:
    DataSubject = apps.get_model("privacy", "DataSubject")
    for name in MODELS:
        model = apps.get_model("parties", name)
        label = f"parties.{name}"
        rows = model._default_manager.filter(
            family_name_index__isnull=False, family_name_prefix__isnull=True
        ).order_by("pk")
        last = 0
        while True:
            batch = list(
                rows.filter(pk__gt=last).values_list(
                    "pk", "organisation_id", "row_uuid", "family_name", "data_subject_id"
                )[:BATCH]
            )
            if not batch:
                break
            last = batch[-1][0]
            wanted = {subject_id for *_rest, subject_id in batch if subject_id}
            subjects = DataSubject._default_manager.in_bulk(wanted)
            for row in batch:
                if not isinstance(row[3], bytes) or not row[3]:
                    continue
                digest = _prefix((*row, label), subjects)
                if digest is not None:
                    model._default_manager.filter(pk=row[0]).update(family_name_prefix=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0006_family_name_prefix_index"),
        ("privacy", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
