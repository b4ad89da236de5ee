"""What the operations of the parties API (and the sales pipeline's) share: ids of a
body turned into objects."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from comptoir.parties import selectors
from comptoir.parties.models import ContactPerson, Interaction, Party
from comptoir.tenancy import selectors as tenancy_selectors
from comptoir.tenancy.models import Membership

PARTY = Party._meta.label_lower
CONTACT_PERSON = ContactPerson._meta.label_lower
INTERACTION = Interaction._meta.label_lower

# The services name a related object by its model field; the API by its id.
BODY_NAMES = {
    "sales_rep": "sales_rep_id",
    "owner": "owner_id",
    "stage": "stage_id",
    "contact_person": "contact_person_id",
    "party": "party_id",
}


@contextmanager
def body_names() -> Iterator[None]:
    """Errors of a service keyed by the names of the body (``owner`` -> ``owner_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {BODY_NAMES.get(name, name): errors for name, errors in exc.error_dict.items()}
        ) from None


def one(queryset: QuerySet, pk: int | None, field: str) -> Model | None:
    """The object ``pk`` of the caller's organisation, or a 422 on ``field``."""
    if pk is None:
        return None
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise ValidationError(
            {field: _("Not found in this organisation.")}, code="not_found"
        ) from None


def member(request, pk: int | None, field: str) -> Membership | None:
    return one(tenancy_selectors.membership_list(organisation=request.organisation), pk, field)


def party_of(request, party_id: int) -> Party:
    """The party of the path (404 for another organisation's)."""
    return selectors.party_get(organisation=request.organisation, party_id=party_id)
