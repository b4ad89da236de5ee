"""The sales and invoicing of a demo organisation, made through the services
as a person would: a catalogue; quotes sent, accepted and refused; orders
and their delivery notes; invoices issued (some paid, one overdue), a credit
note, a down payment and the final invoice that deducts it; and a supplier's
e-invoice received (a CII written by ``einvoice.cii`` for a generated
supplier, read back by ``bill_receive``).

Files (Factur-X PDF, UBL) are not made here: they are made from the frozen
snapshots at the first download, so a first ``make run`` stays quick.
"""

import dataclasses
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.core.documents import Party as PrintedParty
from comptoir.core.documents import Payment as PrintedPayment
from comptoir.invoicing import selectors as invoicing_selectors
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.einvoice import cii
from comptoir.invoicing.services.bills import bill_receive
from comptoir.invoicing.services.payments import payment_record
from comptoir.parties import selectors as party_selectors
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.sales import services as sales
from comptoir.tenancy.models import Organisation

DEMO_DOMAIN = "demo.comptoir.test"  # as ops.demo's

CATALOGUE = {
    # reference: (name, unit price, unit, service, French rate, Belgian rate)
    "TAB-01": ("Table de ferme en chêne", "640.00", "C62", False, "20", "21"),
    "BNC-02": ("Banc assorti", "185.00", "C62", False, "20", "21"),
    "ETG-03": ("Étagère murale", "92.50", "C62", False, "20", "21"),
    "MNT-10": ("Montage sur place", "55.00", "HUR", True, "20", "21"),
    "LIV-20": ("Livraison", "45.00", "C62", True, "20", "21"),
}


def _clients(actor: Actor, organisation: Organisation, count: int) -> list:
    """Company clients of the demo parties, given their VAT number."""
    from comptoir.ops.demo import fr_vat_from_siren

    companies = party_selectors.party_list(organisation=organisation, role="client").filter(
        kind=PartyKind.COMPANY
    )
    made = []
    for party in companies.order_by("pk")[:count]:
        vat = (
            f"BE{party.enterprise_number}"
            if party.enterprise_number
            else fr_vat_from_siren(party.siren)
        )
        made.append(parties.party_update(actor=actor, party=party, vat_number=vat))
    return made


def _line(product, quantity: str) -> dict:
    return {"product": product, "quantity": Decimal(quantity)}


def _issue(actor: Actor, invoice, day):
    invoice = invoicing.invoice_update(actor=actor, invoice=invoice, issue_date=day)
    return invoicing.invoice_issue(actor=actor, invoice=invoice)


def demo_sales(*, actor: Actor, organisation: Organisation, fake: Faker) -> None:
    today = timezone.localdate()
    country = organisation.country
    # The bank account the invoices give for transfers (BT-84).
    sales.sales_settings_update(
        actor=actor,
        organisation=organisation,
        iban=Faker("nl_BE" if country == "BE" else "fr_FR").iban(),
        email=f"factures@{DEMO_DOMAIN}",
    )
    products = {}
    for reference, (name, price, unit, service, fr_rate, be_rate) in CATALOGUE.items():
        products[reference] = sales.product_create(
            actor=actor,
            organisation=organisation,
            reference=reference,
            name=name,
            unit_price=Decimal(price),
            unit=unit,
            is_service=service,
            vat_category="S",
            vat_rate=Decimal(be_rate if country == "BE" else fr_rate),
        )
    first, second, third = _clients(actor, organisation, 3)
    table, bench, shelf = products["TAB-01"], products["BNC-02"], products["ETG-03"]
    fitting, carriage = products["MNT-10"], products["LIV-20"]

    # An invoice issued 75 days ago, due 45 days ago, unpaid: overdue.
    overdue = invoicing.invoice_create(
        actor=actor,
        organisation=organisation,
        party=third,
        due_date=today - timedelta(days=45),
        lines=[_line(shelf, "4"), _line(carriage, "1")],
    )
    overdue = _issue(actor, overdue, today - timedelta(days=75))

    # Quotes: one refused, one left sent, one accepted and carried through.
    refused = sales.quote_create(
        actor=actor, organisation=organisation, party=second, lines=[_line(table, "3")]
    )
    refused = sales.quote_send(actor=actor, quote=refused, issue_date=today - timedelta(days=60))
    sales.quote_refuse(actor=actor, quote=refused, on=today - timedelta(days=50))
    accepted = sales.quote_create(
        actor=actor,
        organisation=organisation,
        party=first,
        purchase_order=f"BC-{fake.random_int(1000, 9999)}",
        lines=[_line(table, "2"), _line(bench, "4"), _line(fitting, "3")],
    )
    accepted = sales.quote_send(actor=actor, quote=accepted, issue_date=today - timedelta(days=45))
    accepted = sales.quote_accept(actor=actor, quote=accepted, on=today - timedelta(days=42))
    order = sales.order_from_quote(actor=actor, quote=accepted)
    delivery = sales.delivery_from_order(actor=actor, order=order)
    delivery = sales.delivery_ship(
        actor=actor, delivery=delivery, delivered_on=today - timedelta(days=35)
    )
    delivered = invoicing.invoice_from_deliveries(actor=actor, deliveries=[delivery])
    delivered = _issue(actor, delivered, today - timedelta(days=34))
    pending = sales.quote_create(
        actor=actor, organisation=organisation, party=second, lines=[_line(shelf, "10")]
    )
    sales.quote_send(actor=actor, quote=pending, issue_date=today - timedelta(days=5))

    # Paid in full by transfer; a smaller invoice paid half, then credited in part.
    payment_record(
        actor=actor,
        party=first,
        amount=delivered.total_incl_vat,
        method="transfer",
        received_on=today - timedelta(days=20),
        reference=f"VIR-{fake.random_int(100000, 999999)}",
        allocations=[(delivered, delivered.total_incl_vat)],
    )
    small = invoicing.invoice_create(
        actor=actor,
        organisation=organisation,
        party=second,
        lines=[_line(bench, "2"), _line(carriage, "1")],
    )
    small = _issue(actor, small, today - timedelta(days=30))
    half = (small.total_incl_vat / 2).quantize(Decimal("0.01"))
    payment_record(
        actor=actor,
        party=second,
        amount=half,
        method="cheque",
        received_on=today - timedelta(days=15),
        reference=f"CHQ-{fake.random_int(1000000, 9999999)}",
        allocations=[(small, half)],
    )
    carriage_line = small.lines.get(product=carriage)
    note = invoicing.credit_note_create(
        actor=actor, invoice=small, lines={carriage_line.pk: Decimal("1")}
    )
    _issue(actor, note, today - timedelta(days=10))

    # A down payment of 30 % on an order, then the final invoice deducting it.
    direct = sales.order_create(
        actor=actor,
        organisation=organisation,
        party=third,
        lines=[_line(table, "1"), _line(bench, "2"), _line(fitting, "2")],
    )
    down = invoicing.down_payment_create(actor=actor, order=direct, percent=Decimal("30"))
    down = _issue(actor, down, today - timedelta(days=12))
    payment_record(
        actor=actor,
        party=third,
        amount=down.total_incl_vat,
        method="transfer",
        received_on=today - timedelta(days=8),
        allocations=[(down, down.total_incl_vat)],
    )
    final = invoicing.invoice_from_order(actor=actor, order=direct)
    _issue(actor, final, today)

    _supplier_invoice(actor, organisation, fake, delivered)


def _supplier_invoice(actor: Actor, organisation: Organisation, fake: Faker, sample) -> None:
    """An e-invoice of the demo's supplier to the organisation, received (its
    supplier found by its SIREN or enterprise number): the lines of one of the
    organisation's own invoices, sold to it by the supplier."""
    from comptoir.ops.demo import fr_vat_from_siren

    party = party_selectors.party_list(organisation=organisation, role="supplier").first()
    ours = invoicing_selectors.invoice_document(sample)
    if party.enterprise_number:
        number = party.enterprise_number
        ids = {"enterprise_number": number, "vat_number": f"BE{number}"}
        ids |= {"electronic_address": number, "electronic_scheme": "0208"}
    else:
        ids = {"siren": party.siren, "vat_number": fr_vat_from_siren(party.siren)}
        ids |= {"electronic_address": party.siren, "electronic_scheme": "0225"}
    supplier = PrintedParty(
        name=party.display_name,
        country=organisation.country,
        address=dataclasses.replace(
            ours.seller.address,
            street=party.billing_street,
            postal_code=party.billing_postal_code,
            city=party.billing_city,
        ),
        legal_form=ours.seller.legal_form,
        **ids,
    )
    document = dataclasses.replace(
        ours,
        number=f"FS-{ours.issue_date.year}-{fake.random_int(100, 999)}",
        seller=supplier,
        buyer=dataclasses.replace(ours.seller, email="", phone=""),
        payment=PrintedPayment(means="58", iban=fake.iban(), terms=ours.payment.terms),
        delivery_address=None,
        purchase_order="",
        preceding=(),
    )
    receipt = bill_receive(actor=actor, organisation=organisation, data=cii.build(document))
    if receipt.bill is None:
        raise RuntimeError("the demo's supplier was not found by its identifiers")
