import pytest
from django.db import connection

from comptoir.privacy import keys
from comptoir.privacy.keys import subject_create
from tests.privacy.models import Person


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The project's test database, plus the table of the test-only model."""
    with django_db_blocker.unblock():
        if Person._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Person)


@pytest.fixture(autouse=True)
def _fresh_key_caches():
    """Each test unwraps its keys from the database, not from another test's cache."""
    keys.clear_caches()
    yield
    keys.clear_caches()


@pytest.fixture
def make_person(world):
    """``make_person(org, family_name=...)``: a saved person with their own data subject."""

    def build(organisation=None, **values) -> Person:
        organisation = organisation or world.org_a
        person = Person(
            organisation=organisation,
            data_subject=subject_create(organisation=organisation),
            **values,
        )
        person.save()
        return person

    return build
