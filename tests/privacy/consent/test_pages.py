"""The consent panel on a contact person's page and an individual's page, its
actions (for the contacts managers), and the wordings page (privacy contact)."""

from comptoir.mail.models import Message
from comptoir.privacy.consent import selectors, services
from comptoir.privacy.consent.models import ConsentEvent, ConsentPurpose, ConsentWording

EMAIL = ConsentPurpose.PROSPECTION_EMAIL
POST = ConsentPurpose.PROSPECTION_POST


def test_the_panel_shows_states_and_history(ui_as, actor, make_contact, make_individual, wording):
    person = make_contact()
    services.consent_give(
        actor=actor,
        subject=person.data_subject,
        purpose=POST,
        channel="paper",
        wording=wording(POST),
    )
    ui = ui_as("sales")
    html = ui.get(f"/parties/contacts/{person.pk}/edit/").content.decode()
    assert 'id="consent-panel"' in html and 'id="consent-history"' in html
    assert 'data-purpose="prospection_post"' in html
    assert 'class="consent-given" data-purpose="prospection_post"' in html
    assert 'id="contact-status"' in html and 'id="consent-give"' in html
    individual = make_individual()
    html = ui.get(f"/parties/{individual.pk}/").content.decode()
    assert 'id="consent-panel"' in html and 'id="consent-request"' in html
    # A company has no consent of its own: its people have theirs.
    html = ui.get(f"/parties/{person.party_id}/").content.decode()
    assert 'id="consent-panel"' not in html


def test_a_viewer_sees_the_panel_without_its_buttons(ui_as, make_individual):
    individual = make_individual()
    html = ui_as("support").get(f"/parties/{individual.pk}/").content.decode()
    assert 'id="consent-panel"' in html and 'id="consent-give"' not in html


def test_record_give_then_withdraw_from_the_panel(ui_as, make_contact, wording):
    person = make_contact()
    subject = person.data_subject
    shown = wording(POST)
    ui = ui_as("sales")
    back = f"/parties/contacts/{person.pk}/edit/"
    response = ui.post(
        f"/privacy/consent/subjects/{subject.uuid}/give/",
        {
            "next": back,
            "give-purpose": POST,
            "give-wording": shown.pk,
            "give-channel": "phone",
            "give-form": "appel entrant",
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    state = selectors.consent_state(subject=subject, purpose=POST)
    assert state.given and state.event.wording == shown and state.event.form == "appel entrant"
    response = ui.post(
        f"/privacy/consent/subjects/{subject.uuid}/withdraw/",
        {"next": back, "withdraw-purpose": POST, "withdraw-channel": "phone"},
    )
    assert response.status_code == 302
    assert selectors.consent_state(subject=subject, purpose=POST).status == "withdrawn"
    # Bad input: a message, nothing recorded; an outside "next" is not followed.
    response = ui.post(
        f"/privacy/consent/subjects/{subject.uuid}/give/",
        {"next": "https://evil.example/", "give-purpose": POST, "give-channel": "phone"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert ConsentEvent.objects.of(subject.organisation_id).count() == 2


def test_the_panel_sends_a_double_opt_in_request(ui_as, world, make_individual, wording):
    individual = make_individual()
    shown = wording(EMAIL)
    response = ui_as("sales").post(
        f"/privacy/consent/subjects/{individual.data_subject.uuid}/confirmation/",
        {
            "next": f"/parties/{individual.pk}/",
            "confirm-purpose": EMAIL,
            "confirm-wording": shown.pk,
        },
    )
    assert response.status_code == 302
    state = selectors.consent_state(subject=individual.data_subject, purpose=EMAIL)
    assert state.status == "pending"
    (sent,) = Message.objects.of(world.org_a).all()  # the outbox
    assert individual.email in sent.recipients and "List-Unsubscribe-Post" in sent.parts


def test_who_may_record(ui_as, world, make_contact, make_individual, wording):
    subject = make_contact().data_subject
    shown = wording(POST)
    body = {"give-purpose": POST, "give-wording": shown.pk, "give-channel": "phone"}
    for role in ("support", "accountant", "auditor"):
        response = ui_as(role).post(f"/privacy/consent/subjects/{subject.uuid}/give/", body)
        assert response.status_code == 403, role
    other = make_individual(organisation=world.org_b)
    response = ui_as("sales").post(
        f"/privacy/consent/subjects/{other.data_subject.uuid}/give/", body
    )
    assert response.status_code == 404
    assert not ConsentEvent.objects.of(world.org_a).exists()
    assert not ConsentEvent.objects.of(world.org_b).exists()


def test_the_wordings_page_makes_new_versions(ui_as, world):
    assert ui_as("sales").get("/privacy/consent/").status_code == 403
    ui = ui_as("admin")
    assert ui.get("/privacy/consent/").status_code == 200
    for text in ("Première version.", "Deuxième version."):
        response = ui.post("/privacy/consent/", {"purpose": POST, "language": "fr", "text": text})
        assert response.status_code == 302
    versions = list(
        ConsentWording.objects.of(world.org_a).order_by("version").values_list("version", "text")
    )
    assert versions == [(1, "Première version."), (2, "Deuxième version.")]
    response = ui.post("/privacy/consent/", {"purpose": "astrology", "language": "fr", "text": ""})
    assert response.status_code == 200 and response.context["form"].errors
    html = ui.get("/privacy/").content.decode()
    assert 'href="/privacy/consent/"' in html
