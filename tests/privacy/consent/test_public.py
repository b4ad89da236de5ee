"""The person's own pages, reached from a mail with no login: the double opt-in
link (read from a real SMTP server) and one-click withdrawal, by the page's
button or the mail client's RFC 8058 POST. They show nothing personal."""

import email
import re
from datetime import timedelta
from email import policy

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.audit.models import AuditEvent
from comptoir.privacy.consent import links, selectors, services
from comptoir.privacy.consent.models import ConsentChannel, ConsentEvent, ConsentPurpose
from comptoir.privacy.services import subject_shred

EMAIL = ConsentPurpose.PROSPECTION_EMAIL
POST = ConsentPurpose.PROSPECTION_POST
BASE = "http://testserver/"


def public() -> Client:
    """A browser with no session: the person reading their mail."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.7")


def test_unsubscribe_headers_follow_rfc_8058(make_contact):
    person = make_contact()
    subject = person.data_subject
    headers = links.unsubscribe_headers(subject, EMAIL, base_url=BASE)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (url,) = re.fullmatch(r"<(https?://[^>]+)>", headers["List-Unsubscribe"]).groups()
    assert url == links.consent_withdraw_url(subject=subject, purpose=EMAIL, base_url=BASE)
    assert url.startswith("http://testserver/privacy/consent/withdraw/")
    # Names no one: no address, only a signed pseudonymous id.
    assert person.email.split("@")[0] not in url and str(subject.pk) not in url.split("/")
    assert links.withdraw_token_read(url.rsplit("/", 2)[-2]) == (subject.uuid, EMAIL)


def test_one_click_withdrawal_page_then_button(make_contact, actor, wording):
    person = make_contact()
    subject = person.data_subject
    services.consent_give(
        actor=actor, subject=subject, purpose=POST, channel="paper", wording=wording(POST)
    )
    url = links.consent_withdraw_url(subject=subject, purpose=POST, base_url="")
    browser = public()
    page = browser.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="withdraw-button"' in html
    # Reading the page changes nothing (a mail scanner follows links).
    assert selectors.consent_state(subject=subject, purpose=POST).given
    for value in (person.family_name, person.email):
        assert value not in html
    done = browser.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and 'id="withdrawn"' in done.content.decode()
    assert person.family_name not in done.content.decode()
    state = selectors.consent_state(subject=subject, purpose=POST)
    assert state.status == "withdrawn"
    event = state.event
    assert event.channel == ConsentChannel.ONE_CLICK and event.by_subject
    assert event.recorded_by is None and event.source_ip == "198.51.100.7"
    journal = AuditEvent.objects.filter(
        object_type="privacy_consent.consentevent", object_id=str(event.pk)
    ).get()
    assert journal.actor_user_id is None and journal.ip_address == "198.51.100.7"


def test_rfc_8058_one_click_post_from_a_mail_client(make_contact):
    subject = make_contact().data_subject
    headers = links.unsubscribe_headers(subject, EMAIL, base_url=BASE)
    url = headers["List-Unsubscribe"].strip("<>").removeprefix(BASE.rstrip("/"))
    # What a mail client sends: the header's value as a form body, no cookie, no token.
    response = public().post(
        url,
        data=headers["List-Unsubscribe-Post"],
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    state = selectors.consent_state(subject=subject, purpose=EMAIL)
    assert state.status == "withdrawn" and state.event.channel == "one_click"
    # Clicked twice: still one event.
    public().post(url, data=headers["List-Unsubscribe-Post"], content_type="text/plain")
    assert ConsentEvent.objects.of(subject.organisation_id).count() == 1


def test_forged_or_erased_links_withdraw_nothing(make_contact, actor):
    subject = make_contact().data_subject
    url = links.consent_withdraw_url(subject=subject, purpose=EMAIL, base_url="")
    forged = url.replace("withdraw/", "withdraw/x")
    assert public().get(forged).status_code == 404
    assert public().post(forged).status_code == 404
    subject_shred(subject=subject, actor=actor)
    assert public().post(url).status_code == 200  # the same answer: nothing to say
    assert not ConsentEvent.objects.of(subject.organisation_id).exists()


def _link(received) -> str:
    message = email.message_from_bytes(received.content, policy=policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    (link,) = re.findall(r"https?://\S+/privacy/consent/confirm/\S+/", body)
    return message, link


@pytest.mark.django_db
def test_double_opt_in_through_a_real_mail(
    smtp, immediate_tasks, django_capture_on_commit_callbacks, make_contact, actor, wording
):
    smtp.start()
    person = make_contact()
    subject = person.data_subject
    shown = wording(EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.consent_request_confirmation(
            actor=actor,
            subject=subject,
            purpose=EMAIL,
            wording=shown,
            email=person.email,
            base_url=BASE,
        )
    assert selectors.consent_state(subject=subject, purpose=EMAIL).status == "pending"
    (received,) = smtp.inbox.to(person.email)
    message, link = _link(received)
    assert person.email not in link and person.family_name not in link
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/privacy/consent/withdraw/" in message["List-Unsubscribe"]
    assert shown.text.split()[0] in message.get_body(preferencelist=("plain",)).get_content()
    # Only the token's hash is stored.
    token = link.rstrip("/").rsplit("/", 1)[1]
    event.refresh_from_db()
    assert event.confirmation_token_hash == links.token_hash(token) != token
    path = link.removeprefix(BASE.rstrip("/"))
    browser = public()
    page = browser.get(path)
    assert page.status_code == 200 and 'id="confirm-button"' in page.content.decode()
    assert selectors.consent_state(subject=subject, purpose=EMAIL).status == "pending"
    csrf = browser.cookies["csrftoken"].value
    done = browser.post(path, {"csrfmiddlewaretoken": csrf})
    assert done.status_code == 200 and 'id="confirmed"' in done.content.decode()
    assert person.email not in done.content.decode()
    state = selectors.consent_state(subject=subject, purpose=EMAIL)
    assert state.given and state.event.pk == event.pk
    assert state.event.confirmed_via == "email_link" and state.event.confirmed_at
    # The link works once: a second POST answers the same, writes nothing more.
    confirmed_at = state.event.confirmed_at
    browser.post(path, {"csrfmiddlewaretoken": csrf})
    event.refresh_from_db()
    assert event.confirmed_at == confirmed_at
    assert public().get(path.replace(token, token[:-2] + "zz")).status_code == 200
    assert public().post(path.replace(token, "nothing")).status_code in (403, 404)


def test_an_expired_confirmation_link_confirms_nothing(make_contact, actor, wording):
    person = make_contact()
    event = services.consent_request_confirmation(
        actor=actor,
        subject=person.data_subject,
        purpose=EMAIL,
        wording=wording(EMAIL),
        email=person.email,
        base_url=BASE,
    )
    token, digest = links.confirmation_token()
    ConsentEvent.across_organisations.filter(pk=event.pk).update(
        confirmation_token_hash=digest,
        confirmation_sent_at=timezone.now() - services.CONFIRMATION_VALID - timedelta(hours=1),
    )
    assert services.consent_confirm(token=token) is None
    event.refresh_from_db()
    assert event.confirmed_at is None
