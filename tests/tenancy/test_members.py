"""Members and roles through the API and the UI, with the rules that keep an
organisation governable: owners alone grant the owner role, one owner remains."""

import pytest
from django.core import mail

from comptoir.accounts.models import User
from comptoir.audit.models import Action, AuditEvent
from comptoir.tenancy.models import Membership


def membership(world, role):
    return Membership.objects.of(world.org_a).get(user=world.member(role))


def test_owner_changes_a_role_and_it_is_journalled(world, api_as):
    target = membership(world, "sales")
    response = api_as("owner").patch(f"/api/members/{target.pk}", json={"role": "accountant"})
    assert response.status_code == 200
    assert response.json()["role"] == "accountant"
    event = AuditEvent.objects.filter(
        organisation_id=world.org_a.pk, action=Action.PERMISSION_CHANGE, object_id=str(target.pk)
    ).get()
    assert event.fields == ["role"]
    assert event.actor_user_id == world.member("owner").pk


def test_admin_cannot_grant_or_withdraw_owner(world, api_as):
    api = api_as("admin")
    sales = membership(world, "sales")
    assert api.patch(f"/api/members/{sales.pk}", json={"role": "owner"}).status_code == 403
    owner = membership(world, "owner")
    assert api.patch(f"/api/members/{owner.pk}", json={"role": "sales"}).status_code == 403
    assert api.delete(f"/api/members/{owner.pk}").status_code == 403
    assert membership(world, "owner").role == "owner"
    assert membership(world, "sales").role == "sales"


def test_the_last_owner_stays(world, api_as):
    api = api_as("owner")
    owner = membership(world, "owner")
    response = api.patch(f"/api/members/{owner.pk}", json={"role": "admin"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"
    assert api.delete(f"/api/members/{owner.pk}").status_code == 422
    assert membership(world, "owner").role == "owner"


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_other_roles_cannot_manage_members(world, api_as, role):
    target = membership(world, "sales" if role != "sales" else "support")
    api = api_as(role)
    assert api.patch(f"/api/members/{target.pk}", json={"role": "admin"}).status_code == 403
    assert api.delete(f"/api/members/{target.pk}").status_code == 403


def test_member_list_and_detail_are_audited_once_each(world, api_as):
    api = api_as("auditor")
    before = AuditEvent.objects.filter(organisation_id=world.org_a.pk).count()
    assert api.get("/api/members").status_code == 200
    target = membership(world, "sales")
    assert api.get(f"/api/members/{target.pk}").json()["email"] == world.member("sales").email
    events = AuditEvent.objects.filter(organisation_id=world.org_a.pk).order_by("seq")[before:]
    assert [(e.action, e.object_id) for e in events] == [
        (Action.LIST, ""),
        (Action.READ, str(target.pk)),
    ]


def test_admin_adds_a_member_in_the_ui(world, ui_as, django_capture_on_commit_callbacks):
    client = ui_as("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/members/", {"email": "nouvelle.recrue@example.test", "role": "sales"}
        )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.recrue@example.test")
    assert not user.has_usable_password()
    assert Membership.objects.of(world.org_a).get(user=user).role == "sales"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


def test_ui_form_errors_are_shown_per_field_and_change_nothing(world, ui_as):
    client = ui_as("admin")
    count = Membership.objects.of(world.org_a).count()
    response = client.post("/members/", {"email": "not-an-email", "role": "sales"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    response = client.post("/members/", {"email": world.member("sales").email, "role": "sales"})
    assert response.context["form"].non_field_errors() == ["Cette personne est déjà membre."]
    assert Membership.objects.of(world.org_a).count() == count


def test_ui_role_change_and_members_page_visibility(world, ui_as):
    target = membership(world, "support")
    client = ui_as("owner")
    response = client.post(f"/members/{target.pk}/", {f"m{target.pk}-role": "sales"})
    assert response.status_code == 302
    assert membership(world, "support").role == "sales"
    assert ui_as("sales").get("/members/").status_code == 403
    assert ui_as("auditor").get("/members/").status_code == 200


def test_ui_cannot_touch_a_member_of_another_organisation(world, ui_as):
    other = Membership.objects.of(world.org_b).get()
    response = ui_as("owner").post(f"/members/{other.pk}/", {f"m{other.pk}-role": "sales"})
    assert response.status_code == 404
    assert Membership.objects.of(world.org_b).get().role == "owner"


def test_switching_organisation(world, client):
    from comptoir.audit.services import Actor
    from comptoir.tenancy.services import membership_add

    user = world.member("sales")
    membership_add(actor=Actor.system(), organisation=world.org_b, user=user, role="support")
    client.force_login(user)
    for organisation in (world.org_a, world.org_b, world.org_a):
        response = client.post("/organisation/switch/", {"organisation": organisation.pk})
        assert response.status_code == 302
        page = client.get("/")
        assert page.context["organisation"] == organisation
        assert page.context["membership"].role == (
            "sales" if organisation == world.org_a else "support"
        )
    # an organisation the user is not in cannot be chosen
    client.force_login(world.outsider)
    assert client.post("/organisation/switch/", {"organisation": world.org_a.pk}).status_code == 404
    assert client.get("/").status_code == 403
