"""Every page and API GET showing people's data journals the people it showed:
a list names its page's rows, a party page its person, its contact persons
and the people of its timeline. A caller that forgets (or passes ``()``)
fails here; a new API GET fails ``test_every_api_get_is_classified`` until
it is tested here or said to show nobody."""

import re
from datetime import date
from decimal import Decimal

import pytest
from faker import Faker

from comptoir.audit.models import Action, AuditEvent, AuditEventSubject
from comptoir.audit.services import Actor
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.services.payments import payment_record
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.sales import services as sales
from tests.openapi import openapi_document

fr = Faker("fr_FR")


def _line():
    return {
        "name": fr.catch_phrase()[:60],
        "quantity": Decimal("2"),
        "unit_price": Decimal("50"),
        "vat_category": "S",
        "vat_rate": Decimal("20"),
    }


@pytest.fixture
def shown(world):
    """Organisation A: a company with two contact persons (one in the
    timeline), an individual client with a quote, an order, a draft invoice
    and an opportunity. Returns the objects and their subjects' ids."""
    actor = Actor.user(world.member("owner").pk)
    org = world.org_a
    company = parties.party_create(
        actor=actor, organisation=org, kind=PartyKind.COMPANY, company_name=fr.company()
    )
    p1 = parties.contact_person_create(
        actor=actor, party=company, family_name=fr.last_name(), email=fr.email()
    )
    p2 = parties.contact_person_create(actor=actor, party=company, family_name=fr.last_name())
    parties.interaction_record(
        actor=actor, party=company, contact_person=p1, kind="call", direction="inbound"
    )
    person = parties.party_create(
        actor=actor,
        organisation=org,
        kind=PartyKind.INDIVIDUAL,
        is_client=True,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
        email=fr.email(),
        billing_street=fr.street_address(),
        billing_postal_code=fr.postcode(),
        billing_city=fr.city(),
    )
    quote = sales.quote_create(actor=actor, organisation=org, party=person, lines=[_line()])
    order = sales.order_create(actor=actor, organisation=org, party=person, lines=[_line()])
    invoice = invoicing.invoice_create(actor=actor, organisation=org, party=person, lines=[_line()])
    opportunity = sales.opportunity_create(
        actor=actor, party=person, title=fr.bs()[:60], amount="900.00"
    )
    delivery = sales.delivery_from_order(actor=actor, order=order)
    issued = invoicing.invoice_issue(
        actor=actor,
        invoice=invoicing.invoice_create(
            actor=actor, organisation=org, party=person, lines=[_line()]
        ),
    )
    payment = payment_record(
        actor=actor,
        party=person,
        amount="1.00",
        method="cash",
        received_on=date.today(),
        reference="A-cash",
        allocations=[(issued, "1.00")],
    )
    return {
        "company": company,
        "p1": p1,
        "p2": p2,
        "person": person,
        "quote": quote,
        "order": order,
        "invoice": invoice,
        "opportunity": opportunity,
        "delivery": delivery,
        "issued": issued,
        "payment": payment,
        "ids": {
            "p1": p1.data_subject_id,
            "p2": p2.data_subject_id,
            "person": person.data_subject_id,
        },
    }


def _latest(world, action: str) -> AuditEvent:
    return (
        AuditEvent.objects.filter(organisation_id=world.org_a.pk, action=action)
        .order_by("-seq")
        .first()
    )


def _named(event: AuditEvent) -> set[int]:
    return set(AuditEventSubject.objects.filter(event=event).values_list("subject_id", flat=True))


# (url, action, the people the event must name)
PAGES = [
    ("/parties/", Action.LIST, {"person"}),
    ("/parties/contacts/", Action.LIST, {"p1", "p2"}),
    ("/parties/{company}/", Action.READ, {"p1", "p2"}),
    ("/parties/{person}/", Action.READ, {"person"}),
    ("/parties/{person}/edit/", Action.READ, {"person"}),
    ("/parties/contacts/{p2}/edit/", Action.READ, {"p2"}),
    ("/sales/quotes/", Action.LIST, {"person"}),
    ("/sales/quotes/{quote}/", Action.READ, {"person"}),
    ("/sales/orders/", Action.LIST, {"person"}),
    ("/sales/orders/{order}/", Action.READ, {"person"}),
    ("/sales/pipeline/", Action.LIST, {"person"}),
    ("/invoicing/invoices/", Action.LIST, {"person"}),
    ("/invoicing/invoices/{invoice}/", Action.READ, {"person"}),
    ("/", Action.LIST, {"p1"}),
]

API = [
    ("/api/parties", Action.LIST, {"person"}),
    ("/api/parties/{company}", Action.READ, {"p1", "p2"}),
    ("/api/parties/{person}", Action.READ, {"person"}),
    ("/api/parties/{company}/contact-persons", Action.LIST, {"p1", "p2"}),
    ("/api/parties/{company}/interactions", Action.LIST, {"p1"}),
    ("/api/contact-persons/{p1}", Action.READ, {"p1"}),
    ("/api/quotes", Action.LIST, {"person"}),
    ("/api/quotes/{quote}", Action.READ, {"person"}),
    ("/api/orders", Action.LIST, {"person"}),
    ("/api/orders/{order}", Action.READ, {"person"}),
    ("/api/invoices", Action.LIST, {"person"}),
    ("/api/invoices/{invoice}", Action.READ, {"person"}),
    ("/api/opportunities", Action.LIST, {"person"}),
    ("/api/opportunities/{opportunity}", Action.READ, {"person"}),
    ("/api/pipeline/board", Action.LIST, {"person"}),
    ("/api/quotes/{quote}/pdf", Action.READ, {"person"}),
    ("/api/orders/{order}/pdf", Action.READ, {"person"}),
    ("/api/deliveries", Action.LIST, {"person"}),
    ("/api/deliveries/{delivery}", Action.READ, {"person"}),
    ("/api/deliveries/{delivery}/pdf", Action.READ, {"person"}),
    ("/api/invoices/{issued}/facturx.pdf", Action.READ, {"person"}),
    ("/api/payments", Action.LIST, {"person"}),
    ("/api/payments/{payment}", Action.READ, {"person"}),
    ("/api/client-accounts/{person}", Action.READ, {"person"}),
    ("/api/data-subjects/{person_uuid}/trail", Action.READ, {"person"}),
    ("/api/data-subjects/{person_uuid}/recipients", Action.READ, {"person"}),
    ("/api/consents/subjects/{person_uuid}", Action.READ, {"person"}),
]


def _url(template: str, shown: dict) -> str:
    template = template.replace("{person_uuid}", str(shown["person"].data_subject.uuid))
    return re.sub(r"{(\w+)}", lambda m: str(shown[m.group(1)].pk), template)


def _check(world, get, shown, routes) -> list:
    """Each route's event, and the people it must name but does not."""
    wrong = []
    for url, action, people in routes:
        response = get(_url(url, shown))
        if response.status_code != 200:
            wrong.append((url, response.status_code))
            continue
        expected = {shown["ids"][name] for name in people}
        named = _named(_latest(world, action))
        if not expected <= named:
            wrong.append((url, sorted(expected - named)))
    return wrong


# One test per kind, the routes in a loop: the world is built once for all.
def test_each_page_names_the_people_it_shows(world, ui_as, shown):
    assert not _check(world, ui_as("owner").get, shown, PAGES)


def test_each_api_get_names_the_people_it_returns(world, api_as, shown):
    assert not _check(world, api_as("owner").get, shown, API)


def test_a_list_names_only_its_page(world, api_as, shown):
    """Cheap on lists: the people of the rows on the page, not of the whole list."""
    api = api_as("owner")
    api.get("/api/parties?limit=1&offset=0")
    first = _named(_latest(world, Action.LIST))
    api.get("/api/parties?limit=1&offset=1")
    second = _named(_latest(world, Action.LIST))
    # Two parties (a company, an individual): the individual is on one page only.
    assert (first, second) in (({shown["ids"]["person"]}, set()), (set(), {shown["ids"]["person"]}))


# API GET routes that show no data subject's data (or only the users'), with why.
NAMES_NOBODY = {
    "/api/organisation": "the organisation itself",
    "/api/members": "staff accounts, users not data subjects of the organisation",
    "/api/members/{member_id}": "a staff account",
    "/api/tokens": "the caller's API tokens",
    "/api/tokens/{token_id}": "an API token",
    "/api/audit/events": "ids and field names, never values",
    "/api/audit/events/{event_id}": "ids and field names, never values",
    "/api/pipeline/stages": "stage names",
    "/api/pipeline/stages/{stage_id}": "a stage",
    "/api/pipeline/funnel": "figures per stage",
    "/api/products": "the catalogue",
    "/api/products/{product_id}": "a product",
    "/api/sales-settings": "the organisation's settings",
    "/api/sales-settings/number-series": "numbering series",
    "/api/parties/by-name": "companies only, found by their name",
    # Not a person's, here: received e-invoices come from companies (the
    # routes pass ``subjects_of([bill])``, whose path is supplier__data_subject).
    # A French individual has no UBL (a 422, tests/invoicing/test_sending.py);
    # the route passes ``subjects_of([invoice])`` like facturx.pdf.
    "/api/invoices/{issued_id}/ubl.xml": "tested through facturx.pdf (same code path)",
    "/api/breaches": "breaches: facts encrypted under the organisation key, about no one person",
    "/api/breaches/{breach_id}": "a breach (see above)",
    "/api/privacy/register": "the register: field declarations and settings",
    "/api/privacy/register/export": "the register as a file",
    "/api/privacy/register/settings": "the register settings",
    "/api/privacy/register/recipients": "recipient categories (bodies, services)",
    "/api/privacy/register/recipients/{recipient_id}": "a recipient category",
    "/api/privacy/register/processors": "processors (companies)",
    "/api/privacy/register/processors/{processor_id}": "a processor (a company)",
    "/api/suppression": "keyed hashes only, never a value",
    "/api/suppression/{entry_id}": "a keyed hash",
    "/api/consents/wordings": "the wordings shown, no person",
    # A request names its matched persons (``subjects_of([request])``, a path
    # through its many-to-many): tests/privacy/requests/test_api.py holds it.
    "/api/rights-requests": "its matched persons, held in tests/privacy/requests",
    "/api/rights-requests/{rights_request_id}": "its matched persons (see above)",
    "/api/supplier-bills": "suppliers of received e-invoices (companies)",
    "/api/supplier-bills/{bill_id}": "a supplier's bill (a company's)",
    "/api/supplier-bills/{bill_id}/original": "a supplier's bill (a company's)",
}


def test_every_api_get_is_classified(client):
    """A new GET route is tested above (it shows people) or listed in NAMES_NOBODY."""
    spec = openapi_document()
    tested = {re.sub(r"{\w+}", "{}", url) for url, _a, _p in API}
    unclassified = []
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        normalised = re.sub(r"{\w+}", "{}", path)
        if normalised in tested or path in NAMES_NOBODY:
            continue
        unclassified.append(path)
    assert not unclassified, (
        "say which data subjects these GET routes show (test them here) or "
        f"list them in NAMES_NOBODY with a reason: {unclassified}"
    )
