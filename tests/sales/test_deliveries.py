"""Delivery notes: partial deliveries, never more than ordered less what is
already delivered, shipped with a number and a date."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.sales import selectors, services
from comptoir.sales.models import DeliveryNote
from comptoir.sales.models.choices import DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(world, actor, make_quote):
    quote = services.quote_send(actor=actor, quote=make_quote(purchase_order="PO-9"))
    quote = services.quote_accept(actor=actor, quote=quote)
    return services.order_from_quote(actor=actor, quote=quote)  # lines: 3 x product, 2 h


def _progress(order):
    return [(p.ordered, p.delivered, p.remaining) for p in selectors.order_progress(order)]


def test_partial_deliveries_add_up_to_the_order(world, actor, order):
    first_line, second_line = order.lines.all()
    first = services.delivery_from_order(actor=actor, order=order, quantities={first_line.pk: "1"})
    assert [(line.order_line_id, line.quantity) for line in first.lines.all()] == [
        (first_line.pk, Decimal("1"))
    ]
    assert first.purchase_order == "PO-9" and first.party_id == order.party_id
    assert _progress(order) == [
        (Decimal("3"), Decimal("1"), Decimal("2")),
        (Decimal("2"), Decimal("0"), Decimal("2")),
    ]
    rest = services.delivery_from_order(actor=actor, order=order)  # all that remains
    assert [(line.order_line_id, line.quantity) for line in rest.lines.all()] == [
        (first_line.pk, Decimal("2")),
        (second_line.pk, Decimal("2")),
    ]
    assert [remaining for *_, remaining in _progress(order)] == [0, 0]
    with pytest.raises(ValidationError) as caught:
        services.delivery_from_order(actor=actor, order=order)
    assert "quantities" in caught.value.message_dict


def test_over_delivery_is_refused_and_nothing_written(world, actor, order):
    first_line, _second = order.lines.all()
    services.delivery_from_order(actor=actor, order=order, quantities={first_line.pk: "2"})
    before = DeliveryNote.objects.of(world.org_a).count()
    with pytest.raises(ValidationError) as caught:
        services.delivery_from_order(actor=actor, order=order, quantities={first_line.pk: "1.001"})
    assert f"quantities.{first_line.pk}" in caught.value.message_dict
    (error,) = caught.value.error_dict[f"quantities.{first_line.pk}"]
    assert error.code == "over_delivery"
    for bad in (
        {first_line.pk: "-1"},
        {first_line.pk: "abc"},
        {first_line.pk: "0"},
        {999_999: "1"},
    ):
        with pytest.raises(ValidationError):
            services.delivery_from_order(actor=actor, order=order, quantities=bad)
    assert DeliveryNote.objects.of(world.org_a).count() == before


def test_shipping_numbers_and_dates_the_note(world, actor, order):
    note = services.delivery_from_order(actor=actor, order=order)
    assert note.number == "" and note.status == DeliveryStatus.DRAFT
    shipped = services.delivery_ship(actor=actor, delivery=note, delivered_on=date(2026, 6, 1))
    assert shipped.number == f"BL-{shipped.issue_date.year}-00001"
    assert (shipped.status, shipped.delivered_on) == (DeliveryStatus.SHIPPED, date(2026, 6, 1))
    with pytest.raises(ValidationError):
        services.delivery_ship(actor=actor, delivery=note)
    with pytest.raises(ValidationError):
        services.delivery_update(actor=actor, delivery=note, notes="x")
    with pytest.raises(ValidationError):
        services.delivery_delete(actor=actor, delivery=note)


def test_a_draft_note_is_changed_or_dropped(world, actor, order):
    note = services.delivery_from_order(actor=actor, order=order)
    services.delivery_update(actor=actor, delivery=note, delivered_on=date(2026, 6, 3))
    note.refresh_from_db()
    assert note.delivered_on == date(2026, 6, 3)
    services.delivery_delete(actor=actor, delivery=note)
    assert [remaining for *_, remaining in _progress(order)] == [3, 2]
