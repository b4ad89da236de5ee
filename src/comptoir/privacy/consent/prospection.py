"""May this person be sent prospection through this channel? (DOMAIN.md §6)

``may_prospect`` answers with a ``Decision`` (allowed, and why) from, in order:

1. the vetoes (``prospection_vetoes``): other parts of the engine add theirs
   (restriction, the suppression list, an objection), each a function
   ``(subject, channel) -> reason or None``; the first reason refuses;
2. the consent ledger: a withdrawn consent refuses, whatever else holds; a
   consent in force (confirmed by double opt-in where needed) allows;
3. occasional or regular contact (``selectors.contact_status``): an
   occasional contact may receive one message only, asking for consent;
4. the law of the person's country for a regular contact without consent:
   France and Belgium alike, post and phone are opt-out, and existing
   customers may get offers by email or SMS (soft opt-in); individuals
   otherwise need prior consent by email or SMS; professionals may be
   emailed without consent about their job, in Belgium only at an impersonal
   address (info@, sales@...).

The consent ledger knows nothing of parties: what it needs about the person
(``ProspectFacts``) comes from the caller, or from the providers the domain
registers in ``hooks.facts_providers`` (the parties app registers one).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.privacy.consent import selectors
from comptoir.privacy.consent.hooks import ProspectFacts, facts_of
from comptoir.privacy.consent.models import ConsentPurpose
from comptoir.privacy.models import DataSubject


class ProspectChannel(TextChoices):
    EMAIL = "email", gettext_lazy("Email")
    SMS = "sms", gettext_lazy("SMS")
    PHONE = "phone", gettext_lazy("Phone")
    POST = "post", gettext_lazy("Post")


PURPOSE_OF_CHANNEL = {
    ProspectChannel.EMAIL: ConsentPurpose.PROSPECTION_EMAIL,
    ProspectChannel.SMS: ConsentPurpose.PROSPECTION_SMS,
    ProspectChannel.PHONE: ConsentPurpose.PROSPECTION_PHONE,
    ProspectChannel.POST: ConsentPurpose.PROSPECTION_POST,
}
ELECTRONIC = frozenset({ProspectChannel.EMAIL, ProspectChannel.SMS})
COUNTRIES = frozenset({"FR", "BE"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


# Other parts of the engine append here (the lead wires them): restriction,
# suppression list, objection. Each returns a reason to refuse, or None.
prospection_vetoes: list[Callable[[DataSubject, ProspectChannel], str | None]] = []


def may_prospect(
    *,
    subject: DataSubject,
    channel: ProspectChannel,
    facts: ProspectFacts | None = None,
    asking_consent: bool = False,
) -> Decision:
    """May ``subject`` be sent prospection through ``channel``?

    ``asking_consent``: the message is the one that asks an occasional
    contact for consent. ``facts`` default to what ``facts_providers`` say.
    """
    channel = ProspectChannel(channel)
    if subject.is_shredded:
        return Decision(False, _("The person was erased."))
    for veto in prospection_vetoes:
        reason = veto(subject, channel)
        if reason:
            return Decision(False, str(reason))
    states = selectors.consent_states(organisation=subject.organisation_id, subjects=[subject])[
        subject.pk
    ]
    state = states[PURPOSE_OF_CHANNEL[channel]]
    if state.status == selectors.ConsentStatus.WITHDRAWN:
        return Decision(False, _("The person withdrew their consent."))
    if state.given:
        return Decision(True, _("The person consented."))
    facts = facts if facts is not None else facts_of(subject)
    if facts is None:
        return Decision(False, _("Nothing is known of this person's relationship with us."))
    status = selectors.contact_status(
        subject=subject,
        inbound_last_12_months=facts.inbound_last_12_months,
        is_customer=facts.is_customer,
        stated_regular=facts.stated_regular,
        states=states,
    )
    if not status.regular:
        if not asking_consent:
            return Decision(
                False,
                _("An occasional contact may only receive one message, asking for consent."),
            )
        if selectors.solicited(subject=subject) is not None:
            return Decision(False, _("This occasional contact was already asked for consent."))
        return Decision(True, _("One message asking an occasional contact for consent."))
    return _regular_without_consent(channel, facts, pending=state.status)


def _regular_without_consent(channel: ProspectChannel, facts: ProspectFacts, pending) -> Decision:
    if facts.country not in COUNTRIES:
        return Decision(False, _("No prospection rule is known for this country."))
    if channel not in ELECTRONIC:
        return Decision(True, _("Post and phone prospection is allowed unless the person objects."))
    if facts.is_customer:
        return Decision(
            True, _("An existing customer may receive offers for similar products (soft opt-in).")
        )
    if facts.is_professional:
        if facts.country == "FR":
            return Decision(
                True, _("A professional may be contacted at work about their job (opt-out).")
            )
        if facts.impersonal_address:
            return Decision(True, _("An impersonal business address may be contacted (opt-out)."))
        return Decision(False, _("In Belgium a professional's personal address needs consent."))
    if pending == selectors.ConsentStatus.PENDING:
        return Decision(False, _("The consent waits for its double opt-in confirmation."))
    return Decision(False, _("An individual needs to have consented first."))
