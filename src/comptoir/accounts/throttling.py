"""Login throttling (DOMAIN.md §8): a growing delay after 5 consecutive
failures, a lock after 10, lifted by a password reset or an administrator.
Every failure, lock and unlock is journalled."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.models import User
from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record


def retry_delay(failures: int) -> timedelta:
    """How long after the last failure the next attempt is refused: 1 s after
    the 5th failure, doubling with each further one."""
    start = settings.LOGIN_DELAY_AFTER_FAILURES
    if failures < start:
        return timedelta(0)
    return timedelta(seconds=2 ** (failures - start))


def login_check_allowed(user: User | None) -> None:
    """Raise a ValidationError if this account may not try to log in now."""
    if user is None:
        return
    if user.locked_at is not None:
        raise ValidationError(
            _(
                "This account is locked after too many failed attempts. Reset your "
                "password or ask an administrator to unlock it."
            ),
            code="locked",
        )
    if user.last_failed_login_at is not None:
        wait = user.last_failed_login_at + retry_delay(user.failed_logins) - timezone.now()
        if wait > timedelta(0):
            raise ValidationError(
                _("Too many failed attempts. Try again in %(seconds)d seconds.")
                % {"seconds": max(1, round(wait.total_seconds()))},
                code="throttled",
            )


def journal_user_event(user_id: int | None, actor: Actor, action: str, fields=()) -> None:
    """One event in each organisation the user belongs to (or the system chain)."""
    from comptoir.tenancy.selectors import user_memberships

    org_ids = (
        list(user_memberships(user_id=user_id).values_list("organisation_id", flat=True))
        if user_id
        else []
    )
    for org_id in org_ids or [None]:
        audit_record(
            actor=actor,
            action=action,
            organisation_id=org_id,
            object_type="accounts.User" if user_id else "",
            object_id=user_id or "",
            fields=fields,
        )


@transaction.atomic
def login_failed(*, user: User | None, ip_address: str | None) -> None:
    actor = Actor(kind="user", user_id=None, ip_address=ip_address)
    if user is None:
        journal_user_event(None, actor, Action.LOGIN_FAILED)
        return
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins += 1
    user.last_failed_login_at = timezone.now()
    fields = ["failed_logins", "last_failed_login_at"]
    if user.failed_logins >= settings.LOGIN_LOCK_AFTER_FAILURES and user.locked_at is None:
        user.locked_at = user.last_failed_login_at
        fields.append("locked_at")
    user.save(update_fields=fields)
    journal_user_event(user.pk, actor, Action.LOGIN_FAILED)
    if "locked_at" in fields:
        journal_user_event(user.pk, actor, Action.LOGIN_LOCKED, ["locked_at"])


def login_succeeded(*, user: User) -> None:
    if user.failed_logins or user.last_failed_login_at:
        User.objects.filter(pk=user.pk).update(failed_logins=0, last_failed_login_at=None)


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> None:
    """Lift a lock (an administrator, or a completed password reset)."""
    updated = User.objects.filter(pk=user.pk).exclude(locked_at=None, failed_logins=0)
    if updated.update(locked_at=None, failed_logins=0, last_failed_login_at=None):
        journal_user_event(user.pk, actor, Action.UNLOCK, ["locked_at", "failed_logins"])
