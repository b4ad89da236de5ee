"""The readable part of the access export (GDPR art. 15(1) a-h): for each kind
of data held, why (purposes and legal bases), who receives it, how long it is
kept and where it came from; then the person's rights and where to complain.

Everything comes from the declarations of the kinds found (``collect.Kind``);
the recipients from ``recipient_categories``, the one place the organisation's
configured recipients and processors join in.
"""

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.privacy.access.collect import Gathered, Kind
from comptoir.privacy.declarations import LegalBasis, Purpose
from comptoir.privacy.register.selectors import processors_of
from comptoir.privacy.retention import Duration, EndAction, RetentionRule, StartEvent

LEGAL_BASIS_LABELS = {
    LegalBasis.CONSENT: gettext_lazy("your consent (art. 6(1)(a))"),
    LegalBasis.CONTRACT: gettext_lazy("a contract with you or steps before one (art. 6(1)(b))"),
    LegalBasis.LEGAL_OBLIGATION: gettext_lazy("a legal obligation (art. 6(1)(c))"),
    LegalBasis.LEGITIMATE_INTEREST: gettext_lazy("our legitimate interest (art. 6(1)(f))"),
}

START_EVENT_LABELS = {
    StartEvent.COLLECTION_OR_LAST_INBOUND_CONTACT: gettext_lazy(
        "from collection, or from your last contact with us"
    ),
    StartEvent.END_OF_RELATIONSHIP: gettext_lazy("from the end of our commercial relationship"),
    StartEvent.END_OF_CONTRACT: gettext_lazy("from the end of the contract"),
    StartEvent.FINANCIAL_YEAR_CLOSE: gettext_lazy("from the close of the financial year"),
    StartEvent.OBJECTION: gettext_lazy("from your objection"),
    StartEvent.REQUEST: gettext_lazy("from your request"),
    StartEvent.EVENT: gettext_lazy("from the event recorded"),
    StartEvent.LAST_LOGIN: gettext_lazy("from the last login"),
    StartEvent.DEPOSIT: gettext_lazy("from its deposit"),
    StartEvent.BACKUP: gettext_lazy("from the backup"),
    StartEvent.END_OF_SUBSCRIPTION: gettext_lazy("from the end of the organisation's subscription"),
}

END_ACTION_LABELS = {
    EndAction.DELETE: gettext_lazy("then deleted"),
    EndAction.DELETE_OR_ANONYMISE_IF_REFERENCED: gettext_lazy(
        "then deleted, or anonymised where other records refer to it"
    ),
    EndAction.ARCHIVE_THEN_DELETE: gettext_lazy("then moved to a restricted archive, then deleted"),
    EndAction.WARN_THEN_DELETE: gettext_lazy("then, after a warning, deleted"),
    EndAction.EXPIRE: gettext_lazy("then expires"),
    EndAction.DELETE_TENANT: gettext_lazy("then deleted with the organisation's keys"),
}

# Who receives the data, by purpose: categories (art. 15(1)(c)). The
# organisation's own recipients and processors (its register) join in
# ``recipient_categories``.
PURPOSE_RECIPIENTS = {
    Purpose.CONTRACT_MANAGEMENT: [
        gettext_lazy("the organisation's staff in charge of sales, orders and invoicing"),
        gettext_lazy("e-invoicing platforms and the tax administration, for invoices"),
    ],
    Purpose.ACCOUNTING: [
        gettext_lazy("the organisation's accounting staff and its chartered accountant"),
        gettext_lazy("the tax administration and auditors, when the law requires it"),
    ],
    Purpose.CUSTOMER_RELATIONSHIP: [
        gettext_lazy("the organisation's customer service and sales staff"),
    ],
    Purpose.PROSPECTION_CONSENT: [gettext_lazy("the organisation's sales and marketing staff")],
    Purpose.PROSPECTION_LEGITIMATE_INTEREST: [
        gettext_lazy("the organisation's sales and marketing staff")
    ],
    Purpose.STATISTICS: [gettext_lazy("the organisation's management (aggregated figures only)")],
    Purpose.REVIEWS: [gettext_lazy("the organisation's customer service staff")],
    Purpose.RIGHTS_REQUESTS: [
        gettext_lazy("the organisation's privacy contact"),
        gettext_lazy("the data protection authority, if you complain to it"),
    ],
    Purpose.SECURITY: [gettext_lazy("the organisation's administrators")],
}
HOSTING = gettext_lazy("Comptoir's operator, which hosts the data as the organisation's processor")

AUTHORITIES = {
    "FR": {
        "name": "Commission nationale de l'informatique et des libertés (CNIL)",
        "address": "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France",
        "website": "https://www.cnil.fr/fr/plaintes",
    },
    "BE": {
        "name": "Autorité de protection des données / Gegevensbeschermingsautoriteit (APD-GBA)",
        "address": "Rue de la Presse 35, 1000 Bruxelles, Belgique",
        "website": "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte",
    },
}


def recipient_categories(*, organisation, purposes, processors=None) -> list[str]:
    """The categories of recipients of data used for ``purposes``, in ``organisation``.

    From the purposes' declared recipients and the hosting processor; the
    place where the organisation's configured recipients and processors are
    added (its register's processors, ``privacy.register``)."""
    found: dict[str, None] = {}
    for purpose in purposes:
        found.update(dict.fromkeys(str(r) for r in PURPOSE_RECIPIENTS.get(purpose, ())))
    found[str(HOSTING)] = None
    if processors is None:
        processors = processors_of(organisation=organisation)
    for processor in processors:
        found[f"{processor.name} ({processor.service})"] = None
    return list(found)


def duration_text(duration: Duration) -> str:
    years, months = divmod(duration.months, 12)
    parts = []
    if years:
        parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
    if months:
        parts.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
    if duration.days or not parts:
        parts.append(ngettext("%(n)d day", "%(n)d days", duration.days) % {"n": duration.days})
    return " ".join(parts)


def retention_of(rule: RetentionRule | None) -> dict:
    if rule is None:
        return {"code": None, "text": _("kept as long as the organisation's account")}
    if rule.duration is None:
        period = _("for the length of the relationship")
    else:
        period = duration_text(rule.duration)
    text = f"{period}, {START_EVENT_LABELS[rule.start]}, {END_ACTION_LABELS[rule.end]}"
    if rule.archive is not None:
        text += " " + _("(archive: %(d)s)") % {"d": duration_text(rule.archive)}
    if rule.legal_hold:
        text += " " + _("(kept whatever is asked: legal obligation)")
    return {
        "code": rule.code,
        "duration": duration_text(rule.duration) if rule.duration else None,
        "duration_months": rule.duration.months if rule.duration else None,
        "duration_days": rule.duration.days if rule.duration else None,
        "start_event": str(rule.start),
        "start_event_label": str(START_EVENT_LABELS[rule.start]),
        "end": str(rule.end),
        "archive_months": rule.archive.months if rule.archive else None,
        "legal_hold": rule.legal_hold,
        "text": text,
    }


def _purposes_of(kind: Kind) -> list[Purpose]:
    seen: dict[Purpose, None] = {}
    for column in kind.columns:
        if column.personal is not None:
            seen.update(dict.fromkeys(column.personal.purposes))
    return list(seen)


def kind_summary(kind: Kind, *, organisation, processors=None) -> dict:
    purposes = _purposes_of(kind)
    personal = [c for c in kind.columns if c.personal is not None]
    return {
        "file": kind.label,
        "kind": kind.name,
        "rows": len(kind.rows),
        "categories": sorted({c.personal.category.label for c in personal}),
        "fields": [
            {"name": c.name, "label": c.label, "category": str(c.personal.category)}
            for c in personal
        ],
        "purposes": [
            {
                "code": p.code,
                "label": str(p.label),
                "legal_bases": [
                    {"code": str(b), "label": str(LEGAL_BASIS_LABELS[b])} for b in p.legal_bases
                ],
            }
            for p in purposes
        ],
        "recipients": recipient_categories(
            organisation=organisation, purposes=purposes, processors=processors
        ),
        "retention": retention_of(kind.declaration.retention),
        "sources": sorted(kind.sources),
    }


def rights() -> list[dict]:
    return [
        {"article": "15", "right": _("Access: a copy of your data, this export.")},
        {"article": "16", "right": _("Rectification of inaccurate or incomplete data.")},
        {
            "article": "17",
            "right": _(
                "Erasure, except what a legal obligation keeps (invoices: 10 years); "
                "what is kept is then said, with why and until when."
            ),
        },
        {"article": "18", "right": _("Restriction: your data kept but frozen.")},
        {
            "article": "20",
            "right": _(
                "Portability of the data processed on your consent or under a contract, "
                "in JSON and CSV."
            ),
        },
        {
            "article": "21",
            "right": _(
                "Objection to processing based on legitimate interest; objection to "
                "prospection is absolute."
            ),
        },
        {"article": "7(3)", "right": _("Withdrawal of your consent, at any time.")},
        {"article": "77", "right": _("A complaint to the data protection authority.")},
    ]


def summary(gathered: Gathered, *, organisation) -> dict:
    """The summary as data (``summary.json``); ``summary_html`` lays it out."""
    processors = list(processors_of(organisation=organisation))  # once, not per kind
    kinds = [
        kind_summary(kind, organisation=organisation, processors=processors)
        for kind in gathered.kinds
    ]
    sources = sorted({s for kind in gathered.kinds for s in kind.sources})
    authority = AUTHORITIES.get(organisation.country, AUTHORITIES["FR"])
    now = timezone.now()
    return {
        "generated_at": now.isoformat(),
        "generated_at_display": formats.date_format(timezone.localtime(now), "DATETIME_FORMAT"),
        "controller": {
            "name": organisation.legal_name,
            "country": organisation.country,
            "privacy_contact": {
                "name": organisation.privacy_contact_name,
                "email": organisation.privacy_contact_email,
            },
        },
        "people": [
            {"reference": str(s.uuid), "shredded": s.is_shredded} for s in gathered.subjects
        ],
        "rows": gathered.rows,
        "kinds": kinds,
        "source": {
            "declared": sources,
            "text": (
                _("Your data came to us through: %(s)s.") % {"s": ", ".join(sources)}
                if sources
                else _(
                    "Your data was collected by the organisation, from you or in the course "
                    "of our relationship."
                )
            ),
        },
        "rights": rights(),
        "complaint": authority,
    }


def summary_html(data: dict) -> str:
    return render_to_string("privacy/access/summary.html", {"summary": data})
