import pytest
from faker import Faker

from comptoir.ops.demo import fake_siren

fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _memory_storage(settings):
    """Uploaded files and reports go to an in-memory default_storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def sirens():
    """``sirens(n)``: n distinct valid SIRENs."""

    def build(count: int) -> list[str]:
        found: set[str] = set()
        while len(found) < count:
            found.add(fake_siren(fr))
        return sorted(found)

    return build


@pytest.fixture(autouse=True)
def _english():
    """Reasons are the services' messages in the active language: English here."""
    from django.utils import translation

    with translation.override("en"):
        yield
