from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.accounts.models import ApiToken, User
from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.modelfields import editable_fields

if TYPE_CHECKING:
    from comptoir.tenancy.models import Membership

TOKEN_PREFIX = "cpt_"  # noqa: S105 (a label, not a secret)
MAX_TOKEN_DAYS = 366
# What a token's creator chooses (with its lifetime in days): the rest is set here.
TOKEN_FIELDS = editable_fields(
    ApiToken, exclude={"user", "expires_at", "last_used_at", "revoked_at"}
)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def user_create(*, actor: Actor, email: str, password: str | None) -> User:
    """Create a sign-in account; the password is checked against the validators."""
    from django.contrib.auth.password_validation import validate_password

    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email address exists already.")})
    user = User(email=email)
    user.full_clean(exclude=["password"])
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        organisation_id=None,
        object_type="accounts.User",
        object_id=user.pk,
        fields=["email", "password"],
    )
    return user


@transaction.atomic
def token_create(
    *, actor: Actor, organisation, user: User, name: str, scope: str, days: int
) -> tuple[ApiToken, str]:
    """Create an API token; returns it with its plaintext, which is never stored."""
    errors = {}
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = _("A token lasts from 1 to %(max)d days.") % {"max": MAX_TOKEN_DAYS}
    body = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{body}"
    token = ApiToken(
        organisation=organisation,
        user=user,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=max(min(days, MAX_TOKEN_DAYS), 1)),
    )
    try:  # the model's own checks: a name given, at most its length, a known scope
        token.full_clean(exclude=["organisation", "user", "digest"])
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    token.save()
    audit_record(
        actor=actor,
        action=Action.TOKEN_CREATE,
        organisation_id=organisation.pk,
        object_type="accounts.ApiToken",
        object_id=token.pk,
        fields=["name", "scope", "expires_at"],
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Actor, organisation, token_id: int, user: User | None = None) -> None:
    """Revoke a token. ``user`` limits it to that user's own tokens."""
    tokens = ApiToken.objects.of(organisation).select_for_update()
    if user is not None:
        tokens = tokens.filter(user=user)
    token = tokens.get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=Action.TOKEN_REVOKE,
            organisation_id=organisation.pk,
            object_type="accounts.ApiToken",
            object_id=token.pk,
            fields=["revoked_at"],
        )


LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_mark_used(token: ApiToken) -> None:
    """Record when a token was last used, to the nearest few minutes: one small
    write per token per interval, not one per request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.of(token.organisation_id).filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_authenticate(raw: str) -> tuple[ApiToken, Membership] | None:
    """The live token this string is, and the membership it acts under, or None.

    On every API request, so one query (``api_credentials``). A token is dead
    once revoked or expired, when its user is deactivated, or when the user
    is no longer a member of the token's organisation.
    """
    from comptoir.accounts.selectors import api_credentials

    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    found = api_credentials(digest=token_digest(raw))
    if found is None:
        return None
    token, membership = found
    if not token.is_active or not token.user.is_active:
        return None
    return token, membership


def user_send_invitation(*, user: User, organisation_name: str, base_url: str) -> None:
    """Mail a new member a link to choose their password (allauth's reset-from-key
    page, so the link expires and works once)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    context = {"organisation": organisation_name, "url": base_url.rstrip("/") + path}
    send_mail(
        subject=render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invitation_message.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
