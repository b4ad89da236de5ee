"""The drafts a breach calls for, from what the register holds:

* the notification to the supervisory authority with the content of art. 33(3):
  (a) the nature of the breach, the categories and approximate numbers of people
  and records concerned; (b) the name and contact details of the DPO or other
  contact point; (c) the likely consequences; (d) the measures taken or proposed,
  including to mitigate its possible adverse effects; as a page and a PDF, in
  French or English;
* the message to the people concerned (art. 34(2)): in clear and plain language,
  the nature of the breach and (b), (c), (d).

Drafts: the organisation copies them into the authority's online form (CNIL,
APD/GBA) and into its message; Comptoir records what was sent with
``breach_notify_authority`` and ``breach_tell_people``.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.template import engines
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from comptoir.privacy.breaches import rules
from comptoir.privacy.breaches.models import Breach, Nature, PeopleKind
from comptoir.privacy.declarations import Category
from comptoir.tenancy.models import Organisation

LANGUAGES = ("fr", "en")
NBSP = "\u00a0"
PDF_TEMPLATE = "privacy/breaches/authority_pdf.html"


@dataclass(frozen=True)
class Item:
    """One heading of the notification and what it says (lines of text)."""

    key: str  # a, b, c, d
    title: str
    rows: list[tuple[str, str]]  # (label, text)


def count(value: int | None, language: str) -> str:
    if value is None:
        return _("unknown")
    text = f"{value:,}"
    return text.replace(",", NBSP) if language == "fr" else text


def moment(value) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _labels(values, choices) -> str:
    return ", ".join(str(dict(choices)[v]) for v in values if v in dict(choices)) or "—"


def _categories(values) -> str:
    return ", ".join(Category(v).label for v in values if v in rules.CATEGORY_CODES) or "—"


def _occurred(breach: Breach) -> str:
    if breach.occurred_until:
        return _("between %(start)s and %(end)s") % {
            "start": moment(breach.occurred_from),
            "end": moment(breach.occurred_until),
        }
    return moment(breach.occurred_from)


def authority_items(breach: Breach, *, language: str) -> list[Item]:
    """The four items of art. 33(3), in ``language``'s words (call under ``override``)."""
    return [
        Item(
            "a",
            _("Nature of the breach"),
            [
                (_("What happened"), breach.description),
                (_("Kind of breach"), _labels(breach.natures, Nature.choices)),
                (_("Occurred"), _occurred(breach)),
                (_("Known since"), moment(breach.aware_at)),
                (_("Categories of data concerned"), _categories(breach.data_categories)),
                (
                    _("Categories of people concerned"),
                    _labels(breach.people_categories, PeopleKind.choices),
                ),
                (_("Approximate number of people"), count(breach.people_count, language)),
                (_("Approximate number of records"), count(breach.records_count, language)),
            ],
        ),
        Item(
            "b",
            _("Data protection officer or other contact point"),
            [(_("Name and contact details"), breach.dpo_contact or "—")],
        ),
        Item(
            "c",
            _("Likely consequences of the breach"),
            [(_("Likely consequences"), breach.consequences or "—")],
        ),
        Item(
            "d",
            _("Measures taken or proposed"),
            [
                (
                    _("Measures taken to address the breach and mitigate its effects"),
                    breach.measures_taken or "—",
                ),
                (_("Measures proposed"), breach.measures_proposed or "—"),
            ],
        ),
    ]


def authority_context(breach: Breach, organisation: Organisation, *, language: str) -> dict:
    language = language if language in LANGUAGES else "fr"
    with override(language):
        countdown = rules.countdown(breach)
        return {
            "language": language,
            "breach": breach,
            "organisation": organisation,
            "authority": rules.authority_of(organisation.country),
            "items": authority_items(breach, language=language),
            "deadline": moment(countdown.deadline),
            "late": countdown.late,
            "delay_reasons": breach.authority_delay_reasons,
            "risk": breach.get_risk_display(),
            "risk_reasons": breach.risk_reasons,
            "title": _("Notification of a personal data breach (GDPR art. 33)"),
            "generated": moment(timezone.now()),
        }


def authority_html(breach: Breach, organisation: Organisation, *, language: str) -> str:
    context = authority_context(breach, organisation, language=language)
    with override(context["language"]):
        return _pdf_template().render(context)


def authority_pdf(breach: Breach, organisation: Organisation, *, language: str) -> bytes:
    """The draft notification as a PDF/A-3b (WeasyPrint, as ``sales.pdf`` prints)."""
    from weasyprint import HTML

    return HTML(string=authority_html(breach, organisation, language=language)).write_pdf(
        pdf_variant="pdf/a-3b"
    )


def people_message(breach: Breach, organisation: Organisation, *, language: str) -> str:
    """The message to the people concerned, in plain words (art. 34(2))."""
    language = language if language in LANGUAGES else "fr"
    with override(language):
        parts = [
            _("Dear Sir or Madam,"),
            _(
                "We are writing to tell you that personal data about you held by "
                "%(organisation)s was affected by a security incident, known to us since "
                "%(aware)s."
            )
            % {"organisation": organisation.legal_name, "aware": moment(breach.aware_at)},
            _("What happened: %(facts)s") % {"facts": breach.description},
            _("The data concerned: %(categories)s.")
            % {"categories": _categories(breach.data_categories)},
            _("What this may mean for you: %(consequences)s")
            % {"consequences": breach.consequences or _("we are still assessing it.")},
            _("What we have done: %(measures)s")
            % {"measures": breach.measures_taken or _("we are taking measures now.")},
        ]
        if breach.measures_proposed:
            parts.append(
                _("What we will do next: %(measures)s") % {"measures": breach.measures_proposed}
            )
        parts += [
            _("For any question, or to exercise your rights, contact: %(contact)s")
            % {"contact": breach.dpo_contact},
            _("You may also lodge a complaint with the %(authority)s.")
            % {"authority": rules.authority_of(organisation.country).name},
            organisation.legal_name,
        ]
        return "\n\n".join(parts)


@lru_cache(maxsize=1)
def _pdf_template():
    return engines["django"].get_template(PDF_TEMPLATE)
