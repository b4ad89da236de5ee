import base64

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.db import transaction

from comptoir.accounts import throttling
from comptoir.accounts.models import User
from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.core.http import client_ip, request_actor
from comptoir.privacy.masterkey import SealedText


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by an organisation's administrators, not by visitors.
        return False

    def authenticate(self, request, **credentials):
        email = (credentials.get("email") or "").strip().lower()
        user = User.objects.filter(email=email).first() if email else None
        throttling.login_check_allowed(user)
        authenticated = super().authenticate(request, **credentials)
        if authenticated is None:
            throttling.login_failed(user=user, ip_address=client_ip(request))
        else:
            throttling.login_succeeded(user=authenticated)
        return authenticated

    def login(self, request, user) -> None:
        super().login(request, user)
        throttling.journal_user_event(user.pk, request_actor(request), Action.LOGIN)

    def logout(self, request) -> None:
        if request.user.is_authenticated:
            throttling.journal_user_event(request.user.pk, request_actor(request), Action.LOGOUT)
        super().logout(request)

    @transaction.atomic
    def set_password(self, user, password: str) -> None:
        super().set_password(user, password)
        # A completed password reset lifts a lock.
        throttling.user_unlock(actor=Actor.user(user.pk), user=user)


_SEALED = SealedText("mfa-secret")
_PREFIX = "v1:"


class MfaAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets and recovery seeds sealed with AES-256-GCM.

    allauth's default adapter keeps them in clear; the key here is derived from
    the master key, which never enters the database.
    """

    def encrypt(self, text: str) -> str:
        return _PREFIX + base64.b64encode(_SEALED.seal(text, "mfa")).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_PREFIX):
            raise ValueError("an MFA secret is not sealed")
        return _SEALED.open(base64.b64decode(encrypted_text[len(_PREFIX) :]), "mfa")
