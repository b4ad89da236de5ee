import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    """The register's labels are compared with English text (pages pick their own)."""
    with translation.override("en"):
        yield
