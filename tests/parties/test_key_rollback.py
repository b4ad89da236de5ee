"""A key created in a transaction that rolls back must not outlive it in the cache.

The first search or write of a new organisation creates its keys. If that
transaction rolls back (a validation error after the duplicate check, a
failed request), the key row is gone; the process must not keep using the
material it cached, or every index and value written next is under a key no
other process (and no restart) will ever have.
"""

import pytest
from django.db import transaction

from comptoir.parties import selectors
from comptoir.privacy import keys


class Abort(Exception):
    pass


def test_a_rolled_back_index_key_is_not_reused(world, make_company, make_contact):
    company = make_company()
    with pytest.raises(Abort), transaction.atomic():
        selectors.digest(organisation=world.org_a, kind="email", value="first@example.test")
        raise Abort
    person = make_contact(company, email="first@example.test")
    keys.clear_caches()  # another process, or this one after a restart
    found = selectors.contact_person_search(organisation=world.org_a, email="first@example.test")
    assert list(found) == [person]


def test_a_rolled_back_data_key_is_not_reused(world, make_company):
    with pytest.raises(Abort), transaction.atomic():
        keys.current_key(world.org_a.pk)
        raise Abort
    company = make_company(billing_city="Lyon")  # encrypted under the organisation key
    keys.clear_caches()
    company.refresh_from_db()
    assert company.billing_city == "Lyon"
