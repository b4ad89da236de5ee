"""One error shape for every 4xx of the API:

    {"detail": "...", "errors": [{"field": "...", "message": "..."}]}

No stack trace, no exception text from the database, no personal data: the
messages are Comptoir's own.
"""

import logging

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import (
    ValidationError as DjangoValidationError,
)
from django.http import Http404, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from comptoir.api.parsing import InputRefused

logger = logging.getLogger("comptoir.api")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# Declared on every operation so the OpenAPI document says what really comes back.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}

MESSAGES = {
    400: "Bad request.",
    401: "Authentication required: send a valid API token as 'Authorization: Bearer <token>'.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request body is too large.",
    422: "The request is not valid.",
    500: "Internal error.",
}


def error_response(status: int, detail: str | None = None, errors=()) -> JsonResponse:
    body = {"detail": detail or MESSAGES.get(status, "Error."), "errors": list(errors)}
    return JsonResponse(body, status=status)


def _loc_to_field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
    return ".".join(parts) or "body"


def _ninja_validation(request, exc: NinjaValidationError):
    errors = [
        {"field": _loc_to_field(e.get("loc", ())), "message": str(e.get("msg", "Invalid value."))}
        for e in exc.errors
    ]
    return error_response(422, errors=errors)


def _django_validation(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "body" if field == "__all__" else field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "body", "message": str(m)} for m in exc.messages]
    return error_response(422, errors=errors)


def _http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return error_response(413)
    if isinstance(cause, InputRefused):
        return error_response(422, errors=cause.errors)
    if exc.status_code == 400 and cause is not None:  # ninja: a body it could not parse
        return error_response(
            422, errors=[{"field": "body", "message": "The body is not valid JSON."}]
        )
    if exc.status_code == 401:
        return error_response(401)
    message = str(exc) if exc.status_code != 500 else None
    return error_response(exc.status_code, message)


def _unexpected(request, exc: Exception):
    # The class name only: exception texts may quote values.
    logger.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.path)
    return error_response(500)


def install(api) -> None:
    api.add_exception_handler(NinjaValidationError, _ninja_validation)
    api.add_exception_handler(DjangoValidationError, _django_validation)
    api.add_exception_handler(AuthenticationError, lambda r, e: error_response(401))
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, lambda r, e: error_response(404))
    api.add_exception_handler(ObjectDoesNotExist, lambda r, e: error_response(404))
    api.add_exception_handler(PermissionDenied, lambda r, e: error_response(403, str(e) or None))
    api.add_exception_handler(RequestDataTooBig, lambda r, e: error_response(413))
    # Too many query fields and the like: Django's own answer to them is a 400.
    api.add_exception_handler(SuspiciousOperation, lambda r, e: error_response(400))
    api.add_exception_handler(InputRefused, lambda r, e: error_response(422, errors=e.errors))
    api.add_exception_handler(Exception, _unexpected)
