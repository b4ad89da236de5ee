"""Login throttling (DOMAIN.md §8): a growing delay after 5 consecutive
failures, a lock after 10, lifted by a password reset or an administrator.
Every failure, lock and unlock is journalled.

An attempt is counted as a failure *before* its password is checked, under a
lock on the user's row, and uncounted when it succeeds. So parallel attempts
see each other: a burst of requests cannot slip past the delay or past the
lock while the (deliberately slow) password hashes are being computed.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "This account is locked after too many failed attempts. Reset your "
            "password or ask an administrator to unlock it."
        ),
        code="locked",
    )


def login_check_allowed(user: User | None) -> None:
    """Raise a ValidationError if this account may not try to log in now."""
    if user is None:
        return
    if user.locked_at is not None:
        raise _locked_error()
    if user.last_failed_login_at is not None:
        wait = user.last_failed_login_at + retry_delay(user.failed_logins) - timezone.now()
        if wait > timedelta(0):
            seconds = max(1, math.ceil(wait.total_seconds()))
            raise ValidationError(
                ngettext(
                    "Too many failed attempts. Try again in %(seconds)d second.",
                    "Too many failed attempts. Try again in %(seconds)d seconds.",
                    seconds,
                )
                % {"seconds": seconds},
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


def login_attempt_start(*, user: User, ip_address: str | None) -> None:
    """Refuse an attempt the rule forbids now; otherwise count it as a failure
    until ``login_succeeded`` says otherwise."""
    refusal = None
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        if row.locked_at is None and row.failed_logins >= settings.LOGIN_LOCK_AFTER_FAILURES:
            # As many attempts as the limit started since the last success and
            # none succeeded (some may still be running, or never came back):
            # the account is locked, for the administrators to see as well.
            _lock(row, ip_address)
        try:
            login_check_allowed(row)
        except ValidationError as exc:
            refusal = exc
        else:
            row.failed_logins += 1
            row.last_failed_login_at = timezone.now()
            row.save(update_fields=["failed_logins", "last_failed_login_at"])
    if refusal is not None:
        raise refusal


def _lock(row: User, ip_address: str | None) -> None:
    row.locked_at = timezone.now()
    row.save(update_fields=["locked_at"])
    journal_user_event(row.pk, Actor.user(None, ip_address), Action.LOGIN_LOCKED, ["locked_at"])


@transaction.atomic
def login_failed(*, user: User | None, ip_address: str | None) -> None:
    """Journal a failed attempt (already counted by ``login_attempt_start``) and
    lock the account when it reaches the limit."""
    actor = Actor.user(None, ip_address)
    if user is None:
        journal_user_event(None, actor, Action.LOGIN_FAILED)
        return
    row = User.objects.select_for_update().get(pk=user.pk)
    # A success in parallel may have reset the count since this attempt started.
    row.failed_logins = max(row.failed_logins, 1)
    row.last_failed_login_at = timezone.now()
    row.save(update_fields=["failed_logins", "last_failed_login_at"])
    journal_user_event(row.pk, actor, Action.LOGIN_FAILED)
    if row.failed_logins >= settings.LOGIN_LOCK_AFTER_FAILURES and row.locked_at is None:
        _lock(row, ip_address)


@transaction.atomic
def login_succeeded(*, user: User) -> None:
    """The password was right: the consecutive failures start again from zero,
    unless an attempt in parallel locked the account meanwhile."""
    row = User.objects.select_for_update().get(pk=user.pk)
    if row.locked_at is not None:
        raise _locked_error()
    if row.failed_logins or row.last_failed_login_at:
        row.failed_logins = 0
        row.last_failed_login_at = None
        row.save(update_fields=["failed_logins", "last_failed_login_at"])


@transaction.atomic
def user_unlock(*, actor: Actor, user: User) -> None:
    """Lift a lock and forget past failures (an administrator, or a completed
    password reset). Journalled when there was a lock to lift."""
    row = User.objects.select_for_update().get(pk=user.pk)
    was_locked = row.locked_at is not None
    if was_locked or row.failed_logins or row.last_failed_login_at:
        row.locked_at = None
        row.failed_logins = 0
        row.last_failed_login_at = None
        row.save(update_fields=["locked_at", "failed_logins", "last_failed_login_at"])
    if was_locked:
        journal_user_event(user.pk, actor, Action.UNLOCK, ["locked_at", "failed_logins"])
    # The caller's instance too, so a later save() of it does not bring the lock back.
    user.locked_at = None
    user.failed_logins = 0
    user.last_failed_login_at = None
