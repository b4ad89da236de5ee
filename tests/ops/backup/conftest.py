import pytest

from tests.ops.backup.support import Targets


@pytest.fixture(scope="module")
def targets(tmp_path_factory, django_db_setup, django_db_blocker):
    """Fresh empty databases for restores (``support.Targets``), dropped at the end."""
    with django_db_blocker.unblock():
        made = Targets(tmp_path_factory.mktemp("targets"))
        yield made
        made.drop_all()


@pytest.fixture
def backup_folder(settings, tmp_path):
    """``storages["backups"]`` in a folder of the test's own."""
    folder = tmp_path / "backups"
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(folder),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }
    return folder
