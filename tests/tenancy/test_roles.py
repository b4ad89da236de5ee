"""The permission matrix, cell by cell: this table is the specification."""

import pytest

from comptoir.tenancy.roles import MATRIX, Permission, Role, has_permission, requires_mfa

O, A, S, C, U, X = "owner", "admin", "sales", "accountant", "support", "auditor"  # noqa: E741

EXPECTED = {
    "organisation.view": {O, A, S, C, U, X},
    "organisation.manage": {O, A},
    "organisation.export": {O},
    "members.view": {O, A, X},
    "members.manage": {O, A},
    "owners.manage": {O},
    "tokens.use": {O, A, S, C, U, X},
    "audit.view": {O, A, X},
    "contacts.view": {O, A, S, C, U, X},
    "contacts.manage": {O, A, S},
    "sales.view": {O, A, S, C, X},
    "sales.manage": {O, A, S},
    "finance.view": {O, A, C, X},
    "finance.manage": {O, A, C},
    "privacy.manage": {O, A},
}


def test_every_permission_is_specified():
    assert {p.value for p in Permission} == set(EXPECTED)
    assert set(MATRIX) == set(Permission)


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("permission", list(EXPECTED))
def test_cell(role, permission):
    assert has_permission(role, Permission(permission)) is (role in EXPECTED[permission])


def test_support_sees_nothing_financial():
    financial = [p for p in Permission if p.value.startswith(("finance.", "sales."))]
    assert not any(has_permission(Role.SUPPORT, p) for p in financial)


def test_auditor_changes_nothing():
    writes = [p for p in Permission if p.value.endswith(".manage") or p == Permission.TOKENS_USE]
    assert [p for p in writes if has_permission(Role.AUDITOR, p)] == [Permission.TOKENS_USE]


@pytest.mark.parametrize(
    ("role", "needed"), [(O, True), (A, True), (S, False), (C, False), (U, False), (X, False)]
)
def test_mfa_required_for_owners_and_admins(role, needed):
    assert requires_mfa(role) is needed
