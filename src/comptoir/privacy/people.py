"""Finding a person by what they give: an email address or a phone number.

A rights request, a suppression check or a consent withdrawal starts from an
address, not from a row. ``people_matching`` asks every declared model whose
rows belong to a data subject and that holds a searchable email or phone
field, through the blind index of that field (one indexed query per
column, never a scan nor a decryption), and returns the data subjects found:
contact persons, individual parties, and whatever a later model declares the
same way. A new model with a searchable email field is found without a line
here. Users (staff accounts, outside every organisation's keys) are matched
separately, among the organisation's members, through their own blind index.

Nothing here says whether a match was found to anyone but the caller: the
public request page must answer the same either way.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from comptoir.privacy import blind_index, normalise
from comptoir.privacy.fields import EncryptedField
from comptoir.privacy.models import DataSubject
from comptoir.privacy.registry import registry, subject_lookup

# The normalisers whose values identify a person when given by them.
KINDS = ("email", "phone")


@dataclass(frozen=True)
class SearchableColumn:
    """One encrypted, searchable field of a declared model, and how its rows
    reach their data subject."""

    model: type
    field: EncryptedField
    lookup: str  # from a row to its DataSubject's id: ``<path>_id`` or ``<path>__pk``

    @property
    def kind(self) -> str:
        return self.field.normaliser


def searchable_columns(kind: str) -> list[SearchableColumn]:
    """Every searchable field of ``kind`` ("email" or "phone") on rows about a person."""
    found = []
    for model in registry.models():
        declaration = registry.for_model(model)
        path = subject_lookup(declaration)
        if path is None:
            continue
        for name in declaration.fields:
            model_field = model._meta.get_field(name)
            if (
                isinstance(model_field, EncryptedField)
                and model_field.blind_index
                and model_field.normaliser == kind
            ):
                found.append(SearchableColumn(model, model_field, path))
    return found


@dataclass
class Match:
    """Who an email or phone number leads to, within one organisation."""

    subjects: list[DataSubject] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)  # members of the organisation

    def __bool__(self) -> bool:
        return bool(self.subjects or self.user_ids)


def people_matching(*, organisation, email: str = "", phone: str = "") -> Match:
    """The organisation's data subjects (and members) that hold this email or phone.

    A value that cannot be normalised matches nobody. Shredded persons are
    left out: nothing can be read or done about them any more.
    """
    subject_ids: set[int] = set()
    for kind, value in (("email", email), ("phone", phone)):
        if not value:
            continue
        try:
            digest = blind_index.compute(
                organisation_id=organisation.pk,
                kind=kind,
                value=value,
                region=getattr(organisation, "country", "") or "FR",
            )
        except normalise.NormalisationError:
            continue
        for column in searchable_columns(kind):
            subject_ids.update(
                column.model._base_manager.filter(
                    organisation_id=organisation.pk, **{column.field.blind_index: digest}
                )
                .exclude(**{f"{column.lookup}__isnull": True})
                .values_list(column.lookup, flat=True)
            )
    subjects = list(
        DataSubject.objects.of(organisation)
        .filter(pk__in=subject_ids, shredded_at__isnull=True)
        .order_by("pk")
    )
    user_ids = []
    if email:
        user_ids = list(
            get_user_model()
            .objects.filter(email__iexact=email, memberships__organisation=organisation)
            .values_list("pk", flat=True)
        )
    return Match(subjects, user_ids)
