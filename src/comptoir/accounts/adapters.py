import base64
import time

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email
from allauth.mfa.adapter import DefaultMFAAdapter
from django.db import transaction

from comptoir.accounts import throttling
from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.core.http import client_ip, request_actor
from comptoir.core.mailabout import mail_about
from comptoir.privacy.masterkey import SealedText

# When the session's user signed in (seconds since the epoch).
SIGNED_IN_AT = "comptoir_signed_in_at"

_MFA_NOTIFICATIONS = {
    "mfa/email/totp_activated": Action.MFA_ENROLLED,
    "mfa/email/totp_deactivated": Action.MFA_REMOVED,
}


def _self_actor(adapter, user) -> Actor:
    """The user acting on their own account, from the request being served
    (allauth's middleware hands it to its adapters) when there is one."""
    request = adapter.request
    return Actor.user(user.pk, client_ip(request) if request is not None else None)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by an organisation's administrators, not by visitors.
        return False

    def authenticate(self, request, **credentials):
        """allauth's password check, wrapped in Comptoir's throttling rule.

        The accounts are found the way allauth's backend finds them (the
        EmailAddress table, then User.email), so a secondary address is
        throttled like the primary one. ACCOUNT_UNIQUE_EMAIL makes it one
        account at most.
        """
        email = (credentials.get("email") or "").strip()
        users = filter_users_by_email(email, prefer_verified=True) if email else []
        ip_address = client_ip(request)
        for user in users:
            throttling.login_attempt_start(user=user, ip_address=ip_address)
        authenticated = super().authenticate(request, **credentials)
        if authenticated is None:
            for user in users or [None]:
                throttling.login_failed(user=user, ip_address=ip_address)
            return None
        throttling.login_succeeded(user=authenticated)
        for user in users:
            if user.pk != authenticated.pk:
                throttling.login_failed(user=user, ip_address=ip_address)
        return authenticated

    def login(self, request, user) -> None:
        super().login(request, user)
        request.session[SIGNED_IN_AT] = time.time()
        throttling.journal_user_event(user.pk, request_actor(request), Action.LOGIN)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in minutes ago counts as a recent authentication.

        allauth 65 counts only the records of its reauthentication form
        (``did_recently_reauthenticate`` keeps the records marked
        ``reauthenticated``), so the password typed to sign in did not count,
        and an owner sent to enrol TOTP right after signing in was asked for
        it again. A complete sign-in (``login`` above: password, and the
        second factor when there is one, or a password reset) proves the same
        as the reauthentication form, so for ``ACCOUNT_REAUTHENTICATION_TIMEOUT``
        seconds after it nothing is asked again; past that, allauth's rule.
        """
        request = self.request
        if request is not None and request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            timeout = allauth_settings.REAUTHENTICATION_TIMEOUT
            if isinstance(signed_in_at, float) and 0 <= time.time() - signed_in_at < timeout:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def logout(self, request) -> None:
        if request.user.is_authenticated:
            throttling.journal_user_event(request.user.pk, request_actor(request), Action.LOGOUT)
        super().logout(request)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # allauth.mfa tells the adapter each time a second factor is added or
        # removed (to mail the user): the one hook it offers without signals,
        # so the journal records it here.
        action = _MFA_NOTIFICATIONS.get(template_prefix)
        if action is not None:
            throttling.journal_user_event(user.pk, _self_actor(self, user), action)
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def send_mail(self, template_prefix, email, context) -> None:
        # allauth's mails (password reset, email confirmation, notifications)
        # are account mails: system messages of the outbox, readable by the
        # account they are sent to (``comptoir.mail.selectors``).
        user = (context or {}).get("user")
        with mail_about(recipient_user_id=getattr(user, "pk", None)):
            super().send_mail(template_prefix, email, context)

    @transaction.atomic
    def set_password(self, user, password: str) -> None:
        super().set_password(user, password)
        # A completed password reset lifts a lock.
        throttling.user_unlock(actor=_self_actor(self, user), user=user)


_SEALED = SealedText("mfa-secret")
_PREFIX = "v1:"


class MfaAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets and recovery seeds sealed with AES-256-GCM.

    allauth's default adapter keeps them in clear; the key here is derived from
    the master key, which never enters the database.
    """

    def can_delete_authenticator(self, authenticator) -> bool:
        """Owners and administrators keep their authenticator app: without it
        they could not use Comptoir (they may replace it by re-enrolling)."""
        from allauth.mfa.models import Authenticator

        from comptoir.tenancy.roles import MFA_REQUIRED_ROLES
        from comptoir.tenancy.selectors import user_memberships

        if authenticator.type != Authenticator.Type.TOTP:
            return True
        memberships = user_memberships(user_id=authenticator.user_id)
        return not memberships.filter(role__in=MFA_REQUIRED_ROLES).exists()

    def encrypt(self, text: str) -> str:
        return _PREFIX + base64.b64encode(_SEALED.seal(text, "mfa")).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_PREFIX):
            raise ValueError("an MFA secret is not sealed")
        return _SEALED.open(base64.b64decode(encrypted_text[len(_PREFIX) :]), "mfa")
