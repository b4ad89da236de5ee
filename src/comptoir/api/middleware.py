from django.conf import settings

from comptoir.api.errors import error_response


class ApiErrorMiddleware:
    """Holds every /api/ answer to the API's error shape.

    Refuses a body larger than the limit from its Content-Length with 413
    before anything reads it, and rewrites the framework's own non-JSON 4xx
    (an unknown route, a wrong method) into the shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return error_response(413)
        response = self.get_response(request)
        if 400 <= response.status_code < 600 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allow = response.get("Allow")
            response = error_response(response.status_code)
            if allow:
                response["Allow"] = allow
        return response
