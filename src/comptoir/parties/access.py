"""Who reads, writes and searches which fields of a party: the one place the
pages and the API ask.

A party is read with ``CONTACTS_VIEW`` and written with ``CONTACTS_MANAGE``,
except its bank details (IBAN, BIC): financial data, which support and sales
staff do not see (``tenancy.roles``: support sees contact details only). Bank
details are read and searched with ``FINANCE_VIEW`` and written with
``FINANCE_MANAGE``. A change needs the permission of every field it names, so
an accountant may record a party's bank details but change nothing else of
it, a sales rep may change everything else but not its bank details, and
creating a party with bank details takes both (owner, admin).
"""

from collections.abc import Iterable

from comptoir.parties.rules import BANK_DETAILS
from comptoir.tenancy.roles import Permission, has_permission

BANK_READ = Permission.FINANCE_VIEW  # read, and search by IBAN
BANK_WRITE = Permission.FINANCE_MANAGE


def sees_bank_details(role: str) -> bool:
    """Whether the role reads bank details and searches by IBAN."""
    return has_permission(role, BANK_READ)


def write_permissions(names: Iterable[str]) -> frozenset[Permission]:
    """The permissions a change of these party fields needs (an empty change:
    the party's own)."""
    names = set(names)
    needed = set()
    if names & set(BANK_DETAILS):
        needed.add(BANK_WRITE)
    if names - set(BANK_DETAILS) or not names:
        needed.add(Permission.CONTACTS_MANAGE)
    return frozenset(needed)


def may_write(role: str, names: Iterable[str]) -> bool:
    return all(has_permission(role, permission) for permission in write_permissions(names))


def writable(role: str, names: Iterable[str]) -> list[str]:
    """Those of ``names`` the role may write."""
    return [name for name in names if may_write(role, [name])]


def may_change_some(role: str) -> bool:
    """Whether the role may write any field of a party: its own, or its bank details."""
    return may_write(role, ()) or may_write(role, BANK_DETAILS)
