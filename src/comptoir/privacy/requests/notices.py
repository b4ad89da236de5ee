"""The mails a rights request sends: to the person (the verification link,
the request for identity proof, the extension notice, the answer or the
refusal) and to the organisation's privacy contact (the deadline reminder).

Each is built here and queued through the outbox in the caller's transaction;
the caller enqueues the sending once it commits (``mail.tasks.messages_enqueue``).
A refusal always names the supervisory authority the person may complain to:
the CNIL for a French organisation, the Belgian Data Protection Authority
(APD/GBA) for a Belgian one.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats
from django.utils.translation import gettext as _

from comptoir.core.mailabout import MailAbout
from comptoir.mail import services as mail_services
from comptoir.mail.models import MessageState
from comptoir.tenancy.models import Country

AUTHORITIES = {
    Country.FRANCE: (
        "Commission nationale de l’informatique et des libertés (CNIL)",
        "https://www.cnil.fr/fr/plaintes",
    ),
    Country.BELGIUM: (
        "Autorité de protection des données / Gegevensbeschermingsautoriteit (APD/GBA)",
        "https://www.autoriteprotectiondonnees.be",
    ),
}


def authority_of(organisation) -> tuple[str, str]:
    return AUTHORITIES.get(organisation.country, AUTHORITIES[Country.FRANCE])


def complaint_mention(organisation) -> str:
    name, url = authority_of(organisation)
    return _(
        "If you disagree with this answer, you may lodge a complaint with the "
        "supervisory authority, %(authority)s (%(url)s), or seek a judicial remedy."
    ) % {"authority": name, "url": url}


def _queue(organisation, to: str, subject: str, body: str, *, confidential: bool) -> list[int]:
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[organisation.privacy_contact_email],
    )
    stored = mail_services.messages_queue(
        messages=[email],
        about=MailAbout(organisation_id=organisation.pk, confidential=confidential),
    )
    return [m.pk for m in stored if m.state == MessageState.QUEUED]


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def verification(rights_request, link: str) -> list[int]:
    organisation = rights_request.organisation
    body = _(
        "Hello,\n\nSomeone, probably you, asked %(organisation)s to exercise a right over "
        "personal data (%(kind)s) with this address.\n\nTo confirm the request, open this "
        "link and press the button:\n%(link)s\n\nThe link is valid for %(days)d days. If "
        "you did not make this request, ignore this message: nothing will be done.\n"
    ) % {
        "organisation": organisation.legal_name,
        "kind": rights_request.get_kind_display(),
        "link": link,
        "days": VERIFICATION_DAYS,
    }
    subject = _("Confirm your request to %(organisation)s") % {
        "organisation": organisation.legal_name
    }
    return _queue(organisation, rights_request.requester_email, subject, body, confidential=True)


# How long a verification link is valid.
VERIFICATION_DAYS = 7


def identity_asked(rights_request, note: str) -> list[int]:
    organisation = rights_request.organisation
    body = _(
        "Hello,\n\nTo act on your request (%(kind)s) we need to be sure of your identity. "
        "%(note)s\n\nThe one-month deadline to answer you is suspended until we receive it.\n"
    ) % {"kind": rights_request.get_kind_display(), "note": note}
    subject = _("Your request to %(organisation)s: proof of identity") % {
        "organisation": organisation.legal_name
    }
    return _queue(organisation, rights_request.requester_email, subject, body, confidential=False)


def extended(rights_request) -> list[int]:
    organisation = rights_request.organisation
    body = _(
        "Hello,\n\nYour request (%(kind)s) needs more time to be answered. Its deadline is "
        "extended by %(months)d month(s), to %(due)s, for this reason:\n\n%(reason)s\n"
    ) % {
        "kind": rights_request.get_kind_display(),
        "months": rights_request.extension_months,
        "due": _day(rights_request.due_on),
        "reason": rights_request.extension_reason,
    }
    subject = _("Your request to %(organisation)s: deadline extended") % {
        "organisation": organisation.legal_name
    }
    return _queue(organisation, rights_request.requester_email, subject, body, confidential=False)


def answered(rights_request) -> list[int]:
    organisation = rights_request.organisation
    body = _("Hello,\n\nHere is the answer to your request (%(kind)s):\n\n%(answer)s\n") % {
        "kind": rights_request.get_kind_display(),
        "answer": rights_request.answer,
    }
    subject = _("Your request to %(organisation)s: our answer") % {
        "organisation": organisation.legal_name
    }
    return _queue(organisation, rights_request.requester_email, subject, body, confidential=False)


def refused(rights_request) -> list[int]:
    organisation = rights_request.organisation
    body = _(
        "Hello,\n\nWe cannot act on your request (%(kind)s), for these reasons:\n\n"
        "%(reasons)s\n\n%(complaint)s\n"
    ) % {
        "kind": rights_request.get_kind_display(),
        "reasons": rights_request.answer,
        "complaint": complaint_mention(organisation),
    }
    subject = _("Your request to %(organisation)s: our answer") % {
        "organisation": organisation.legal_name
    }
    return _queue(organisation, rights_request.requester_email, subject, body, confidential=False)


def reminder(organisation, rows, *, today) -> list[int]:
    """To the privacy contact: ids, types and due dates only, nothing about the people."""
    lines = []
    for row in rows:
        left = (row.due_on - today).days
        when = (
            _("late by %(days)d day(s)") % {"days": -left}
            if left < 0
            else _("%(days)d day(s) left") % {"days": left}
        )
        lines.append(f"#{row.pk} · {row.get_kind_display()} · {_day(row.due_on)} · {when}")
    body = _(
        "Hello,\n\nThese rights requests of %(organisation)s are due within 7 days or late:\n\n"
        "%(lines)s\n\nOpen Comptoir, Privacy, Rights requests to answer them.\n"
    ) % {"organisation": organisation.legal_name, "lines": "\n".join(lines)}
    subject = _("Rights requests due soon: %(count)d") % {"count": len(rows)}
    return _queue(
        organisation, organisation.privacy_contact_email, subject, body, confidential=False
    )
