"""Bank details (IBAN, BIC) of parties through the services and the exact search:
validated field by field, kept compact, journalled by name only, found by IBAN in
any spelling without decrypting, never another organisation's."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.parties import selectors, services
from comptoir.parties.models import Party, PartyKind
from comptoir.privacy import crypto
from tests.parties.conftest import counts

fr, be = Faker("fr_FR"), Faker("nl_BE")


def spaced_lower(iban: str) -> str:
    """The IBAN as people write it: in groups of four, lower case."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()


def wrong_check_digits(iban: str) -> str:
    """The same IBAN with other check digits (exactly one pair is right)."""
    return f"{iban[:2]}{(int(iban[2:4]) + 1) % 100:02d}{iban[4:]}"


def journal() -> str:
    return repr(list(AuditEvent.objects.values()))


def test_a_company_gets_bank_details_kept_compact_and_journalled_by_name(
    world, actor, make_company
):
    iban, bic = fr.iban(), fr.swift11()
    party = make_company(iban=spaced_lower(iban), bic=bic.lower())
    fresh = Party.objects.of(world.org_a).get(pk=party.pk)
    assert (fresh.iban, fresh.bic) == (iban, bic)
    assert fresh.iban_grouped == spaced_lower(iban).upper()
    created = AuditEvent.objects.get(action=Action.CREATE, object_id=str(party.pk))
    assert {"iban", "bic"} <= set(created.fields)
    assert iban not in journal() and bic not in journal() and iban[4:14] not in journal()


def test_an_individual_s_bank_details_are_set_and_changed_by_update(world, actor):
    person = services.party_create(
        actor=actor,
        organisation=world.org_b,
        kind=PartyKind.INDIVIDUAL,
        country="BE",
        family_name=be.last_name(),
    )
    iban, bic = be.iban(), be.swift8()
    services.party_update(actor=actor, party=person, iban=iban, bic=bic)
    fresh = Party.objects.of(world.org_b).get(pk=person.pk)
    assert (fresh.iban, fresh.bic) == (iban, bic)
    update = AuditEvent.objects.filter(action=Action.UPDATE).get(object_id=str(person.pk))
    assert update.fields == ["bic", "iban"]

    services.party_update(actor=actor, party=fresh, iban=spaced_lower(iban), bic=bic)
    assert AuditEvent.objects.filter(action=Action.UPDATE).count() == 1  # the same values
    services.party_update(actor=actor, party=fresh, iban="", bic="")
    fresh = Party.objects.of(world.org_b).get(pk=person.pk)
    assert (fresh.iban, fresh.bic, fresh.iban_index) == ("", "", None)


def bad_values() -> list:
    iban = fr.iban()
    return [
        pytest.param({"iban": wrong_check_digits(iban)}, "iban", id="iban-check-digits"),
        pytest.param({"iban": iban[:-1]}, "iban", id="iban-short"),
        pytest.param({"iban": "FR76 0000"}, "iban", id="iban-truncated"),
        pytest.param({"bic": fr.swift8()[:7]}, "bic", id="bic-7-characters"),
        pytest.param({"bic": "BNPAZZPP"}, "bic", id="bic-no-such-country"),
        pytest.param({"bic": "BNPA FR PP 000 1"}, "bic", id="bic-12-characters"),
    ]


@pytest.mark.parametrize(("fields", "field"), bad_values())
def test_a_bad_iban_or_bic_names_its_field_and_writes_nothing(
    world, actor, make_company, fields, field
):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_company(**fields)
    assert set(caught.value.message_dict) == {field}
    assert counts() == before

    party = make_company()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.party_update(actor=actor, party=party, company_name=fr.company(), **fields)
    assert set(caught.value.message_dict) == {field}
    assert fields[field] not in str(caught.value.message_dict)  # the value is never quoted
    assert counts() == before
    fresh = Party.objects.of(world.org_a).get(pk=party.pk)
    assert (fresh.company_name, fresh.iban, fresh.bic) == (party.company_name, "", "")


# Exact search --------------------------------------------------------------------
@pytest.fixture
def accounts(world, make_company):
    """The same IBAN on a company of org A and one of org B, another IBAN on a third."""
    iban = fr.iban()
    ours = make_company(world.org_a, iban=iban)
    theirs = make_company(world.org_b, iban=iban)
    make_company(world.org_a, iban=fr.iban())
    return iban, ours, theirs


@pytest.mark.parametrize("spelling", [str, str.lower, spaced_lower, lambda v: f"  {v}  "])
def test_a_party_is_found_by_its_iban_in_any_spelling(world, accounts, spelling):
    iban, ours, theirs = accounts
    found = selectors.party_search_exact(organisation=world.org_a, iban=spelling(iban))
    assert list(found) == [ours]
    assert list(selectors.party_search_exact(organisation=world.org_b, iban=iban)) == [theirs]


def test_the_iban_search_never_decrypts(world, accounts, monkeypatch):
    iban, ours, _theirs = accounts

    def refuse(*args, **kwargs):
        raise AssertionError("a search decrypted a value")

    monkeypatch.setattr(crypto, "open_sealed", refuse)
    with CaptureQueriesContext(connection) as queries:
        found = [
            party.pk for party in selectors.party_search_exact(organisation=world.org_a, iban=iban)
        ]
    assert found == [ours.pk]
    assert "iban_index" in " ".join(q["sql"] for q in queries.captured_queries)


def test_a_value_that_is_no_iban_finds_nothing(world, accounts):
    iban = accounts[0]
    for value in (wrong_check_digits(iban), "FR76", "not an iban"):
        assert not selectors.party_search_exact(organisation=world.org_a, iban=value).exists()
