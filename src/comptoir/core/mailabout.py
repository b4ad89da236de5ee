"""What an outgoing mail is about, told by the code that sends it.

Comptoir sends mail through Django's email API; the outbox
(``comptoir.mail``) stores every message and needs to know, beyond the
message itself, whose it is: the organisation it was sent for (whose owners
and administrators then see it), the account it is addressed to (who may read
it), and whether its body is confidential (a sign-in or password link that
takes over an account when read by someone else). Code below the mail layer
says so with ``mail_about(...)`` around its ``send_mail``; a message sent
without it is a system message with a confidential body, the safe default.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class MailAbout:
    organisation_id: int | None = None
    recipient_user_id: int | None = None
    confidential: bool = True


SYSTEM = MailAbout()
_current: ContextVar[MailAbout] = ContextVar("mail_about", default=SYSTEM)


@contextmanager
def mail_about(
    *,
    organisation_id: int | None = None,
    recipient_user_id: int | None = None,
    confidential: bool = True,
) -> Iterator[MailAbout]:
    about = MailAbout(organisation_id, recipient_user_id, confidential)
    token = _current.set(about)
    try:
        yield about
    finally:
        _current.reset(token)


def current_mail_about() -> MailAbout:
    return _current.get()
