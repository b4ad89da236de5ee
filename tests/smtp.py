"""A real SMTP server (aiosmtpd) on a free local port, and the outbox switched on
(the ``smtp`` fixture of tests/mail and tests/audit: their conftests import it).

pytest-django sets ``EMAIL_BACKEND`` to locmem for every test; these tests put
the outbox back and point its SMTP transport at the port of ``smtp``, which
is down until ``smtp.start()``: the same port, so a message that failed while
it was down is delivered once it is up.
"""

import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

SMTP_TRANSPORT = "django.core.mail.backends.smtp.EmailBackend"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    content: bytes


@dataclass
class Inbox:
    """aiosmtpd handler: keeps every message the server accepted."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> "SmtpServer":
        if self.controller is None:
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def outbox_settings(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"
    settings.MAIL_TRANSPORT = SMTP_TRANSPORT
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp(settings):
    """The SMTP server, down until ``smtp.start()``; the outbox sends to it."""
    server = SmtpServer(free_port())
    outbox_settings(settings, server.port)
    yield server
    server.stop()
