from django.db.models import QuerySet

from comptoir.accounts.models import ApiToken


def token_list(*, organisation, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.of(organisation).filter(user=user).order_by("-created_at", "-pk")


def token_get(*, organisation, user, token_id: int) -> ApiToken:
    return token_list(organisation=organisation, user=user).get(pk=token_id)
