"""Where the domain tells the consent ledger what it alone knows about a person.

The engine never imports the domain apps (parties...): a domain app appends its
providers here in its ``AppConfig.ready``. Each takes a ``DataSubject`` and
answers None when the subject is not one of its people; the first answer wins.

- ``facts_providers``: what the prospection rules need (``ProspectFacts``).
- ``email_providers``: the address a double opt-in confirmation goes to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from comptoir.privacy.models import DataSubject


@dataclass(frozen=True)
class ProspectFacts:
    """What the prospection rules need to know about the person, from the domain."""

    country: str  # "FR" or "BE": whose law applies
    is_professional: bool  # a contact person of a company, reached at work
    is_customer: bool = False  # bought from us (soft opt-in)
    impersonal_address: bool = False  # info@, sales@... (Belgian B2B opt-out)
    inbound_last_12_months: int = 0  # messages, calls, visits that came from them
    stated_regular: bool = False  # staff recorded a regular relationship


facts_providers: list[Callable[[DataSubject], ProspectFacts | None]] = []
email_providers: list[Callable[[DataSubject], str | None]] = []


def _first(providers, subject: DataSubject):
    for provider in providers:
        answer = provider(subject)
        if answer is not None:
            return answer
    return None


def facts_of(subject: DataSubject) -> ProspectFacts | None:
    return _first(facts_providers, subject)


def email_of(subject: DataSubject) -> str | None:
    """The person's address for a confirmation mail ("" or None: none known)."""
    return _first(email_providers, subject) or None
