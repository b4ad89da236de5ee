"""Roles and the permission matrix: the one place that says who may do what.

Every check in views, API endpoints and services asks ``has_permission(role,
permission)``; tests hold every cell of the matrix.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    SALES = "sales", _("Sales")
    ACCOUNTANT = "accountant", _("Accountant")
    SUPPORT = "support", _("Support")
    AUDITOR = "auditor", _("Auditor")


class Permission(StrEnum):
    ORGANISATION_VIEW = "organisation.view"
    ORGANISATION_MANAGE = "organisation.manage"
    ORGANISATION_EXPORT = "organisation.export"  # everything it owns, as one archive
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    OWNERS_MANAGE = "owners.manage"
    TOKENS_USE = "tokens.use"
    AUDIT_VIEW = "audit.view"
    CONTACTS_VIEW = "contacts.view"
    CONTACTS_MANAGE = "contacts.manage"
    SALES_VIEW = "sales.view"
    SALES_MANAGE = "sales.manage"
    FINANCE_VIEW = "finance.view"
    FINANCE_MANAGE = "finance.manage"
    PRIVACY_MANAGE = "privacy.manage"


R = Role
P = Permission

# permission -> the roles that hold it
MATRIX: dict[Permission, frozenset[Role]] = {
    P.ORGANISATION_VIEW: frozenset(Role),
    P.ORGANISATION_MANAGE: frozenset({R.OWNER, R.ADMIN}),
    P.ORGANISATION_EXPORT: frozenset({R.OWNER}),
    P.MEMBERS_VIEW: frozenset({R.OWNER, R.ADMIN, R.AUDITOR}),
    P.MEMBERS_MANAGE: frozenset({R.OWNER, R.ADMIN}),
    P.OWNERS_MANAGE: frozenset({R.OWNER}),
    P.TOKENS_USE: frozenset({R.OWNER, R.ADMIN, R.SALES, R.ACCOUNTANT, R.SUPPORT, R.AUDITOR}),
    P.AUDIT_VIEW: frozenset({R.OWNER, R.ADMIN, R.AUDITOR}),
    P.CONTACTS_VIEW: frozenset({R.OWNER, R.ADMIN, R.SALES, R.ACCOUNTANT, R.SUPPORT, R.AUDITOR}),
    P.CONTACTS_MANAGE: frozenset({R.OWNER, R.ADMIN, R.SALES}),
    P.SALES_VIEW: frozenset({R.OWNER, R.ADMIN, R.SALES, R.ACCOUNTANT, R.AUDITOR}),
    P.SALES_MANAGE: frozenset({R.OWNER, R.ADMIN, R.SALES}),
    P.FINANCE_VIEW: frozenset({R.OWNER, R.ADMIN, R.ACCOUNTANT, R.AUDITOR}),
    P.FINANCE_MANAGE: frozenset({R.OWNER, R.ADMIN, R.ACCOUNTANT}),
    P.PRIVACY_MANAGE: frozenset({R.OWNER, R.ADMIN}),
}

# Roles that must enrol a second factor before using the application.
MFA_REQUIRED_ROLES = frozenset({R.OWNER, R.ADMIN})

# Roles whose holders can only read, whatever their token's scope.
READ_ONLY_ROLES = frozenset({R.AUDITOR})


def has_permission(role: str, permission: Permission) -> bool:
    return role in MATRIX[permission]


def requires_mfa(role: str) -> bool:
    return role in MFA_REQUIRED_ROLES
