"""No code path reads another organisation's rows.

Every API route that names an object is taken from the OpenAPI document
itself, so a route added later is covered without touching this test: an
owner of organisation A asks for each object of organisation B (with every
method the route has) and gets 404, and organisation B's rows stay as they
were."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from faker import Faker

from comptoir.accounts.models import ApiToken
from comptoir.audit.models import AuditEvent
from comptoir.audit.services import Actor
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.models import (
    Invoice,
    IssuedDocument,
    Payment,
    PaymentAllocation,
    SupplierBill,
)
from comptoir.invoicing.services.bills import bill_receive
from comptoir.invoicing.services.payments import payment_record
from comptoir.ops.demo import fake_be_enterprise_number
from comptoir.parties import services as parties
from comptoir.parties.models import ContactPerson, Interaction, Party, PartyKind
from comptoir.privacy.breaches import services as breaches
from comptoir.privacy.breaches.models import Breach, BreachUpdate
from comptoir.privacy.consent import services as consent
from comptoir.privacy.consent.models import ConsentEvent, ConsentWording
from comptoir.privacy.register import services as register
from comptoir.privacy.register.models import Processor, Recipient
from comptoir.privacy.requests.models import RightsRequest
from comptoir.privacy.requests.services import request_record
from comptoir.privacy.suppression.models import SuppressionEntry
from comptoir.privacy.suppression.services import suppression_add
from comptoir.sales import services as sales
from comptoir.sales.models import DeliveryNote, Opportunity, Order, PipelineStage, Product, Quote
from comptoir.tenancy.models import Membership
from tests.conftest import ApiClient, make_token
from tests.invoicing.receive.conftest import french_cii
from tests.openapi import openapi_document

be = Faker("nl_BE")

# The objects of organisation B that each path parameter can name.
OBJECTS_OF_B = {
    "member_id": lambda world: Membership.objects.of(world.org_b).get().pk,
    "token_id": lambda world: ApiToken.objects.of(world.org_b).first().pk,
    "event_id": lambda world: AuditEvent.objects.filter(organisation_id=world.org_b.pk).first().pk,
    "party_id": lambda world: Party.objects.of(world.org_b).order_by("pk").first().pk,
    "contact_person_id": lambda world: ContactPerson.objects.of(world.org_b).get().pk,
    "stage_id": lambda world: PipelineStage.objects.of(world.org_b).first().pk,
    "opportunity_id": lambda world: Opportunity.objects.of(world.org_b).get().pk,
    "product_id": lambda world: Product.objects.of(world.org_b).get().pk,
    "quote_id": lambda world: Quote.objects.of(world.org_b).get().pk,
    "order_id": lambda world: Order.objects.of(world.org_b).get().pk,
    "delivery_id": lambda world: DeliveryNote.objects.of(world.org_b).get().pk,
    "invoice_id": lambda world: Invoice.objects.of(world.org_b).filter(status="draft").get().pk,
    "issued_id": lambda world: Invoice.objects.of(world.org_b).filter(status="issued").get().pk,
    "payment_id": lambda world: Payment.objects.of(world.org_b).get().pk,
    "bill_id": lambda world: SupplierBill.objects.of(world.org_b).get().pk,
    "breach_id": lambda world: Breach.objects.of(world.org_b).get().pk,
    "recipient_id": lambda world: Recipient.objects.of(world.org_b).get().pk,
    "processor_id": lambda world: Processor.objects.of(world.org_b).get().pk,
    "rights_request_id": lambda world: RightsRequest.objects.of(world.org_b).get().pk,
    "entry_id": lambda world: SuppressionEntry.objects.of(world.org_b).get().pk,
    "subject_uuid": lambda world: ContactPerson.objects.of(world.org_b).get().data_subject.uuid,
}
BODIES = {"patch": {"role": "sales"}, "put": {}, "post": {}}
# Valid bodies where {} would be refused (422) before the object is looked up.
ROUTE_BODIES = {
    ("post", "/api/parties/{party_id}/contact-persons"): {"family_name": "Martin"},
    ("post", "/api/parties/{party_id}/interactions"): {"kind": "call", "direction": "inbound"},
    ("post", "/api/opportunities/{opportunity_id}/move"): {"stage_id": 1},
    ("post", "/api/quotes/{quote_id}/lines"): {"name": "Vis", "quantity": "1", "vat_rate": "20"},
    ("post", "/api/invoices/{invoice_id}/lines"): {
        "name": "Vis",
        "quantity": "1",
        "unit_price": "1",
        "vat_rate": "20",
    },
    ("post", "/api/invoices/down-payment/{order_id}"): {"percent": "30"},
    ("post", "/api/invoices/{issued_id}/send"): {"contact_person_id": 1},
    ("post", "/api/payments/{payment_id}/allocations"): {"invoice_id": 1, "amount": "1"},
    ("post", "/api/orders/{order_id}/deliveries"): {"lines": []},
    ("post", "/api/rights-requests/{rights_request_id}/extend"): {"months": 1, "reason": "x"},
    ("post", "/api/rights-requests/{rights_request_id}/identity-ask"): {"note": "x"},
    ("post", "/api/rights-requests/{rights_request_id}/answer"): {"answer": "x"},
    ("post", "/api/rights-requests/{rights_request_id}/refuse"): {"reasons": "x"},
    ("post", "/api/consents/subjects/{subject_uuid}/give"): {
        "purpose": "prospection_post",
        "channel": "phone",
        "wording_id": 1,
    },
    ("post", "/api/consents/subjects/{subject_uuid}/withdraw"): {
        "purpose": "prospection_post",
        "channel": "phone",
    },
    ("post", "/api/data-subjects/{subject_uuid}/recipients/notify"): {"change": "erasure"},
}


def object_routes() -> list[tuple[str, str, str]]:
    spec = openapi_document()
    routes = []
    for path, operations in spec["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        for method in operations:
            if params:
                routes.append((method, path, params[0]))
    return routes


@pytest.fixture
def owner_a_and_b_data(world):
    # organisation B has a token and journal events of its own
    make_token(world.owner_b, world.org_b)
    # and a company with a contact person, an interaction and an opportunity
    actor = Actor.user(world.owner_b.pk)
    company = parties.party_create(
        actor=actor,
        organisation=world.org_b,
        kind=PartyKind.COMPANY,
        country="BE",
        company_name=be.company(),
        enterprise_number=fake_be_enterprise_number(be),
    )
    person = parties.contact_person_create(
        actor=actor, party=company, family_name=be.last_name(), email=be.email()
    )
    parties.interaction_record(
        actor=actor, party=company, contact_person=person, kind="call", direction="inbound"
    )
    sales.opportunity_create(actor=actor, party=company, title=be.bs(), amount="1200.00")
    # and a consent on record
    shown = consent.consent_wording_create(
        actor=actor,
        organisation=world.org_b,
        purpose="prospection_post",
        language="nl",
        text=be.text(),
    )
    consent.consent_give(
        actor=actor,
        subject=person.data_subject,
        purpose="prospection_post",
        channel="paper",
        wording=shown,
    )
    _documents_of_b(world, actor, company)
    _breach_of_b(world, actor)
    register.recipient_create(
        actor=actor, organisation=world.org_b, kind="external", name="Bedrijfsrevisor"
    )
    register.processor_create(
        actor=actor, organisation=world.org_b, name="Hosting NV", service="Hosting", country="BE"
    )
    request_record(actor=actor, organisation=world.org_b, kind="access", email=be.email())
    suppression_add(organisation=world.org_b, actor=actor, kind="email", value=be.email())
    owner_a = ApiClient(make_token(world.member("owner"), world.org_a))
    return owner_a


def test_every_object_route_is_known(world, owner_a_and_b_data):
    params = {param for _m, _p, param in object_routes()}
    assert params, "the OpenAPI document lists no object route"
    assert params <= set(OBJECTS_OF_B), f"add the new parameters to OBJECTS_OF_B: {params}"


def test_owner_of_a_gets_404_for_every_object_of_b(world, owner_a_and_b_data):
    api = owner_a_and_b_data
    routes = object_routes()
    before = {
        "memberships": list(Membership.objects.of(world.org_b).values()),
        "tokens": list(ApiToken.objects.of(world.org_b).values()),
        "events": AuditEvent.objects.filter(organisation_id=world.org_b.pk).count(),
        **parties_of_b(world),
    }
    checked = []
    for method, path, param in routes:
        object_id = OBJECTS_OF_B[param](world)
        url = "/api" + path.removeprefix("/api").replace("{" + param + "}", str(object_id))
        body = ROUTE_BODIES.get((method, path), BODIES.get(method))
        response = api.request(method.upper(), url, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json() == {"detail": "Not found.", "errors": []}
        checked.append((method, path))
    assert len(checked) == len(routes) >= 19
    after = {
        "memberships": list(Membership.objects.of(world.org_b).values()),
        "tokens": list(ApiToken.objects.of(world.org_b).values()),
        "events": AuditEvent.objects.filter(organisation_id=world.org_b.pk).count(),
        **parties_of_b(world),
    }
    assert after == before


def _documents_of_b(world, actor, company) -> None:
    """A product, a quote, an order and its delivery note, a draft and an issued
    invoice, a payment and a received supplier bill, all of organisation B."""
    product = sales.product_create(
        actor=actor,
        organisation=world.org_b,
        reference="B-1",
        name="Vis",
        unit_price="2",
        vat_rate="21",
    )
    lines = [{"product": product, "quantity": "3"}]
    quote = sales.quote_create(actor=actor, organisation=world.org_b, party=company, lines=lines)
    order = sales.order_create(actor=actor, organisation=world.org_b, party=company, lines=lines)
    sales.delivery_from_order(actor=actor, order=order)
    assert quote.pk
    invoicing.invoice_create(actor=actor, organisation=world.org_b, party=company, lines=lines)
    issued = invoicing.invoice_issue(
        actor=actor,
        invoice=invoicing.invoice_create(
            actor=actor, organisation=world.org_b, party=company, lines=lines
        ),
    )
    payment_record(
        actor=actor,
        party=company,
        amount="1.00",
        method="cash",
        received_on=date.today(),
        reference="B-cash",
        allocations=[(issued, "1.00")],
    )
    bill_receive(actor=actor, organisation=world.org_b, data=french_cii(), create_supplier=True)


def _breach_of_b(world, actor) -> None:
    """A personal data breach in organisation B's register."""
    now = timezone.now()
    breaches.breach_record(
        actor=actor,
        organisation=world.org_b,
        occurred_from=now - timedelta(days=1),
        aware_at=now - timedelta(hours=3),
        description=be.sentence(),
        people_count=12,
    )


def parties_of_b(world) -> dict:
    """Organisation B's rows, as stored (encrypted values stay sealed bytes)."""
    models = (
        Party,
        ContactPerson,
        Interaction,
        PipelineStage,
        Opportunity,
        Product,
        Quote,
        Order,
        DeliveryNote,
        Invoice,
        IssuedDocument,
        Payment,
        PaymentAllocation,
        SupplierBill,
        Breach,
        BreachUpdate,
        Recipient,
        Processor,
        RightsRequest,
        SuppressionEntry,
        ConsentWording,
        ConsentEvent,
    )
    return {
        model.__name__: list(model.objects.of(world.org_b).order_by("pk").values_list())
        for model in models
    }


def test_lists_show_only_own_organisation(world, api_as):
    api = api_as("owner")
    emails = {m["email"] for m in api.get("/api/members").json()["items"]}
    assert emails == {u.email for u in world.members.values()}
    events = api.get("/api/audit/events?limit=200").json()["items"]
    assert events and all(e["id"] for e in events)
    assert not AuditEvent.objects.filter(
        pk__in=[e["id"] for e in events], organisation_id=world.org_b.pk
    ).exists()


def test_unscoped_query_fails_loudly(db):
    from comptoir.tenancy.scope import MissingOrganisationScope

    with pytest.raises(MissingOrganisationScope):
        list(Membership.objects.all())
    with pytest.raises(MissingOrganisationScope):
        Membership.objects.create(role="sales")
