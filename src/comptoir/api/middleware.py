import io

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.urls import Resolver404, resolve

from comptoir.api.errors import error_response

# The largest id a database row can have (a signed 64-bit primary key): a path
# naming a larger one names nothing, on every database.
MAX_ID = 2**63 - 1

_CHUNK = 64 * 1024


class ApiErrorMiddleware:
    """Holds every /api/ answer to the API's error shape.

    Refuses a body larger than the limit with 413 before anything parses it:
    from its Content-Length, or, for a chunked body without one, by reading at
    most one byte past the limit. Serves every route with or without a trailing
    slash. Answers 404 for an id in the path that no row can have. Rewrites the
    framework's own non-JSON 4xx (an unknown route, a wrong method) into the shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if _too_large(request):
            return error_response(413)
        _drop_trailing_slash(request)
        response = self.get_response(request)
        if 400 <= response.status_code < 600 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allow = response.get("Allow")
            response = error_response(response.status_code)
            if allow:
                response["Allow"] = allow
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/") and any(
            isinstance(value, int) and value > MAX_ID for value in view_kwargs.values()
        ):
            return error_response(404)
        return None


def _too_large(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    declared = request.META.get("CONTENT_LENGTH")
    if declared:
        try:
            return int(declared) > limit
        except ValueError:
            return False
    if "chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return False
    # No length given: read the body here, up to one byte past the limit, and
    # hand what was read to Django as a body of known length.
    stream = getattr(request, "environ", {}).get("wsgi.input")
    if stream is None:  # not WSGI: the server has read the body already
        return False
    received = bytearray()
    while len(received) <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - len(received)))
        if not chunk:
            break
        received += chunk
    if len(received) > limit:
        return True
    request.META["CONTENT_LENGTH"] = str(len(received))
    request._stream = LimitedStream(io.BytesIO(bytes(received)), len(received))
    return False


def _drop_trailing_slash(request) -> None:
    """``/api/parties/`` is ``/api/parties``: the API's routes have no trailing
    slash, the UI's all have one, and a client may use either."""
    path = request.path_info
    if not path.endswith("/") or path == "/api/":
        return
    try:
        resolve(path, getattr(request, "urlconf", None))
        return
    except Resolver404:
        pass
    try:
        resolve(path[:-1], getattr(request, "urlconf", None))
    except Resolver404:
        return
    request.path = request.path[:-1]
    request.path_info = path[:-1]
