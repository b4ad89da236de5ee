"""The SMTP server (``smtp``, from tests/smtp.py) and tasks run as they are enqueued."""

import pytest

from tests.smtp import smtp  # noqa: F401 (a fixture)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run as they are enqueued (after the commit, with captured callbacks)."""
    settings.TASKS = IMMEDIATE
