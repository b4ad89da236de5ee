from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.changes import changed, filled, snapshot
from comptoir.core.modelfields import editable_fields
from comptoir.tenancy.models import Membership, Organisation
from comptoir.tenancy.roles import Permission, Role, has_permission

# What a creation or an update may set (everything but the keys of the row).
ORGANISATION_FIELDS = editable_fields(Organisation)
# What the organisation's own members may change (the API): its country,
# registration numbers and subscription are set when it is created.
ORGANISATION_SELF_FIELDS = editable_fields(
    Organisation,
    exclude={
        "country",
        "siren",
        "siret",
        "enterprise_number",
        "subscription_start",
        "subscription_end",
    },
)


def _validated(instance) -> None:
    instance.full_clean()


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    owner,
    legal_name: str,
    country: str,
    privacy_contact_name: str,
    privacy_contact_email: str,
    subscription_start: date,
    **details,
) -> Organisation:
    """Create an organisation with its first owner."""
    organisation = Organisation(
        legal_name=legal_name,
        country=country,
        privacy_contact_name=privacy_contact_name,
        privacy_contact_email=privacy_contact_email,
        subscription_start=subscription_start,
        **details,
    )
    _validated(organisation)
    organisation.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        organisation_id=organisation.pk,
        object_type="tenancy.Organisation",
        object_id=organisation.pk,
        fields=filled(organisation, ORGANISATION_FIELDS),
    )
    membership_add(actor=actor, organisation=organisation, user=owner, role=Role.OWNER)
    return organisation


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, **changes) -> Organisation:
    """Change some fields under a row lock; only those that really changed are
    saved and journalled, and nothing is written when none did."""
    unknown = sorted(set(changes) - ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"organisation_update: unknown or read-only fields {unknown}")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(locked, changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    _validated(locked)
    names = changed(locked, before)
    if names:
        locked.save(update_fields=names)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            organisation_id=locked.pk,
            object_type="tenancy.Organisation",
            object_id=locked.pk,
            fields=names,
        )
    return locked


def _check_may_assign(*, acting_role: str | None, role: str) -> None:
    """Owners grant any role; admins grant every role but owner."""
    if acting_role is None:  # the system (CLI, demo)
        return
    if not has_permission(acting_role, Permission.MEMBERS_MANAGE):
        raise PermissionDenied(_("You may not manage members."))
    if role == Role.OWNER and not has_permission(acting_role, Permission.OWNERS_MANAGE):
        raise PermissionDenied(_("Only an owner may grant or withdraw the owner role."))


def _check_owner_remains(*, organisation: Organisation, leaving: Membership) -> None:
    if leaving.role != Role.OWNER:
        return
    others = Membership.objects.of(organisation).filter(role=Role.OWNER).exclude(pk=leaving.pk)
    if not others.exists():
        raise ValidationError({"role": _("An organisation keeps at least one owner.")})


@transaction.atomic
def membership_add(
    *, actor: Actor, organisation: Organisation, user, role: str, acting_role: str | None = None
) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    _check_may_assign(acting_role=acting_role, role=role)
    if Membership.objects.of(organisation).filter(user=user).exists():
        raise ValidationError({"user": _("This user is already a member.")})
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_record(
        actor=actor,
        action=Action.PERMISSION_CHANGE,
        organisation_id=organisation.pk,
        object_type="tenancy.Membership",
        object_id=membership.pk,
        fields=["user", "role"],
    )
    return membership


@transaction.atomic
def membership_change_role(
    *, actor: Actor, organisation: Organisation, membership_id: int, role: str, acting_role: str
) -> Membership:
    membership = Membership.objects.of(organisation).select_for_update().get(pk=membership_id)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == membership.role:
        return membership
    _check_may_assign(acting_role=acting_role, role=role)
    _check_may_assign(acting_role=acting_role, role=membership.role)
    if role != Role.OWNER:
        _check_owner_remains(organisation=organisation, leaving=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action=Action.PERMISSION_CHANGE,
        organisation_id=organisation.pk,
        object_type="tenancy.Membership",
        object_id=membership.pk,
        fields=["role"],
    )
    return membership


def _revoke_tokens_of(*, actor: Actor, organisation: Organisation, user_id: int) -> None:
    """A member who leaves loses their API tokens for good (not only while away)."""
    from comptoir.accounts.models import ApiToken
    from comptoir.accounts.services import token_revoke

    live = ApiToken.objects.of(organisation).filter(user_id=user_id, revoked_at=None)
    for token_id in live.values_list("pk", flat=True):
        token_revoke(actor=actor, organisation=organisation, token_id=token_id)


@transaction.atomic
def membership_remove(
    *, actor: Actor, organisation: Organisation, membership_id: int, acting_role: str
) -> None:
    membership = Membership.objects.of(organisation).select_for_update().get(pk=membership_id)
    _check_may_assign(acting_role=acting_role, role=membership.role)
    _check_owner_remains(organisation=organisation, leaving=membership)
    membership.delete()
    _revoke_tokens_of(actor=actor, organisation=organisation, user_id=membership.user_id)
    audit_record(
        actor=actor,
        action=Action.PERMISSION_CHANGE,
        organisation_id=organisation.pk,
        object_type="tenancy.Membership",
        object_id=membership_id,
        fields=["user", "role"],
    )


@transaction.atomic
def member_invite(
    *,
    actor: Actor,
    organisation: Organisation,
    email: str,
    role: str,
    acting_role: str,
    base_url: str,
) -> Membership:
    """Add a person by email; a new account gets a link to choose its password."""
    from comptoir.accounts.models import User
    from comptoir.accounts.services import user_create, user_send_invitation

    user = User.objects.filter(email__iexact=email.strip()).first()
    created = user is None
    if created:
        user = user_create(actor=actor, email=email, password=None)
    membership = membership_add(
        actor=actor, organisation=organisation, user=user, role=role, acting_role=acting_role
    )
    if created:
        transaction.on_commit(
            lambda: user_send_invitation(
                user=user, organisation_name=organisation.legal_name, base_url=base_url
            )
        )
    return membership
