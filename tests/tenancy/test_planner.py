"""SQLite's planner is told the shape tenant tables have at scale, until it measures them."""

import pytest
from django.db import connection

from comptoir.tenancy import planner

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")


def _stats() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'parties_party'")
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_migrate_leaves_statistics_for_every_index_of_tenant_tables():
    stats = _stats()
    assert stats["party_email_index"] == "1000000 100000 1"  # (organisation, email_index)
    assert stats["party_company_name_key"] == "1000000 100000 1"
    organisation_fk = next(name for name in stats if name.endswith("organisation_id_7949977e"))
    assert stats[organisation_fk] == "1000000 100000"
    assert planner.seed() == 0  # nothing missing: a second run writes nothing


@pytest.mark.django_db
def test_measured_statistics_are_never_overwritten():
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sqlite_stat1 SET stat = '42 7 1' WHERE idx = 'party_email_index'")
    assert planner.seed() == 0
    assert _stats()["party_email_index"] == "42 7 1"
