"""The "Cookies" page: the technical cookies Comptoir sets, each with its
purpose and lifetime, read from the one table the settings read too
(``settings.COOKIES``, built by ``comptoir.core.cookies``). Open to everyone,
signed in or not: the footer of every page links to it."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext


@dataclass(frozen=True)
class CookieLine:
    name: str
    purpose: str
    lifetime: str


def lifetime_label(seconds: int) -> str:
    """``24 hours``, ``30 minutes``, ``90 seconds``: the largest whole unit."""
    if seconds % 3600 == 0:
        count = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    if seconds % 60 == 0:
        count = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def cookies(request):
    lines = [
        CookieLine(cookie.name, str(cookie.purpose), lifetime_label(cookie.max_age))
        for cookie in settings.COOKIES
    ]
    return render(request, "web/cookies.html", {"cookies": lines})
