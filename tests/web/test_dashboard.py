"""The home page as a dashboard: parties by role, the open pipeline and one's own
opportunities, the latest interactions; each part only for the roles that may
see it (support sees no amount), one journal event when it names parties, and
a number of queries that does not grow with the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.privacy import keys
from comptoir.sales import services as sales_services
from comptoir.sales.models import PipelineStage
from comptoir.tenancy.models import Membership
from comptoir.tenancy.roles import MATRIX, Permission, Role, has_permission
from tests.conftest import ROLES

fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _fresh_key_caches():
    keys.clear_caches()
    yield
    keys.clear_caches()


def company(world, organisation=None, **fields):
    organisation = organisation or world.org_a
    fields.setdefault("company_name", f"{fr.company()} {fr.random_int(100, 999)}")
    fields.setdefault("siren", fake_siren(fr))
    return services.party_create(
        actor=Actor.system(), organisation=organisation, kind=PartyKind.COMPANY, **fields
    )


def individual(world, **fields):
    fields.setdefault("given_names", fr.first_name())
    fields.setdefault("family_name", f"{fr.last_name()}{fr.random_int(10, 99)}")
    return services.party_create(
        actor=Actor.system(), organisation=world.org_a, kind=PartyKind.INDIVIDUAL, **fields
    )


def membership(world, role: str) -> Membership:
    return Membership.objects.of(world.org_a).get(user=world.member(role))


@pytest.fixture
def desk(world):
    """Organisation A: 3 prospects (one an individual), 2 clients (one also a
    supplier), 1 supplier only; two open opportunities (one the sales rep's)
    and a won one; three interactions. Organisation B has its own, never counted."""
    system = Actor.system()
    person = individual(world)
    prospects = [company(world), company(world), person]
    client = company(world, is_prospect=False, is_client=True)
    both = company(world, is_prospect=False, is_client=True, is_supplier=True)
    company(world, is_prospect=False, is_supplier=True)
    sales = membership(world, "sales")
    mine = sales_services.opportunity_create(
        actor=system,
        party=person,
        title=f"Contrat {fr.word()} {fr.random_int(100, 999)}",
        amount="1000.00",
        probability=50,
        owner=sales,
    )
    other = sales_services.opportunity_create(
        actor=system,
        party=client,
        title=f"Renouvellement {fr.word()} {fr.random_int(100, 999)}",
        amount="333.33",
        probability=10,
    )
    won = PipelineStage.objects.of(world.org_a).get(is_won=True)
    sales_services.opportunity_create(
        actor=system, party=both, title="Signé", amount="5000.00", stage=won, owner=sales
    )
    now = timezone.now()
    for minutes, party in ((30, prospects[0]), (20, client), (10, person)):
        services.interaction_record(
            actor=system,
            party=party,
            kind="call",
            direction="inbound",
            occurred_at=now - timedelta(minutes=minutes),
        )
    # Another organisation's figures never show.
    foreign = company(world, organisation=world.org_b, is_client=True)
    sales_services.opportunity_create(
        actor=system, party=foreign, title="Ailleurs", amount="777.00"
    )
    services.interaction_record(actor=system, party=foreign, kind="call", direction="inbound")
    return {"person": person, "client": client, "first": prospects[0], "mine": mine, "other": other}


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_figures_follow_the_role(ui_as, world, desk, role):
    page = ui_as(role).get("/")
    assert page.status_code == 200
    board = page.context["dashboard"]
    html = page.content.decode()

    # Parties by role, each linking to the list filtered on it (every role sees parties).
    counts = {row.role: row.count for row in board.parties}
    assert counts == {"prospect": 3, "client": 2, "supplier": 2}
    for value in counts:
        assert f'href="/parties/?role={value}"' in html

    # The open pipeline: the won opportunity and organisation B's are left out.
    if has_permission(role, Permission.SALES_VIEW):
        assert board.pipeline.count == 2
        assert board.pipeline.total == Decimal("1333.33")
        assert board.pipeline.weighted == Decimal("533.33")  # 500.00 + 33.33
        assert "533,33" in html
    else:  # support: no amount, no opportunity at all
        assert board.pipeline is None
        assert board.my_opportunities is None
        for amount in ("1333,33", "1 333,33", "1\xa0333,33", "533,33", "1000,00", "333,33"):
            assert amount not in html
        assert desk["mine"].title not in html
        assert 'id="dashboard-pipeline"' not in html

    # One's own open opportunities, for those who work them.
    if has_permission(role, Permission.SALES_MANAGE):
        expected = [desk["mine"]] if role == Role.SALES else []
        assert board.my_opportunities == expected
    else:
        assert board.my_opportunities is None


def test_sales_sees_their_opportunities_and_the_latest_interactions_by_name(ui_as, world, desk):
    page = ui_as("sales").get("/", headers={"Accept-Language": "fr"})
    html = page.content.decode()
    board = page.context["dashboard"]

    assert desk["mine"].title in html
    assert desk["other"].title not in html  # nobody's: not theirs
    # The latest first; the individual's name decrypted for a role that may see contacts.
    parties = [interaction.party_id for interaction in board.recent]
    assert parties == [desk["person"].pk, desk["client"].pk, desk["first"].pk]
    assert desk["person"].display_name in html
    assert f'href="/parties/{desk["person"].pk}/"' in html
    assert "Activité récente" in html
    assert "Prospects" in html and "Fournisseurs" in html


def test_dashboard_naming_parties_is_journalled_once(ui_as, world, desk):
    sales = ui_as("sales")
    before = AuditEvent.objects.filter(action=Action.LIST, object_type="parties.party").count()
    sales.get("/")
    events = AuditEvent.objects.filter(action=Action.LIST, object_type="parties.party")
    assert events.count() == before + 1
    assert events.order_by("-pk").first().actor_user_id == world.member("sales").pk


def test_an_empty_organisation_shows_zeroes_and_journals_nothing(ui_as, world):
    page = ui_as("sales").get("/")
    board = page.context["dashboard"]
    assert [row.count for row in board.parties] == [0, 0, 0]
    assert board.pipeline.count == 0 and board.pipeline.weighted == Decimal("0.00")
    assert board.recent == [] and board.my_opportunities == []
    assert not AuditEvent.objects.filter(action=Action.LIST, object_type="parties.party").exists()


def _home_queries(client) -> int:
    keys.clear_caches()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_dashboard_queries_do_not_grow_with_the_data(
    transactional_db, ui_as, world, desk, django_assert_max_num_queries
):
    # Committed data (transactional_db): an organisation key is cached once
    # committed, as in production; one created in a test's open transaction
    # would be read again for every person's key.
    sales = ui_as("sales")
    baseline = _home_queries(sales)

    # Many more individuals (each with their own key), interactions and opportunities.
    owner = membership(world, "sales")
    for _ in range(12):
        person = individual(world)
        services.interaction_record(
            actor=Actor.system(), party=person, kind="email", direction="outbound"
        )
        sales_services.opportunity_create(
            actor=Actor.system(), party=person, title="Offre", amount="10.00", owner=owner
        )
    keys.clear_caches()
    with django_assert_max_num_queries(baseline):
        page = sales.get("/")
    assert len(page.context["dashboard"].recent) == 8
    assert len(page.context["dashboard"].my_opportunities) == 5
    html = page.content.decode()
    for interaction in page.context["dashboard"].recent:
        assert interaction.party.display_name in html


def test_a_role_without_contacts_sees_no_party_named(ui_as, world, desk, monkeypatch):
    # No role lacks CONTACTS_VIEW today; the dashboard follows the matrix if one does.
    without_support = frozenset(MATRIX[Permission.CONTACTS_VIEW] - {Role.SUPPORT})
    monkeypatch.setitem(MATRIX, Permission.CONTACTS_VIEW, without_support)
    before = AuditEvent.objects.filter(action=Action.LIST, object_type="parties.party").count()
    page = ui_as("support").get("/")
    assert page.status_code == 200
    board = page.context["dashboard"]
    assert board.parties is None and board.recent is None
    html = page.content.decode()
    assert desk["person"].display_name not in html
    assert desk["client"].company_name not in html
    assert 'id="dashboard-recent"' not in html
    assert (
        AuditEvent.objects.filter(action=Action.LIST, object_type="parties.party").count() == before
    )
