"""The draft notification holds art. 33(3)'s four items, on the page and in the
PDF, in French and in English; the message to the people holds art. 34(2)'s."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from comptoir.privacy.breaches import draft, services


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


ITEMS = {
    "fr": [
        "(a) Nature de la violation",
        "(b) Délégué à la protection des données ou autre point de contact",
        "(c) Conséquences probables de la violation",
        "(d) Mesures prises ou envisagées",
    ],
    "en": [
        "(a) Nature of the breach",
        "(b) Data protection officer or other contact point",
        "(c) Likely consequences of the breach",
        "(d) Measures taken or proposed",
    ],
}


def _expected(breach, language) -> list[str]:
    people = "1 250" if language == "fr" else "1,250"
    return [
        *ITEMS[language],
        breach.description[:40],
        people,  # approximate number of people
        "3 400" if language == "fr" else "3,400",  # of records
        breach.dpo_contact.split(" <")[0],
        breach.consequences,
        breach.measures_taken,
        breach.measures_proposed,
        breach.reference,
    ]


def test_the_draft_holds_the_four_items(world, record):
    breach = record()
    items = draft.authority_items(breach, language="en")
    assert [item.key for item in items] == ["a", "b", "c", "d"]
    text = _flat(draft.authority_html(breach, world.org_a, language="en"))
    for expected in _expected(breach, "en"):
        assert _flat(expected) in text, expected
    assert "CNIL" in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pdf_renders_and_holds_them(world, ui_as, record, language):
    breach = record()
    response = ui_as("owner").get(
        reverse("privacy:breaches:draft_pdf", args=[breach.pk]), {"language": language}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    for expected in _expected(breach, language):
        assert _flat(expected) in text, expected


def test_a_belgian_organisation_writes_to_the_apd_gba(world, owner, record):
    breach = record(organisation=world.org_b)
    text = draft.authority_html(breach, world.org_b, language="fr")
    assert "APD/GBA" in text and "CNIL" not in text


def test_a_late_draft_carries_the_reasons_for_the_delay(world, owner, record):
    breach = record()
    late = services.breach_update(
        actor=owner,
        breach=breach,
        occurred_from=breach.occurred_from - timedelta(days=5),
        occurred_until=None,
        aware_at=breach.aware_at - timedelta(days=4),
        note="La date de découverte était erronée.",
    )
    text = _flat(draft.authority_html(late, world.org_a, language="en"))
    assert "Reasons for the delay" in text


def test_the_message_to_the_people_is_plain_and_complete(world, record):
    breach = record()
    message = draft.people_message(breach, world.org_a, language="fr")
    for expected in (
        breach.description,
        breach.consequences,
        breach.measures_taken,
        breach.dpo_contact,
        "CNIL",
    ):
        assert expected in message
    english = draft.people_message(breach, world.org_a, language="en")
    assert english.startswith("Dear Sir or Madam")
