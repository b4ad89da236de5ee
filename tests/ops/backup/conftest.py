import pytest

from tests.ops.backup.support import Targets


@pytest.fixture(scope="module")
def targets(tmp_path_factory, django_db_setup, django_db_blocker):
    """Fresh empty databases for restores (``support.Targets``), dropped at the end."""
    with django_db_blocker.unblock():
        made = Targets(tmp_path_factory.mktemp("targets"))
        yield made
        made.drop_all()
