"""The cookies Comptoir sets: technical ones only, each with its lifetime.

One table, read by the settings (names and ages of Django's session, CSRF and
language cookies) and by the cookies notice (``web``'s "Cookies" page). No
other cookie is set: no consent banner is needed for technical cookies (CNIL,
art. 82 of the French Data Protection Act), and DOMAIN.md §4 caps their
lifetime at 24 hours from the moment they are set.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_AGE = 24 * 60 * 60  # DOMAIN.md §4: 24 hours


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: Promise  # translated when shown
    max_age: int  # seconds; set again (and so counted again) on each response that sets it


def technical_cookies(*, idle_timeout: int) -> tuple[Cookie, ...]:
    """The three cookies, the session's lasting ``idle_timeout`` seconds (it is
    set again on every request: an idle timeout)."""
    table = (
        Cookie(
            "sessionid",
            _(
                "Keeps you signed in, and remembers your organisation, until you "
                "sign out or stay idle too long."
            ),
            idle_timeout,
        ),
        Cookie(
            "csrftoken",
            _("Protects your forms against cross-site request forgery."),
            MAX_AGE,
        ),
        Cookie("django_language", _("Remembers the language you chose."), MAX_AGE),
    )
    for cookie in table:
        if not 0 < cookie.max_age <= MAX_AGE:
            raise ImproperlyConfigured(
                f"the {cookie.name} cookie would last {cookie.max_age} seconds: "
                f"from 1 to {MAX_AGE} (24 hours, DOMAIN.md §4)"
            )
    return table
