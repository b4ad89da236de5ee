"""What acting on a request means, per type: one entry per type, each calling
one entry point of the privacy engine.

``DISPATCH[kind]`` is a ``Fulfilment``: the label of the DPO's button, the
callable that does the work (``run(*, rights_request, subjects, actor)``
returning an ``Outcome``), or, for a type done by staff on the usual pages
(rectification), ``run=None`` and the reason shown beside the disabled button.
Each type's entry calls its engine:

* access       -> ``privacy.access.access_export`` (here)
* portability  -> ``privacy.access.portability_export``
* erasure      -> ``privacy.records.erasure`` (recipients told first, art. 19)
* restriction  -> ``privacy.restriction`` (recipients told first, art. 19)
* objection    -> ``privacy.suppression`` (suppression list, party opposed,
  consent to prospection withdrawn)
* rectification: done by staff through the usual pages (each change is
  journalled by the domain services); the request is then answered.

``services.request_fulfil`` calls the entry inside its transaction, records
that the request was acted upon and journals it; the person is told by the
answer that closes the request.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.audit.services import Actor
from comptoir.privacy.access import AccessExport, access_export, portability_export
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records.disclosures import Change, recipients_notify
from comptoir.privacy.records.erasure import ErasurePreview, erasure_preview, subjects_erase
from comptoir.privacy.records.models import ErasureReason
from comptoir.privacy.requests.models import RequestKind
from comptoir.privacy.restriction import subject_restrict
from comptoir.privacy.suppression.services import subject_object


@dataclass(frozen=True)
class Outcome:
    summary: str  # what was done, for the request's record: no value about the person
    download: AccessExport | None = None  # a file for the DPO to download, if any


Runner = Callable[..., Outcome]


@dataclass(frozen=True)
class Fulfilment:
    label: object  # the button's label
    run: Runner | None
    unavailable: object = ""  # why the button is disabled, when ``run`` is None

    @property
    def available(self) -> bool:
        return self.run is not None


def _access(*, rights_request, subjects: Sequence[DataSubject], actor: Actor) -> Outcome:
    export = access_export(organisation=rights_request.organisation, subjects=subjects, actor=actor)
    return Outcome(summary=f"access export: {export.rows} rows", download=export)


def _portability(*, rights_request, subjects: Sequence[DataSubject], actor: Actor) -> Outcome:
    export = portability_export(
        organisation=rights_request.organisation, subjects=subjects, actor=actor
    )
    return Outcome(summary=f"portability export: {export.rows} rows", download=export)


def kept_lines(preview: ErasurePreview) -> list[str]:
    """What an erasure keeps, why and until when: a line per kind of data, for the
    answer to the person (no value about them, only kinds, rules and dates)."""
    return [
        gettext("%(kind)s: kept until %(until)s (%(why)s).")
        % {
            "kind": line.name,
            "why": line.why,
            "until": date_format(line.until, "DATE_FORMAT") if line.until else gettext("its end"),
        }
        for line in preview.kept
    ]


def _notified(rights_request, subjects, change: str, actor: Actor) -> str:
    """Tell each recipient of the persons' data of the change (GDPR art. 19),
    before it is made (an erased person's recipients are still known)."""
    mailed = by_hand = 0
    for subject in subjects:
        notified = recipients_notify(
            organisation=rights_request.organisation, subject=subject, change=change, actor=actor
        )
        mailed, by_hand = mailed + len(notified), by_hand + len(notified.by_hand)
    return f"; recipients notified: {mailed} by mail, {by_hand} to notify by hand"


def _erasure(*, rights_request, subjects: Sequence[DataSubject], actor: Actor) -> Outcome:
    kept: list[str] = []
    for subject in subjects:
        kept += kept_lines(erasure_preview(subject=subject))
    notified = _notified(rights_request, subjects, Change.ERASURE, actor)
    outcome = subjects_erase(
        organisation=rights_request.organisation,
        subject_ids=[subject.pk for subject in subjects],
        actor=actor,
        reason=ErasureReason.REQUEST,
        reference=f"rights-request:{rights_request.pk}",
    )
    summary = f"erasure: {outcome.erased} person(s) erased, {outcome.already} already erased"
    summary += notified
    if kept:
        summary += ". " + " ".join(dict.fromkeys(kept))
    return Outcome(summary=summary)


def _restriction(*, rights_request, subjects: Sequence[DataSubject], actor: Actor) -> Outcome:
    notified = _notified(rights_request, subjects, Change.RESTRICTION, actor)
    for subject in subjects:
        subject_restrict(subject=subject, actor=actor, reference=f"request:{rights_request.pk}")
    return Outcome(summary=f"restriction: {len(subjects)} person(s) restricted{notified}")


def _objection(*, rights_request, subjects: Sequence[DataSubject], actor: Actor) -> Outcome:
    entries = 0
    for subject in subjects:
        entries += len(
            subject_object(subject=subject, actor=actor, reference=f"request:{rights_request.pk}")
        )
    return Outcome(
        summary=(
            f"objection: {len(subjects)} person(s) opposed to prospection, "
            f"{entries} address(es) on the suppression list"
        )
    )


DISPATCH: dict[str, Fulfilment] = {
    RequestKind.ACCESS: Fulfilment(_("Prepare the export"), _access),
    RequestKind.PORTABILITY: Fulfilment(_("Prepare the portable export"), _portability),
    RequestKind.ERASURE: Fulfilment(_("Erase the person's data"), _erasure),
    RequestKind.RESTRICTION: Fulfilment(_("Restrict the processing"), _restriction),
    RequestKind.OBJECTION: Fulfilment(_("Record the objection"), _objection),
    RequestKind.RECTIFICATION: Fulfilment(
        _("Rectify"),
        None,
        _(
            "Correct the data on the person's records through the usual pages (each "
            "change is journalled), then answer the request."
        ),
    ),
}


def fulfilment_of(kind: str) -> Fulfilment:
    return DISPATCH[kind]
