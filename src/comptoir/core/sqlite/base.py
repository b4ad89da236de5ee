"""Django's SQLite backend, with the key store attached to every connection.

The key store (``comptoir.core.keystore``) is a second database file beside
the main one, attached as ``comptoir_keys``: its tables are reached by their
bare names in the same transaction, and introspection lists them, so
``flush`` and the test runner treat them as Django's own.
"""

import contextlib
import os

from django.db.backends.sqlite3 import base, creation, introspection

from comptoir.core.keystore import SCHEMA, sqlite_keystore_name


class DatabaseIntrospection(introspection.DatabaseIntrospection):
    def get_table_list(self, cursor):
        tables = super().get_table_list(cursor)
        cursor.execute(
            f"SELECT name, type FROM {SCHEMA}.sqlite_master "  # noqa: S608
            "WHERE type in ('table', 'view') AND NOT name='sqlite_sequence' ORDER BY name"
        )
        return tables + [introspection.TableInfo(row[0], row[1][0]) for row in cursor.fetchall()]


class DatabaseCreation(creation.DatabaseCreation):
    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        name = super()._create_test_db(verbosity, autoclobber, keepdb)
        if not keepdb and not self.is_in_memory_db(name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(sqlite_keystore_name(name))
        return name

    def _destroy_test_db(self, test_database_name, verbosity):
        super()._destroy_test_db(test_database_name, verbosity)
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(sqlite_keystore_name(test_database_name))


class DatabaseWrapper(base.DatabaseWrapper):
    introspection_class = DatabaseIntrospection
    creation_class = DatabaseCreation

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        name = sqlite_keystore_name(self.settings_dict["NAME"])
        conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (name,))
        if name != ":memory:" and "mode=memory" not in name:
            conn.execute(f"PRAGMA {SCHEMA}.journal_mode=WAL")
        return conn
