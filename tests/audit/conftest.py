"""The SMTP server the mail services send to (``smtp``, from tests/smtp.py)."""

from tests.smtp import smtp  # noqa: F401 (a fixture)
