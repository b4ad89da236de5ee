"""What the sales pages share: permissions, 404s, list pages, POST actions."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from comptoir.audit.reads import record_read, subjects_of
from comptoir.sales import selectors
from comptoir.tenancy.roles import Permission, has_permission

PAGE_SIZE = 25


def can(request, permission: Permission) -> bool:
    return has_permission(request.membership.role, permission)


def or_404(read: Callable, **kwargs):
    try:
        return read(**kwargs)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def page_of(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def action(request, run: Callable[[], object], done: str, back: str, **back_args):
    """A POST button: run the service, say what happened (or why not), go back."""
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back, **back_args)


def pdf_response(request, document, object_type: str):
    """The document's PDF as a download; journalled as a read of the document."""
    data, name = selectors.document_pdf(document)
    record_read(
        request, object_type=object_type, object_id=document.pk, subjects=subjects_of([document])
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
