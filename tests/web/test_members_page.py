"""The members page: adding asks for a role (none preselected), removing asks
for confirmation, without JavaScript."""

import re

from comptoir.accounts.models import User
from comptoir.tenancy.models import Membership


def membership(world, role):
    return Membership.objects.of(world.org_a).get(user=world.member(role))


def test_the_add_member_form_preselects_no_role(world, ui_as):
    page = ui_as("owner").get("/members/")
    html = page.content.decode()
    add_form = html[html.index('<form class="stacked"') :]
    select = re.search(r'<select name="role".*?</select>', add_form, re.S).group(0)
    assert re.findall(r"<option[^>]*selected", select) == ['<option value="" selected']
    assert page.context["form"]["role"].value() in (None, "")


def test_adding_without_choosing_a_role_is_refused_and_changes_nothing(world, ui_as):
    client = ui_as("owner")
    count, users = Membership.objects.of(world.org_a).count(), User.objects.count()
    response = client.post("/members/", {"email": "inconnu@example.test", "role": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == ["Choisissez le rôle du nouveau membre."]
    assert Membership.objects.of(world.org_a).count() == count
    assert User.objects.count() == users


def test_removing_a_member_asks_for_confirmation_first(world, ui_as):
    client = ui_as("owner")
    target = membership(world, "sales")
    # The old one-click removal now only leads to the question.
    response = client.post(f"/members/{target.pk}/", {"remove": ""})
    assert response.status_code == 302 and response["Location"] == f"/members/{target.pk}/remove/"
    assert Membership.objects.of(world.org_a).filter(pk=target.pk).exists()

    question = client.get(f"/members/{target.pk}/remove/")
    assert question.status_code == 200
    html = question.content.decode()
    assert world.member("sales").email in html and 'id="confirm-remove"' in html
    assert "<script" not in html.split("<main", 1)[1]
    assert Membership.objects.of(world.org_a).filter(pk=target.pk).exists()

    response = client.post(f"/members/{target.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert not Membership.objects.of(world.org_a).filter(pk=target.pk).exists()


def test_the_confirmation_is_for_member_managers_of_the_same_organisation(world, ui_as):
    target = membership(world, "support")
    assert ui_as("sales").get(f"/members/{target.pk}/remove/").status_code == 403
    assert ui_as("auditor").post(f"/members/{target.pk}/remove/").status_code == 403
    other = Membership.objects.of(world.org_b).get()
    owner = ui_as("owner")
    assert owner.get(f"/members/{other.pk}/remove/").status_code == 404
    assert owner.post(f"/members/{other.pk}/remove/").status_code == 404
    assert Membership.objects.of(world.org_a).filter(pk=target.pk).exists()
    assert Membership.objects.of(world.org_b).filter(pk=other.pk).exists()


def test_the_last_owner_cannot_be_removed_even_when_confirmed(world, ui_as):
    owner = membership(world, "owner")
    response = ui_as("owner").post(f"/members/{owner.pk}/remove/", follow=True)
    assert response.status_code == 200
    assert Membership.objects.of(world.org_a).filter(pk=owner.pk).exists()
