"""Clients and invoices (tests/invoicing's fixtures), the SMTP server and
tasks run as they are enqueued, for the art. 19 and trail tests."""

from tests.invoicing.conftest import actor, make_client, make_draft  # noqa: F401 (fixtures)
from tests.mail.conftest import immediate_tasks  # noqa: F401 (a fixture)
from tests.smtp import smtp  # noqa: F401 (a fixture)
