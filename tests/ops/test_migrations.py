"""The migrations say what the models say: no model change lands without its
migration, and checks attached at start-up (``privacy.fields.attach_value_checks``)
stay out of the schema."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    # --check exits non-zero (SystemExit) when a migration is missing.
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
