"""Quotes: drafts with lines from products or free, sent with a number and a
validity date, accepted or refused while valid; totals from core.totals."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import AuditEvent
from comptoir.sales import rules, selectors, services
from comptoir.sales.models import Quote, QuoteLine, SalesSettings
from comptoir.sales.models.choices import QuoteStatus

pytestmark = pytest.mark.django_db


def test_lines_copy_their_product_or_stand_alone(world, actor, make_quote):
    quote = make_quote()
    product_line, free_line = quote.lines.all()
    product = product_line.product
    assert (product_line.reference, product_line.name, product_line.unit_price) == (
        product.reference,
        product.name,
        product.unit_price,
    )
    assert product_line.vat_rate == Decimal("20") and product_line.position == 1
    assert free_line.product is None and free_line.unit == "HUR" and free_line.position == 2
    # The line keeps what was sold when the product changes afterwards.
    services.product_update(actor=actor, product=product, unit_price="999")
    product_line.refresh_from_db()
    assert product_line.unit_price == Decimal("100")


def test_totals_come_from_core_totals(world, actor, make_quote):
    quote = make_quote(discount_percent="10", charge_amount="15")
    totals = rules.totals_of(quote)
    # 3 x 100 + 2 x 45 = 390; 10 % off = 351; + 15 charges = 366; VAT 20 % = 73.20.
    assert totals.line_total == Decimal("390.00")
    assert totals.allowance_total == Decimal("39.00")
    assert totals.charge_total == Decimal("15.00")
    assert totals.tax_exclusive == Decimal("366.00")
    assert totals.tax_total == Decimal("73.20")
    assert totals.payable == Decimal("439.20")


def test_a_line_with_a_rate_foreign_to_the_country_is_refused(world, actor, make_quote):
    quote = make_quote()
    with pytest.raises(ValidationError) as caught:
        services.quote_line_add(
            actor=actor, quote=quote, name="x", quantity="1", unit_price="1", vat_rate="21"
        )
    assert "vat_rate" in caught.value.message_dict
    assert quote.lines.count() == 2


def test_a_draft_changes_its_lines_and_each_change_is_journalled(world, actor, make_quote):
    quote = make_quote()
    line = services.quote_line_add(
        actor=actor, quote=quote, name="Déplacement", quantity="1", unit_price="30", vat_rate="20"
    )
    assert line.position == 3
    services.quote_line_update(actor=actor, line=line, quantity="2,5", discount_percent="10")
    line.refresh_from_db()
    assert line.quantity == Decimal("2.500")
    first = quote.lines.first()
    services.quote_line_remove(actor=actor, line=first)
    assert [line.name for line in quote.lines.all()][-1] == "Déplacement"
    assert quote.lines.count() == 2
    events = AuditEvent.objects.filter(object_type="sales.quote", object_id=str(quote.pk))
    assert events.filter(fields=["lines"]).count() == 3
    services.quote_update(actor=actor, quote=quote, purchase_order="BC-77")
    quote.refresh_from_db()
    assert quote.purchase_order == "BC-77"


def test_sending_numbers_and_dates_the_quote(world, actor, make_quote):
    SalesSettings.objects.create(organisation=world.org_a, quote_validity_days=45)
    quote = services.quote_send(actor=actor, quote=make_quote(), issue_date=date(2026, 3, 2))
    assert quote.number == "D-2026-00001"
    assert quote.status == QuoteStatus.SENT
    assert quote.valid_until == date(2026, 4, 16)
    second = services.quote_send(
        actor=actor, quote=make_quote(), issue_date=date(2026, 3, 3), valid_until=date(2026, 3, 10)
    )
    assert (second.number, second.valid_until) == ("D-2026-00002", date(2026, 3, 10))
    # Org B has its own sequence.
    other = services.quote_send(
        actor=actor, quote=make_quote(world.org_b), issue_date=date(2026, 3, 3)
    )
    assert other.number == "D-2026-00001"


def test_a_sent_quote_no_longer_changes(world, actor, make_quote):
    quote = services.quote_send(actor=actor, quote=make_quote())
    line = quote.lines.first()
    for attempt in (
        lambda: services.quote_update(actor=actor, quote=quote, notes="x"),
        lambda: services.quote_line_add(
            actor=actor, quote=quote, name="x", quantity=1, unit_price=1, vat_rate=20
        ),
        lambda: services.quote_line_update(actor=actor, line=line, quantity=9),
        lambda: services.quote_line_remove(actor=actor, line=line),
        lambda: services.quote_send(actor=actor, quote=quote),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert QuoteLine.objects.get(pk=line.pk).quantity == line.quantity


def test_an_empty_quote_is_not_sent(world, actor, make_client):
    quote = services.quote_create(actor=actor, organisation=world.org_a, party=make_client())
    with pytest.raises(ValidationError):
        services.quote_send(actor=actor, quote=quote)
    assert Quote.objects.of(world.org_a).get(pk=quote.pk).number == ""


def test_accept_or_refuse_only_a_sent_valid_quote(world, actor, make_quote):
    draft = make_quote()
    with pytest.raises(ValidationError):
        services.quote_accept(actor=actor, quote=draft)
    sent = services.quote_send(actor=actor, quote=draft, issue_date=date(2026, 1, 5))
    accepted = services.quote_accept(actor=actor, quote=sent, on=date(2026, 1, 20))
    assert (accepted.status, accepted.decided_on) == (QuoteStatus.ACCEPTED, date(2026, 1, 20))
    with pytest.raises(ValidationError):
        services.quote_refuse(actor=actor, quote=accepted, on=date(2026, 1, 21))
    other = services.quote_send(actor=actor, quote=make_quote(), issue_date=date(2026, 1, 5))
    assert services.quote_refuse(actor=actor, quote=other, on=date(2026, 1, 6)).status == "refused"


def test_an_expired_quote_shows_expired_and_cannot_be_accepted(world, actor, make_quote):
    sent = services.quote_send(
        actor=actor, quote=make_quote(), issue_date=date(2026, 1, 5), valid_until=date(2026, 1, 31)
    )
    assert rules.quote_state(sent, date(2026, 1, 31)) == QuoteStatus.SENT
    assert rules.quote_state(sent, date(2026, 2, 1)) == rules.EXPIRED
    with pytest.raises(ValidationError) as caught:
        services.quote_accept(actor=actor, quote=sent, on=date(2026, 2, 1))
    assert caught.value.code == "expired" and "2026-01-31" in caught.value.messages[0]
    assert Quote.objects.of(world.org_a).get(pk=sent.pk).status == QuoteStatus.SENT
    expired = selectors.quote_list(
        organisation=world.org_a, status="expired", today=date(2026, 2, 1)
    )
    assert list(expired) == [sent]
    valid = selectors.quote_list(organisation=world.org_a, status="sent", today=date(2026, 2, 1))
    assert list(valid) == []


def test_a_party_of_another_organisation_is_refused(world, actor, make_client):
    with pytest.raises(ValidationError) as caught:
        services.quote_create(actor=actor, organisation=world.org_a, party=make_client(world.org_b))
    assert "party" in caught.value.message_dict


def test_validity_cannot_end_before_the_date(world, actor, make_quote):
    with pytest.raises(ValidationError) as caught:
        services.quote_send(
            actor=actor,
            quote=make_quote(),
            issue_date=date(2026, 5, 5),
            valid_until=date(2026, 5, 5) - timedelta(days=1),
        )
    assert "valid_until" in caught.value.message_dict
