"""The links a person follows to withdraw or confirm a consent, and the
unsubscribe headers of every prospection message (RFC 8058).

A withdrawal link is signed (Django's signing, keyed by the secret key) and
names the person by their pseudonymous ``DataSubject.uuid`` and the purpose:
never an email address. It does not expire: a message read years later must
still unsubscribe in one click. A confirmation link (double opt-in) carries
256 random bits; only their SHA-256 is stored.
"""

import hashlib
import secrets
import uuid

from django.core import signing
from django.urls import reverse

from comptoir.privacy.consent.models import ConsentPurpose
from comptoir.privacy.models import DataSubject

WITHDRAW_SALT = "comptoir.privacy.consent.withdraw"


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def withdraw_token(*, subject: DataSubject, purpose: ConsentPurpose) -> str:
    purpose = ConsentPurpose(purpose)
    return signing.Signer(salt=WITHDRAW_SALT).sign_object(
        {"s": subject.uuid.hex, "p": purpose.value}, compress=True
    )


def withdraw_token_read(token: str) -> tuple[uuid.UUID, ConsentPurpose] | None:
    """The person's uuid and the purpose a withdrawal token names, or None if forged."""
    try:
        payload = signing.Signer(salt=WITHDRAW_SALT).unsign_object(token)
        return uuid.UUID(hex=payload["s"]), ConsentPurpose(payload["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def consent_withdraw_url(*, subject: DataSubject, purpose: ConsentPurpose, base_url: str) -> str:
    """The one-click withdrawal link of this person and purpose, for any message."""
    token = withdraw_token(subject=subject, purpose=purpose)
    return _absolute(base_url, reverse("privacy:consent:withdraw", args=[token]))


def unsubscribe_headers(subject: DataSubject, purpose: ConsentPurpose, *, base_url: str) -> dict:
    """The RFC 8058 headers every prospection message carries: a mail client's
    "unsubscribe" button POSTs ``List-Unsubscribe=One-Click`` to the link."""
    url = consent_withdraw_url(subject=subject, purpose=purpose, base_url=base_url)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def confirmation_token() -> tuple[str, str]:
    """A fresh double opt-in token and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirmation_url(*, token: str, base_url: str) -> str:
    return _absolute(base_url, reverse("privacy:consent:confirm", args=[token]))
