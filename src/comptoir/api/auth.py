from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from comptoir.accounts.services import token_authenticate, token_mark_used
from comptoir.tenancy.roles import READ_ONLY_ROLES, Permission, has_permission

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cpt_...``: the token says who and for which organisation.

    A read token, or a read-only role, may only read. ``reads_only=True`` marks
    an operation that reads whatever its method: a search sent by POST so that
    the personal data it looks for stays out of the URL.
    """

    def __init__(self, *, reads_only: bool = False):
        super().__init__()
        self.reads_only = reads_only

    def authenticate(self, request: HttpRequest, token: str):
        found = token_authenticate(token)
        if found is None:
            return None
        api_token, membership = found
        if (
            not self.reads_only
            and request.method not in SAFE_METHODS
            and (not api_token.can_write or membership.role in READ_ONLY_ROLES)
        ):
            raise HttpError(403, "This token may only read.")
        token_mark_used(api_token)
        request.api_token = api_token
        request.membership = membership
        request.organisation = membership.organisation
        request.user = api_token.user
        return api_token


def require(request: HttpRequest, permission: Permission) -> None:
    """Refuse with 403 unless the caller's role holds the permission."""
    if not has_permission(request.membership.role, permission):
        raise HttpError(403, "You do not have permission to do this.")
