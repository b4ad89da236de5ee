"""On PostgreSQL, an index that answers the company-name prefix search.

``LIKE 'p%'`` can use a B-tree only through the ``varchar_pattern_ops``
operator class unless the database's collation is plain C (Django builds such
``_like`` indexes itself for a ``db_index`` column; this one carries the
organisation first, as every search does). SQLite answers the prefix search
with a range on the ordinary index (``core.lookups.Prefix``): nothing to do
there.
"""

from django.db import migrations

NAME = "party_company_name_prefix"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {NAME} ON parties_party "
            "(organisation_id, company_name_key varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("parties", "0004_party_bank_details")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
