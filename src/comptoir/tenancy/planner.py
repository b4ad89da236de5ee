"""What SQLite's query planner is told about tenant tables before it has measured them.

SQLite plans from statistics that only ``ANALYZE`` gathers, and nothing runs
it on its own. Without them the planner assumes an equality on any indexed
column keeps about ten rows, so ``organisation_id = ?`` looks as selective as
a blind index: a search by email, SIREN or name prefix, or an import's
duplicate check, would then walk every row of the organisation (an ORDER BY
or an OR is enough to tip it), which is what exact search promises never to
do.

After each ``migrate`` on SQLite, ``seed`` writes into ``sqlite_stat1`` the
shape every tenant table has at scale, for the indexes that have no
statistics yet (a real ``ANALYZE`` is never overwritten): many rows per
organisation, few rows per value of any column indexed after it, a few per
value of any other index's first column, one per value of a unique index.
This is SQLite's documented way of steering its planner (the
``sqlite_stat1`` table may be written by applications), and the planner
reads it back at once. PostgreSQL gathers its own statistics.
"""

from django.db import connections

from comptoir.tenancy.scope import TenantModel

ROWS = 1_000_000  # a table at the size plans must hold for
PER_ORGANISATION = 100_000  # rows sharing an organisation
PER_OTHER_KEY = 10  # rows sharing a value of another index's first column


def _stat(columns: list[str], unique: bool) -> str:
    averages = []
    for position, column in enumerate(columns):
        if unique and position == len(columns) - 1:
            averages.append(1)
        elif position == 0:
            averages.append(PER_ORGANISATION if column == "organisation_id" else PER_OTHER_KEY)
        else:
            averages.append(1)
    return " ".join(str(n) for n in (ROWS, *averages))


def seed(using: str = "default", models=None) -> int:
    """Write the missing statistics of tenant tables' indexes (``models``: the
    installed ones by default); how many were written."""
    from django.apps import apps

    connection = connections[using]
    if connection.vendor != "sqlite":
        return 0
    tables = {
        m._meta.db_table
        for m in (apps.get_models() if models is None else models)
        if issubclass(m, TenantModel) and m._meta.managed and not m._meta.proxy
    }
    written = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            cursor.execute("ANALYZE sqlite_master")  # creates sqlite_stat1
        cursor.execute("SELECT tbl, idx FROM sqlite_stat1")
        known = {(table, index) for table, index in cursor.fetchall()}
        existing = set(connection.introspection.table_names(cursor))
        for table in sorted(tables & existing):
            cursor.execute(f'PRAGMA index_list("{table}")')
            for _seq, index, unique, *_rest in cursor.fetchall():
                if (table, index) in known:
                    continue
                cursor.execute(f'PRAGMA index_info("{index}")')
                columns = [name for _rank, _cid, name in sorted(cursor.fetchall())]
                cursor.execute(
                    "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)",
                    [table, index, _stat(columns, bool(unique))],
                )
                written += 1
        if written:
            cursor.execute("ANALYZE sqlite_master")  # the planner reads them back
    return written


def seed_after_migrate(sender, using="default", **kwargs) -> None:
    seed(using)
