"""The published JSON Schema of the portability document: public, no login."""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from comptoir.privacy.access.portability import portability_schema, schema_text


@require_GET
@cache_control(public=True, max_age=3600)
def portability_schema_view(request):
    """``/privacy/portability.schema.json``: generated from the declarations."""
    body = schema_text(portability_schema(installed_only=True))
    return HttpResponse(body, content_type="application/schema+json; charset=utf-8")
