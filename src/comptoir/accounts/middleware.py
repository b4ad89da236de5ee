from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.shortcuts import redirect

from comptoir.tenancy.roles import requires_mfa

# What a user who must enrol may still reach: the account pages (MFA enrolment,
# logout, password), the language switch, the cookies notice and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/healthz", "/cookies/")


class MfaRequiredMiddleware:
    """Owners and administrators use nothing until they have enrolled TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = getattr(request, "membership", None)
        # Read by the enrolment page, which says why it is there.
        request.mfa_required = membership is not None and requires_mfa(membership.role)
        if (
            request.mfa_required
            and not request.path.startswith(_OPEN_PREFIXES)
            and not get_mfa_adapter().is_mfa_enabled(request.user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
