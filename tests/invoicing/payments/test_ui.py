"""The payments pages and the client account on the party page, for each role."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from comptoir.invoicing.models import Payment, PaymentAllocation


@pytest.fixture
def account(world, make_client, issued, pay):
    """A client with an overdue invoice partly paid and an open one."""
    client = make_client()
    overdue = issued(client, "1250.00", due=date.today() - timedelta(days=10))
    later = issued(client, "480.00", due=date.today() + timedelta(days=20))
    pay(client, "250.00", allocations=[(overdue, "250.00")], reference="CHQ-0042")
    return client, overdue, later


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode().replace("&nbsp;", "\xa0")


@pytest.mark.parametrize("role", ["owner", "accountant", "sales", "auditor"])
def test_the_party_page_shows_the_client_account(ui_as, account, role):
    client, overdue, later = account
    html = _page(ui_as(role), reverse("parties:party_detail", args=[client.pk]))
    assert 'id="client-account"' in html
    assert "1\xa0480,00" in html  # balance: 1250 + 480 - 250, in French by default
    assert overdue.number in html and later.number in html
    assert "1\xa0000,00" in html  # left to pay on the overdue invoice
    assert ("record-payment" in html) == (role in ("owner", "accountant"))


def test_support_sees_no_amount_on_the_party_page(ui_as, account):
    client, overdue, _later = account
    html = _page(ui_as("support"), reverse("parties:party_detail", args=[client.pk]))
    assert 'id="client-account"' not in html
    for text in ("1\xa0480,00", "1\xa0250,00", "250,00", overdue.number, "€"):
        assert text not in html
    assert (
        ui_as("support").get(reverse("invoicing:client_account", args=[client.pk])).status_code
        == 403
    )
    assert ui_as("support").get(reverse("invoicing:payment_list")).status_code == 403


def test_the_account_page(ui_as, account):
    client, overdue, later = account
    html = _page(ui_as("accountant"), reverse("invoicing:client_account", args=[client.pk]))
    assert "En retard" in html  # overdue, in French
    assert "Impayée" in html  # the later invoice, not yet due
    assert "CHQ-0042" not in html  # references only on the payment's own page
    html = _page(ui_as("sales"), reverse("invoicing:client_account", args=[client.pk]))
    assert overdue.number in html and "payment-" not in html  # no payments for sales


def test_an_accountant_records_a_payment_with_its_allocations(world, ui_as, account):
    client, overdue, later = account
    browser = ui_as("accountant")
    url = reverse("invoicing:payment_create", args=[client.pk])
    html = _page(browser, url)
    assert f"allocate_{overdue.pk}" in html and f"allocate_{later.pk}" in html
    response = browser.post(
        url,
        {
            "amount": "1 500,00",
            "method": "transfer",
            "received_on": date.today().isoformat(),
            "reference": "VIR 2026 123",
            f"allocate_{overdue.pk}": "1000",
            f"allocate_{later.pk}": "480,00",
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.of(world.org_a).latest("pk")
    html = _page(browser, response["Location"])
    assert "VIR 2026 123" in html
    assert "20,00" in html  # left as credit
    assert PaymentAllocation.objects.of(world.org_a).filter(payment=payment).count() == 2
    html = _page(browser, reverse("parties:party_detail", args=[client.pk]))
    assert "-20,00" in html or "−20,00" in html


def test_over_allocation_is_shown_on_the_form_and_nothing_is_recorded(world, ui_as, account):
    client, overdue, _later = account
    before = Payment.objects.of(world.org_a).count()
    response = ui_as("accountant").post(
        reverse("invoicing:payment_create", args=[client.pk]),
        {
            "amount": "2000",
            "method": "cheque",
            "received_on": date.today().isoformat(),
            f"allocate_{overdue.pk}": "1000,01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert overdue.number in html and "1\xa0000,01" in html and "form-errors" in html
    assert Payment.objects.of(world.org_a).count() == before


def test_sales_cannot_record_a_payment(ui_as, account):
    client, overdue, _later = account
    url = reverse("invoicing:payment_create", args=[client.pk])
    assert ui_as("sales").get(url).status_code == 403
    assert ui_as("sales").post(url, {"amount": "1", "method": "cash"}).status_code == 403


def test_credit_is_allocated_later_from_the_payment_page(world, ui_as, make_client, issued, pay):
    client = make_client()
    payment = pay(client, "100.00")
    invoice = issued(client, "60.00")
    browser = ui_as("accountant")
    html = _page(browser, reverse("invoicing:payment_detail", args=[payment.pk]))
    assert invoice.number in html and "delete-payment" in html
    response = browser.post(
        reverse("invoicing:payment_allocate", args=[payment.pk]),
        {"invoice": invoice.pk, "amount": "60"},
    )
    assert response.status_code == 302
    html = _page(browser, reverse("invoicing:payment_detail", args=[payment.pk]))
    assert "40,00" in html and "delete-payment" not in html


def test_the_payments_list_is_the_organisation_s(world, ui_as, account, make_client, pay):
    pay(make_client(world.org_b), "777.77")
    html = _page(ui_as("accountant"), reverse("invoicing:payment_list"))
    assert "250,00" in html and "777,77" not in html
    theirs = Payment.objects.of(world.org_b).get()
    assert (
        ui_as("accountant").get(reverse("invoicing:payment_detail", args=[theirs.pk])).status_code
        == 404
    )


def test_english(ui_as, account):
    client, _overdue, _later = account
    browser = ui_as("accountant")
    browser.cookies["django_language"] = "en"
    html = _page(browser, reverse("invoicing:client_account", args=[client.pk]))
    assert "Overdue" in html and "Client account" in html
