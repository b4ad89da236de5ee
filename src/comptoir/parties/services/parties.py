"""Parties and contact persons: creation and update, validated, deduplicated, audited.

Every service validates the whole object first (``ValidationError`` keyed by
field name), then looks for duplicates through the blind indexes and the
indexed identifier columns, and only then writes: the row, the person's key
(an individual party or a contact person is a data subject) and one audit
record naming the fields, all in one transaction. ``allow_duplicate=True``
skips the duplicate check (the importer decides itself what to merge), never
the suppression list: an email or phone that objected (GDPR art. 21) is
refused on every creation and every update that sets it
(``privacy.suppression``).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import (
    audit,
    check_names,
    raise_if,
    update_locked,
    validate,
)
from comptoir.core.changes import filled
from comptoir.core.modelfields import editable_fields
from comptoir.parties import rules, selectors
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.parties.models.people import EMAIL_FIELDS, PHONE_FIELDS
from comptoir.privacy.keys import subject_create
from comptoir.privacy.suppression.rules import instance_suppression_errors
from comptoir.tenancy.models import Organisation

# What a creation or an update may set: the models' editable fields (``kind`` is
# fixed at creation, a contact person's ``party`` by its path).
PARTY_FIELDS = editable_fields(Party, exclude={"kind"})
CONTACT_PERSON_FIELDS = editable_fields(ContactPerson, exclude={"party"})


def _role_dates(party: Party) -> None:
    """A role taken without its date starts today (``rules.role_dates``)."""
    values = party.rule_values(name for pair in rules.ROLE_DATES for name in pair)
    rules.role_dates(values, timezone.localdate())
    for name, value in values.items():
        setattr(party, name, value)


def _oldest(found):
    """The first-created of a few duplicates. Read unordered: ``ORDER BY pk LIMIT 1``
    invites the planner to walk the primary key, every organisation's rows, hoping
    for an early match, and a duplicate check usually finds none."""
    return min(found.order_by(), key=lambda row: row.pk, default=None)


def _duplicate(message: str, other) -> ValidationError:
    return ValidationError(message, code="duplicate", params={"id": other.pk})


def _party_duplicates(party: Party, names: list[str]) -> dict[str, ValidationError]:
    errors = {}
    for name in ("siren", "enterprise_number", "email", "phone"):
        value = getattr(party, name)
        if name not in names or not value:
            continue
        other = _oldest(
            selectors.party_duplicates(
                organisation=party.organisation, exclude=party, **{name: value}
            )
        )
        if other is not None:
            errors[name] = _duplicate(
                _("Party #%(id)s already has this value.") % {"id": other.pk}, other
            )
    return errors


def _contact_person_duplicates(
    person: ContactPerson, names: list[str]
) -> dict[str, ValidationError]:
    errors = {}
    for kind, columns in (("email", EMAIL_FIELDS), ("phone", PHONE_FIELDS)):
        for name in columns:
            value = getattr(person, name)
            if name not in names or not value:
                continue
            other = _oldest(
                selectors.contact_person_duplicates(
                    organisation=person.organisation, exclude=person, **{kind: value}
                )
            )
            if other is not None:
                errors[name] = _duplicate(
                    _("Contact person #%(id)s of party #%(party)s already has this value.")
                    % {"id": other.pk, "party": other.party_id},
                    other,
                )
    return errors


def _checks(duplicates, allow_duplicate: bool):
    """What an update checks on the changed fields: the suppression list always,
    then duplicates unless allowed."""

    def check(row, names: list[str]) -> dict[str, ValidationError]:
        errors = instance_suppression_errors(row, names)
        if not allow_duplicate:
            errors = {**duplicates(row, names), **errors}
        return errors

    return check


def _party_prepared(*, organisation: Organisation, kind: str, **fields: Any) -> Party:
    """A validated, unsaved party: what ``party_create`` checks before it writes.

    The uniqueness of the fresh ``row_uuid`` (a random UUID) and the existence
    of the ``organisation`` the caller hands over are not queried. (The
    importer applies the same rules without an instance: ``parties.rules``.)
    """
    check_names(fields, PARTY_FIELDS, "party_create")
    party = Party(organisation=organisation, kind=kind, **fields)
    _role_dates(party)
    validate(party, exclude=["row_uuid", "organisation"])
    return party


def _contact_person_prepared(*, party: Party, **fields: Any) -> ContactPerson:
    """A validated, unsaved contact person of ``party``."""
    check_names(fields, CONTACT_PERSON_FIELDS, "contact_person_create")
    person = ContactPerson(organisation=party.organisation, party=party, **fields)
    validate(person, exclude=["row_uuid", "organisation"])
    return person


@transaction.atomic
def party_create(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: str,
    allow_duplicate: bool = False,
    **fields: Any,
) -> Party:
    """Create a company or an individual (who gets their own data subject)."""
    party = _party_prepared(organisation=organisation, kind=kind, **fields)
    names = ["kind", *filled(party, PARTY_FIELDS)]
    raise_if(_checks(_party_duplicates, allow_duplicate)(party, names))
    if party.kind == PartyKind.INDIVIDUAL:
        party.data_subject = subject_create(organisation=organisation)
    party.save()
    audit(actor=actor, action=Action.CREATE, instance=party, fields=names)
    return party


@transaction.atomic
def party_update(
    *, actor: Actor, party: Party, allow_duplicate: bool = False, **changes: Any
) -> Party:
    """Change some fields of a party; a company stays a company, an individual an individual."""
    if "kind" in changes and changes.pop("kind") != party.kind:
        raise ValidationError(
            {"kind": _("A company cannot become an individual, nor the reverse.")},
            code="kind",
        )
    return update_locked(
        actor=actor,
        instance=party,
        changes=changes,
        fields=PARTY_FIELDS,
        adjust=_role_dates,
        duplicates=_checks(_party_duplicates, allow_duplicate),
    )


@transaction.atomic
def contact_person_create(
    *, actor: Actor, party: Party, allow_duplicate: bool = False, **fields: Any
) -> ContactPerson:
    """Add a contact person (their own data subject) to a company party."""
    person = _contact_person_prepared(party=party, **fields)
    names = filled(person, CONTACT_PERSON_FIELDS)
    raise_if(_checks(_contact_person_duplicates, allow_duplicate)(person, names))
    person.data_subject = subject_create(organisation=party.organisation)
    person.save()
    audit(actor=actor, action=Action.CREATE, instance=person, fields=["party", *names])
    return person


@transaction.atomic
def contact_person_update(
    *, actor: Actor, contact_person: ContactPerson, allow_duplicate: bool = False, **changes: Any
) -> ContactPerson:
    return update_locked(
        actor=actor,
        instance=contact_person,
        changes=changes,
        fields=CONTACT_PERSON_FIELDS,
        duplicates=_checks(_contact_person_duplicates, allow_duplicate),
    )
