"""People are shown by their display name: members page, audit journal, the
party's sales rep, the top bar; set at creation, at invitation and by the user."""

import html

import pytest
from django.test import Client
from faker import Faker

from comptoir.accounts.models import User
from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services as party_services
from comptoir.parties.models import PartyKind
from comptoir.tenancy.models import Membership

fr = Faker("fr_FR")


def named(user: User, name: str) -> User:
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_members_page_shows_names_and_the_email_of_the_unnamed(world, ui_as):
    sales = named(world.member("sales"), "Léonie Dubois-Lefèvre")
    page = text(ui_as("owner").get("/members/"))
    assert "Léonie Dubois-Lefèvre" in page
    assert world.member("auditor").email in page  # no display name: the email stands in
    assert sales.email in page  # shown beside the name, to tell namesakes apart


def test_adding_a_member_names_the_new_account_and_finds_an_existing_one(world, ui_as):
    owner_client = ui_as("owner")
    response = owner_client.post(
        "/members/",
        {"display_name": "Hugo Marchand", "email": "Hugo.Marchand@Exemple.test", "role": "sales"},
    )
    assert response.status_code == 302
    created = User.objects.get(email="hugo.marchand@exemple.test")
    assert created.display_name == "Hugo Marchand"

    existing = named(world.owner_b, "Anneke Peeters")
    users_before = User.objects.count()
    response = owner_client.post(
        "/members/",
        {"display_name": "", "email": existing.email.upper(), "role": "support"},
    )
    assert response.status_code == 302
    assert User.objects.count() == users_before  # found through the blind index
    assert Membership.objects.of(world.org_a).filter(user=existing, role="support").exists()
    assert User.objects.get(pk=existing.pk).display_name == "Anneke Peeters"


def test_the_audit_journal_names_who_acted(world, ui_as):
    owner = named(world.member("owner"), "Camille Rousseau")
    client = ui_as("owner")
    client.post("/members/", {"email": "nouvelle@exemple.test", "role": "support"})
    page = text(client.get("/audit/"))
    assert "Camille Rousseau" in page
    assert f"#{owner.pk}</td>" not in page


def test_the_sales_rep_and_who_recorded_an_exchange_are_shown_by_name(world, ui_as):
    sales = named(world.member("sales"), "Mathéo Fontaine")
    rep = Membership.objects.of(world.org_a).get(user=sales)
    party = party_services.party_create(
        actor=Actor.user(sales.pk),
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
        sales_rep=rep,
    )
    party_services.interaction_record(
        actor=Actor.user(sales.pk), party=party, kind="call", direction="inbound", recorded_by=rep
    )
    client = ui_as("sales")
    detail = text(client.get(f"/parties/{party.pk}/"))
    assert "Enregistré par Mathéo Fontaine" in detail
    assert "<dd>Mathéo Fontaine</dd>" in detail  # the sales rep
    assert sales.email not in detail
    assert "Mathéo Fontaine" in text(client.get("/parties/"))


def test_a_person_sets_their_own_name_and_sees_it_in_the_top_bar(world, ui_as):
    client = ui_as("sales")
    user = world.member("sales")
    assert user.email in text(client.get("/"))  # unnamed: the email in the top bar
    response = client.post("/profile/", {"display_name": "  Inès Bonnet  "})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).display_name == "Inès Bonnet"
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_type="accounts.User").get()
    assert event.fields == ["display_name"] and event.actor_user_id == user.pk
    assert 'id="signed-in-as"' in text(client.get("/")) and "Inès Bonnet" in text(client.get("/"))


def test_a_name_too_long_is_a_form_error_and_changes_nothing(world, ui_as):
    client = ui_as("sales")
    response = client.post("/profile/", {"display_name": "x" * 151})
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    assert User.objects.get(pk=world.member("sales").pk).display_name == ""


@pytest.mark.parametrize("bad", ["Nom\x00nul", "Nom\x07cloche"])
def test_a_name_with_control_characters_is_refused(world, ui_as, bad):
    response = ui_as("sales").post("/profile/", {"display_name": bad})
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    assert User.objects.get(pk=world.member("sales").pk).display_name == ""


def test_signed_out_visitors_cannot_reach_the_profile(db):
    response = Client().get("/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
