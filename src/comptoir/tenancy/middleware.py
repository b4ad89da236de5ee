from comptoir.tenancy.selectors import membership_of_user, user_memberships

SESSION_KEY = "comptoir_organisation_id"


class ActiveOrganisationMiddleware:
    """Puts the signed-in user's active organisation and membership on the request.

    The active organisation is kept in the session (set by the switcher); a
    user who lost that membership falls back to their first organisation.
    The API authenticates by token and sets these itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.organisation = None
        if not request.path.startswith("/api/") and request.user.is_authenticated:
            membership = None
            org_id = request.session.get(SESSION_KEY)
            if org_id is not None:
                membership = membership_of_user(organisation_id=org_id, user_id=request.user.pk)
            if membership is None:
                membership = user_memberships(user_id=request.user.pk).first()
                if membership is not None:
                    request.session[SESSION_KEY] = membership.organisation_id
            if membership is not None:
                request.membership = membership
                request.organisation = membership.organisation
        return self.get_response(request)
