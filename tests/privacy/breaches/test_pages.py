"""The breach register's pages: permissions, the list's countdowns, recording
with its checks, the decisions, the drafts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.audit.models import Action, AuditEvent
from comptoir.privacy.breaches import services
from comptoir.privacy.breaches.models import Breach
from tests.privacy.breaches.conftest import NOW

LIST = reverse("privacy:breaches:list")
CREATE = reverse("privacy:breaches:create")


def _form(**values) -> dict:
    data = {
        "occurred_from": "2026-11-08T10:00",
        "aware_at": "2026-11-10T08:30",
        "description": "Courriel envoyé au mauvais destinataire avec la liste des clients.",
        "natures": ["confidentiality"],
        "data_categories": ["identity"],
        "people_categories": ["clients"],
        "people_count": "40",
        "records_count": "40",
    }
    data.update(values)
    return data


@pytest.fixture
def owner_ui(ui_as, time_machine):
    time_machine.move_to(NOW, tick=False)
    return ui_as("owner")


def test_the_hub_links_to_the_register(owner_ui):
    page = owner_ui.get(reverse("privacy:hub")).content.decode()
    assert f'href="{LIST}"' in page


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_members_without_privacy_manage_are_refused(world, ui_as, record, role):
    breach = record()
    client = ui_as(role)
    for url in (
        LIST,
        CREATE,
        reverse("privacy:breaches:detail", args=[breach.pk]),
        reverse("privacy:breaches:draft_pdf", args=[breach.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("privacy:breaches:action", args=[breach.pk, "close"]))
    assert response.status_code == 403


def test_an_outsider_is_refused(world, record):
    breach = record()
    client = Client()
    client.force_login(world.outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("privacy:breaches:detail", args=[breach.pk])).status_code == 403


def test_another_organisations_breach_is_not_found(world, owner_ui, record):
    breach = record(organisation=world.org_b)
    assert owner_ui.get(reverse("privacy:breaches:detail", args=[breach.pk])).status_code == 404
    assert owner_ui.get(reverse("privacy:breaches:draft", args=[breach.pk])).status_code == 404


def test_recording_through_the_form_starts_the_countdown(world, owner_ui):
    response = owner_ui.post(CREATE, _form())
    assert response.status_code == 302
    breach = Breach.objects.of(world.org_a).get()
    assert response["Location"] == reverse("privacy:breaches:detail", args=[breach.pk])
    page = owner_ui.get(LIST).content.decode()
    assert breach.reference in page
    # aware at 08:30 Paris (07:30 UTC), now 09:00 UTC: 70 h 30 left
    assert "70 hours left" in page or "70 heures restantes" in page
    assert AuditEvent.objects.filter(
        action=Action.LIST, object_type="privacy_breaches.breach"
    ).exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("aware_at", "2026-11-07T10:00"),  # before it began
        ("aware_at", "2026-11-11T10:00"),  # in the future
        ("people_count", "-3"),
        ("records_count", "99999999999999999999"),
        ("description", "a\x00b"),
        ("natures", ["gossip"]),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_recorded(world, owner_ui, field, value):
    response = owner_ui.post(CREATE, _form(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Breach.objects.of(world.org_a).exists()


def test_a_late_breach_is_red_and_its_notification_needs_reasons(
    world, owner_ui, record, time_machine
):
    breach = record(
        occurred_from=NOW - timedelta(days=4),
        occurred_until=None,
        aware_at=NOW - timedelta(hours=80),
    )
    page = owner_ui.get(LIST).content.decode()
    assert 'class="countdown late"' in page
    action = reverse("privacy:breaches:action", args=[breach.pk, "notify"])
    response = owner_ui.post(action, {"notified_at": "2026-11-10T09:00"})
    assert response.status_code == 422
    assert "delay_reasons" in response.context["forms"]["notify"].errors
    response = owner_ui.post(
        action, {"notified_at": "2026-11-10T09:00", "delay_reasons": "Enquête interne."}
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.authority_status == "notified"
    page = owner_ui.get(reverse("privacy:breaches:detail", args=[breach.pk])).content.decode()
    assert "Enquête interne." in page and 'class="countdown late"' in page


def test_the_page_shows_the_timeline_and_records_the_decisions(world, owner_ui, record):
    breach = record()
    detail = reverse("privacy:breaches:detail", args=[breach.pk])

    def act(name, **data):
        return owner_ui.post(reverse("privacy:breaches:action", args=[breach.pk, name]), data)

    assert act("risk", risk="high", reasons="Identités et adresses.").status_code == 302
    assert act("waive-people", reason="", details="").status_code == 422
    assert (
        act(
            "waive-people", reason="encrypted", details="Disque chiffré, clé au coffre."
        ).status_code
        == 302
    )
    page = owner_ui.get(detail).content.decode()
    assert "Disque chiffré, clé au coffre." in page
    assert page.count("<li><strong>") == 3  # recorded, risk, people
    assert (
        owner_ui.post(reverse("privacy:breaches:action", args=[breach.pk, "nope"])).status_code
        == 404
    )
    events = AuditEvent.objects.filter(object_type="privacy_breaches.breach", action=Action.READ)
    assert events.filter(object_id=str(breach.pk)).exists()


def test_updating_the_facts_appends_to_the_timeline(world, owner_ui, record):
    breach = record()
    edit = reverse("privacy:breaches:edit", args=[breach.pk])
    form = owner_ui.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    for name in ("occurred_from", "occurred_until", "aware_at"):
        data[name] = form[name].value().strftime("%Y-%m-%dT%H:%M") if data.get(name) else ""
    data.update(people_count="2000", note="Nouveau décompte.")
    response = owner_ui.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    breach.refresh_from_db()
    assert breach.people_count == 2000
    last = breach.updates.order_by("-pk").first()
    assert last.changed == ["people_count"] and last.note == "Nouveau décompte."


def test_closed_breaches_offer_no_more_decisions(owner, owner_ui, record):
    breach = record()
    services.breach_assess_risk(actor=owner, breach=breach, risk="none", reasons="Rien.")
    services.breach_waive_authority(actor=owner, breach=breach, reason="Aucun risque.")
    services.breach_close(actor=owner, breach=breach)
    page = owner_ui.get(reverse("privacy:breaches:detail", args=[breach.pk])).content.decode()
    assert 'id="form-risk"' not in page and 'id="edit-breach"' not in page
