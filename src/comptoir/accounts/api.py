from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from comptoir.accounts import selectors, services
from comptoir.accounts.models import ApiToken, TokenScope
from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import model_schema
from comptoir.audit.reads import record_list_page, record_read
from comptoir.core.http import request_actor
from comptoir.tenancy.roles import Permission

router = Router(tags=["tokens"])


class _TokenOutBase(Schema):
    id: int


TokenOut = model_schema(
    "TokenOut",
    ApiToken,
    {*services.TOKEN_FIELDS, "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"},
    mode="out",
    base=_TokenOutBase,
)


class _TokenCreatedOutBase(TokenOut):
    token: str


TokenCreatedOut = model_schema(
    "TokenCreatedOut", ApiToken, (), mode="out", base=_TokenCreatedOutBase
)
TokenIn = model_schema(
    "TokenIn",
    ApiToken,
    services.TOKEN_FIELDS,
    mode="in",
    info={"scope": {"default": TokenScope.READ}},
    extra={
        "days": (
            int,
            Field(90, ge=1, le=services.MAX_TOKEN_DAYS, description="how long the token lasts"),
        )
    },
)


@router.get("", response={200: list[TokenOut], **ERRORS})
@paginate
def token_list(request):
    """The caller's own tokens in this organisation."""
    require(request, Permission.TOKENS_USE)
    record_list_page(request, object_type="accounts.ApiToken")
    return selectors.token_list(organisation=request.organisation, user=request.user)


@router.get("/{int:token_id}", response={200: TokenOut, **ERRORS})
def token_detail(request, token_id: int):
    require(request, Permission.TOKENS_USE)
    token = selectors.token_get(
        organisation=request.organisation, user=request.user, token_id=token_id
    )
    record_read(request, object_type="accounts.ApiToken", object_id=token.pk, subjects=())
    return token


@router.post("", response={201: TokenCreatedOut, **ERRORS})
def token_create(request, payload: TokenIn):
    """Create a token; its value is in this answer and nowhere else, ever."""
    require(request, Permission.TOKENS_USE)
    token, raw = services.token_create(
        actor=request_actor(request),
        organisation=request.organisation,
        user=request.user,
        name=payload.name,
        scope=payload.scope,
        days=payload.days,
    )
    token.token = raw
    return Status(201, token)


@router.delete("/{int:token_id}", response={204: None, **ERRORS})
def token_revoke(request, token_id: int):
    require(request, Permission.TOKENS_USE)
    services.token_revoke(
        actor=request_actor(request),
        organisation=request.organisation,
        token_id=token_id,
        user=request.user,
    )
    return Status(204, None)
