"""Finding parties: lists with filters, exact search without decrypting, prefix search;
never another organisation's."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from comptoir.ops.demo import fake_siren
from comptoir.parties import selectors, services
from comptoir.parties.importing import services as import_services
from comptoir.parties.models import Origin, Party, PartyKind
from comptoir.privacy import crypto
from comptoir.sales import selectors as sales_selectors
from comptoir.sales import services as sales_services
from comptoir.tenancy.models import Membership

fr = Faker("fr_FR")


@pytest.fixture
def twins(world, make_company, make_contact):
    """The same person (same email and phone) at a company of org A and one of org B."""
    a = make_company(world.org_a, company_name="Atelier Durand")
    b = make_company(world.org_b, company_name="Atelier Durand BV")
    for company in (a, b):
        make_contact(
            company,
            family_name="Dupont",
            email="jean.dupont@example.fr",
            mobile="+33 6 12 34 56 78",
        )
    return a, b


def test_org_a_never_sees_org_b_s_parties(world, twins):
    a, b = twins
    for organisation, own in ((world.org_a, a), (world.org_b, b)):
        assert list(selectors.party_list(organisation=organisation)) == [own]
        found = selectors.party_search_exact(
            organisation=organisation, email="jean.dupont@example.fr"
        )
        assert list(found) == [own]
        assert list(selectors.party_search_prefix(organisation=organisation, prefix="atelier")) == [
            own
        ]
    with pytest.raises(Party.DoesNotExist):
        selectors.party_get(organisation=world.org_a, party_id=b.pk)
    with pytest.raises(Party.DoesNotExist):
        selectors.party_detail(organisation=world.org_a, party_id=b.pk)


@pytest.mark.parametrize(
    "query",
    [
        {"email": "Jean.Dupont@Example.FR"},
        {"phone": "06 12 34 56 78"},
        {"phone": "+33612345678"},
        {"phone": "0033 6 12 34 56 78"},
    ],
)
def test_exact_search_by_email_or_phone_in_any_spelling(world, twins, query):
    assert list(selectors.party_search_exact(organisation=world.org_a, **query)) == [twins[0]]


def test_exact_search_never_decrypts(world, twins, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a search decrypted a value")

    monkeypatch.setattr(crypto, "open_sealed", refuse)
    with CaptureQueriesContext(connection) as queries:
        found = list(
            selectors.party_search_exact(organisation=world.org_a, email="jean.dupont@example.fr")
        )
    assert [p.company_name for p in found] == ["Atelier Durand"]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "email_index" in sql and "LIKE" not in sql.upper()


def test_an_individual_is_found_by_its_own_email_and_phone(world, actor):
    person = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name="Lefebvre",
        email="c.lefebvre@example.test",
        phone="01 45 67 89 10",
    )
    assert list(
        selectors.party_search_exact(organisation=world.org_a, email="C.Lefebvre@example.TEST")
    ) == [person]
    assert list(selectors.party_search_exact(organisation=world.org_a, phone="+33145678910")) == [
        person
    ]
    assert list(selectors.party_duplicates(organisation=world.org_a, phone="0145678910")) == [
        person
    ]


def test_exact_search_by_siren_siret_or_enterprise_number(world, make_company):
    siren = fake_siren(fr)
    company = make_company(siren=siren)
    make_company()
    spaced = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    assert list(selectors.party_search_exact(organisation=world.org_a, siren=spaced)) == [company]
    assert list(selectors.party_search_exact(organisation=world.org_a, siren=siren + "00017")) == [
        company
    ]
    belgian = make_company(world.org_b, enterprise_number="0403.170.701")
    found = selectors.party_search_exact(organisation=world.org_b, enterprise_number="BE0403170701")
    assert list(found) == [belgian]


def test_a_search_with_nothing_searchable_finds_nothing(world, twins):
    assert not selectors.party_search_exact(organisation=world.org_a).exists()
    assert not selectors.party_search_exact(organisation=world.org_a, email="not an email").exists()
    assert not selectors.party_search_prefix(organisation=world.org_a, prefix="  ").exists()


def test_prefix_search_ignores_case_and_accents(world, make_company):
    make_company(company_name="Électricité Martin")
    make_company(company_name="Électronique Perrin")
    make_company(company_name="Boulangerie Martin")
    names = lambda prefix: [  # noqa: E731
        p.company_name
        for p in selectors.party_search_prefix(organisation=world.org_a, prefix=prefix)
    ]
    assert names("elec") == ["Électricité Martin", "Électronique Perrin"]
    assert names("ÉLECTRICITÉ") == ["Électricité Martin"]
    assert names("Martin") == []  # a prefix, not a substring


def test_prefix_search_holds_exactly_the_names_starting_with_it(world, make_company):
    for name in ("Atelie", "Atelier", "Ateliers Réunis", "Atelieq", "Ateliez", "Atelier€"):
        make_company(company_name=name)
    found = selectors.party_search_prefix(organisation=world.org_a, prefix="atelier")
    assert sorted(p.company_name for p in found) == ["Atelier", "Ateliers Réunis", "Atelier€"]


def test_a_company_with_the_same_siren_is_a_duplicate(world, make_company, actor):
    siren = fake_siren(fr)
    original = make_company(siren=siren)
    with pytest.raises(ValidationError) as caught:
        make_company(siren=f"{siren[:3]} {siren[3:6]} {siren[6:]}")
    assert "siren" in caught.value.message_dict
    assert list(selectors.party_duplicates(organisation=world.org_a, siren=siren)) == [original]
    assert make_company(siren=siren, allow_duplicate=True).siren == siren
    elsewhere = services.party_create(  # the same company, as another tenant's client
        actor=actor, organisation=world.org_b, kind=PartyKind.COMPANY, company_name="X", siren=siren
    )
    assert elsewhere.siren == siren


def test_party_list_filters_by_role_origin_sales_rep_and_kind(world, make_company, actor):
    rep = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    client = make_company(company_name="A client", is_client=True, origin=Origin.PARTNER)
    supplier = make_company(
        company_name="B supplier", is_prospect=False, is_supplier=True, sales_rep=rep
    )
    prospect = make_company(company_name="C prospect", origin=Origin.WEBSITE_FORM)
    individual = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.INDIVIDUAL, family_name="Roux"
    )
    listed = lambda **filters: list(selectors.party_list(organisation=world.org_a, **filters))  # noqa: E731
    assert listed(role="client") == [client]
    assert listed(role="supplier") == [supplier]
    assert listed(role="prospect") == [individual, client, prospect]  # ordered by name key, then id
    assert listed(origin=Origin.WEBSITE_FORM) == [prospect]
    assert listed(sales_rep=rep) == [supplier]
    assert listed(kind=PartyKind.INDIVIDUAL) == [individual]
    assert selectors.party_list(organisation=world.org_a).ordered


# What the database does with the searches ----------------------------------------
# SQLite keeps no statistics until ANALYZE, which nothing runs: its planner then
# picks an index from the query's shape alone, and an ORDER BY or a LIKE can
# make it prefer the organisation's index (every row of the tenant) over the
# blind index. Each search must say "SEARCH ... USING ... INDEX" on the
# searched column, never walk the organisation.
SEARCHES = {
    "party by email": lambda org: selectors.party_search_exact(
        organisation=org, email="jean.dupont@example.fr"
    ),
    "party by phone": lambda org: selectors.party_search_exact(
        organisation=org, phone="06 12 34 56 78"
    ),
    "party by siren": lambda org: selectors.party_search_exact(
        organisation=org, siren="732 829 320"
    ),
    "party by iban": lambda org: selectors.party_search_exact(organisation=org, iban=fr.iban()),
    "party by name prefix": lambda org: selectors.party_search_prefix(
        organisation=org, prefix="ateli"
    ),
    "party duplicates": lambda org: selectors.party_duplicates(
        organisation=org, siren="732829320", email="jean.dupont@example.fr"
    ),
    "contact person by email or phone": lambda org: selectors.contact_person_search(
        organisation=org, email="jean.dupont@example.fr", phone="0612345678"
    ),
    # A whole family name, three letters (the prefix index alone), and a longer
    # beginning (the prefix index, then the candidates read by primary key).
    "contact person by family name": lambda org: selectors.contact_person_search_name(
        organisation=org, name="Dupont"
    ),
    "contact person by 3-letter name prefix": lambda org: selectors.contact_person_search_name(
        organisation=org, name="dup"
    ),
    "contact person by longer name prefix": lambda org: selectors.contact_person_search_name(
        organisation=org, name="Dupo"
    ),
    "individual by family name prefix": lambda org: selectors.party_search_name(
        organisation=org, name="Dupo"
    ),
}


def _import_crowd(organisation, rows: int) -> None:
    """``rows`` generated companies with a contact person each, through the importer."""
    lines = ["Raison sociale;SIREN;Nom;Courriel;Téléphone"]
    for n in range(rows):
        lines.append(
            f"{fr.company()} {n};{fake_siren(fr)};{fr.last_name()};crowd{n}@example.test;01{n:08d}"
        )
    job = import_services.import_job_create(
        organisation=organisation, data="\n".join(lines).encode()
    )
    import_services.import_job_run(job_id=job.pk)


def _plans_of_queries(run) -> list[str]:
    """The database's plan of every query on parties or contact persons that ``run`` makes."""
    with CaptureQueriesContext(connection) as captured:
        list(run())
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and ("parties_party" in sql or "parties_contactperson" in sql):
            with connection.cursor() as cursor:
                cursor.execute(explain + sql)
                plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize("search", sorted(SEARCHES))
def test_searches_use_their_column_index_not_the_organisation(world, twins, search):
    if connection.vendor == "postgresql":
        # PostgreSQL plans from the statistics it gathers: give it a tenant of a
        # few hundred rows, measured, and forbid whole-table reads.
        _import_crowd(world.org_a, 400)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE parties_party")
            cursor.execute("ANALYZE parties_contactperson")
            cursor.execute("SET LOCAL enable_seqscan = off")
    plans = _plans_of_queries(lambda: SEARCHES[search](world.org_a))
    assert plans
    only_the_tenant = re.compile(r"Index Cond: \(organisation_id = \d+\)$")
    for plan in plans:
        for line in plan.splitlines():
            if connection.vendor == "sqlite":
                if "parties_party" in line or "parties_contactperson" in line:
                    assert "organisation_id=?)" not in line, plan  # the tenant, row by row
                    assert "SCAN" not in line, plan
            else:
                assert "Seq Scan on parties_" not in line, plan
                assert not only_the_tenant.search(line.strip()), plan


# Lists decrypt names without a query per row ------------------------------------------
def _individual(world, actor):
    return services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fr.last_name(),
    )


def _listing(name, world, actor, company, make_contact):
    """(add one row, read the list as a page shows it) for each list of the app."""
    org = world.org_a
    if name == "parties":
        return (
            lambda: _individual(world, actor),
            lambda: [p.display_name for p in selectors.party_list(organisation=org)],
        )
    if name == "contact persons":
        return (
            lambda: make_contact(company),
            lambda: [
                p.display_name
                for p in selectors.contact_person_list(organisation=org, party=company)
            ],
        )
    if name == "timeline":
        return (
            lambda: services.interaction_record(
                actor=actor,
                party=company,
                kind="call",
                direction="inbound",
                contact_person=make_contact(company),
                note=fr.sentence(),
            ),
            lambda: [
                (i.contact_person.display_name, i.note)
                for i in selectors.party_timeline(organisation=org, party=company)
            ],
        )
    return (
        lambda: sales_services.opportunity_create(
            actor=actor, party=_individual(world, actor), title=fr.word(), amount="10.00"
        ),
        lambda: [o.party.display_name for o in sales_selectors.opportunity_list(organisation=org)],
    )


@pytest.mark.parametrize("name", ["parties", "contact persons", "timeline", "opportunities"])
def test_lists_decrypt_without_a_query_per_row(world, actor, make_company, make_contact, name):
    add, show = _listing(name, world, actor, make_company(), make_contact)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            show()
        return len(captured)

    for _ in range(2):
        add()
    show()  # the organisation's keys, unwrapped once per process
    few = queries()
    for _ in range(5):
        add()
    assert queries() == few
