"""Lookups that each database answers from an index."""

from django.db.models.lookups import StartsWith


class Prefix(StartsWith):
    """``startswith`` (case-sensitive), answered from an index on every database.

    SQLite compiles ``startswith`` to ``LIKE``, which is case-insensitive
    there and so cannot use an ordinary index: the planner walks every
    candidate row. On SQLite this is a range instead, ``column >= prefix AND
    column < next``, where ``next`` is the prefix with its last character
    incremented: text compares by code point (BINARY collation), so the range
    holds exactly the strings starting with the prefix. PostgreSQL turns
    ``LIKE 'p%'`` into such a range itself (C collation). Use it as an
    expression: ``Party.objects.of(org).filter(Prefix(F("company_name_key"), key))``.
    """

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, str) or not self.rhs:
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        last = ord(self.rhs[-1])
        if last >= 0x10FFFF:
            return f"{lhs} >= %s", [*lhs_params, self.rhs]
        upper = self.rhs[:-1] + chr(last + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]
