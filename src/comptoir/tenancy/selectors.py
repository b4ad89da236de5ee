from django.db.models import QuerySet

from comptoir.tenancy.models import Membership, Organisation


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.of(organisation).select_related("user").order_by("pk")


def membership_get(*, organisation: Organisation, membership_id: int) -> Membership:
    return membership_list(organisation=organisation).get(pk=membership_id)


def membership_of_user(*, organisation_id: int, user_id: int) -> Membership | None:
    return (
        Membership.objects.of(organisation_id)
        .select_related("organisation")
        .filter(user_id=user_id)
        .first()
    )


def user_memberships(*, user_id: int) -> QuerySet[Membership]:
    """The organisations one user belongs to (for the switcher): the user's own rows."""
    return (
        Membership.across_organisations.filter(user_id=user_id)
        .select_related("organisation")
        .order_by("organisation__legal_name", "pk")
    )
