"""Numbers: gapless and never twice under concurrent issues (PostgreSQL), a
pattern per organisation, each year from 1."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone

from comptoir.invoicing import selectors, services
from comptoir.invoicing.models import Invoice, IssuedDocument
from comptoir.sales import printing
from comptoir.sales.models import NumberSeries

THREADS = 50


def test_fifty_concurrent_issues_take_numbers_1_to_50(
    transactional_db, world, actor, make_draft, make_client
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time: concurrent transactions there queue on the "
            "database lock or fail with 'database is locked', which tests nothing of the "
            "row lock that numbering relies on (SELECT ... FOR UPDATE)"
        )
    printing.settings_of(world.org_a)  # created once, not raced for
    client = make_client()
    drafts = [make_draft(party=client) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue(draft):
        try:
            barrier.wait()
            services.invoice_issue(actor=actor, invoice=draft)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    year = timezone.localdate().year
    numbers = sorted(
        Invoice.objects.of(world.org_a).filter(status="issued").values_list("number", flat=True)
    )
    assert numbers == [f"F-{year}-{n:05}" for n in range(1, THREADS + 1)]
    sequences = IssuedDocument.objects.of(world.org_a).values_list("sequence", flat=True)
    assert sorted(sequences) == list(range(1, THREADS + 1))
    assert all(r.ok for r in selectors.chain_verify(organisation_id=world.org_a.pk))


@pytest.mark.django_db
def test_an_organisations_pattern_is_honoured(world, actor, make_draft):
    NumberSeries.objects.create(
        organisation=world.org_a, series="invoice", pattern="FAC{year}/{number:04}"
    )
    issued = services.invoice_issue(actor=actor, invoice=make_draft())
    assert issued.number == f"FAC{timezone.localdate().year}/0001"
    other = services.invoice_issue(actor=actor, invoice=make_draft(world.org_b, party=None))
    assert other.number.startswith("F-")  # the other organisation keeps the default


@pytest.mark.django_db
def test_each_year_starts_at_1(world, actor, make_draft):
    this_year = timezone.localdate().year
    last_year = services.invoice_issue(
        actor=actor, invoice=make_draft(issue_date=date(this_year - 1, 12, 31))
    )
    assert last_year.number == f"F-{this_year - 1}-00001"
    second = services.invoice_issue(
        actor=actor, invoice=make_draft(issue_date=date(this_year - 1, 12, 31))
    )
    assert second.number == f"F-{this_year - 1}-00002"
    current = services.invoice_issue(actor=actor, invoice=make_draft())
    assert current.number == f"F-{this_year}-00001"
    chain = IssuedDocument.objects.of(world.org_a).get(invoice=current)
    assert (
        chain.previous_hash == IssuedDocument.objects.of(world.org_a).get(invoice=second).chain_hash
    )
    assert all(r.ok for r in selectors.chain_verify(organisation_id=world.org_a.pk))
