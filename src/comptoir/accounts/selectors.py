from functools import cache

from django.db import connection
from django.db.models import QuerySet

from comptoir.accounts.models import ApiToken, User
from comptoir.core.rawsql import columns, instance, quote
from comptoir.tenancy.models import Membership, Organisation


def token_list(*, organisation, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.of(organisation).filter(user=user).order_by("-created_at", "-pk")


def token_get(*, organisation, user, token_id: int) -> ApiToken:
    return token_list(organisation=organisation, user=user).get(pk=token_id)


@cache
def _credentials_query(vendor: str):
    """One indexed lookup by digest, joined to the token's user, the user's
    membership of the token's organisation, and that organisation."""
    parts = [(ApiToken, "t"), (User, "u"), (Membership, "m"), (Organisation, "o")]
    selected = [columns(model, alias) for model, alias in parts]
    # Names come from model metadata only; the digest is a parameter.
    sql = (
        f"SELECT {', '.join(c for cols, _f in selected for c in cols)} "  # noqa: S608
        f"FROM {quote(ApiToken._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        f"JOIN {quote(Membership._meta.db_table)} m "
        "ON m.user_id = t.user_id AND m.organisation_id = t.organisation_id "
        f"JOIN {quote(Organisation._meta.db_table)} o ON o.id = t.organisation_id "
        "WHERE t.digest = %s"
    )
    return sql, [(model, fields) for (model, _a), (_c, fields) in zip(parts, selected, strict=True)]


def api_credentials(*, digest: str) -> tuple[ApiToken, Membership] | None:
    """The token with this digest, its user, and the membership it acts under
    (with its organisation): everything an API request needs, in one query.

    A token whose user left the organisation has no membership: None.
    """
    sql, parts = _credentials_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for model, fields in parts:
        objects.append(instance(model, fields, row[start : start + len(fields)]))
        start += len(fields)
    token, user, membership, organisation = objects
    token.user = user
    membership.user = user
    membership.organisation = organisation
    return token, membership


def user_names(*, user_ids) -> dict[int, str]:
    """How each of these users is shown to others (``User.name``), by id.

    For pages listing what people did (the audit journal): one query, and
    each name decrypted once however many rows the user has on the page."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return {}
    return {user.pk: user.name for user in User.objects.filter(pk__in=ids)}
