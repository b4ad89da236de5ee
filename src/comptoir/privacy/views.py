"""The privacy hub: where the organisation's privacy contact starts."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required


@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def hub(request):
    return render(request, "privacy/hub.html", {"here": "privacy"})
