from comptoir.tenancy.roles import Permission, has_permission
from comptoir.tenancy.selectors import user_memberships


def organisation(request):
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "organisation": membership.organisation,
        "membership": membership,
        "can": {p.name.lower(): has_permission(membership.role, p) for p in Permission},
        "user_memberships": user_memberships(user_id=request.user.pk),
    }
