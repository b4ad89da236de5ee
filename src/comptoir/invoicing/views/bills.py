"""The supplier bills pages: upload an e-invoice, the list, a bill with its
findings and lines, the original downloaded; and, for a supplier Comptoir does
not know, the confirmation screen. Thin: the service decides, the selectors read."""

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.invoicing import selectors_bills as selectors
from comptoir.invoicing.einvoice import reader
from comptoir.invoicing.models import SupplierBill
from comptoir.invoicing.services import bills as services
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.views import permission_required

BILL = SupplierBill._meta.label_lower
PAGE_SIZE = 50


class BillUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("E-invoice"),
        help_text=gettext_lazy(
            "A Factur-X PDF, or a CII or UBL XML file (10 MB at most), as your supplier sent it."
        ),
    )
    # The confirmation of an unknown supplier: the file shown, sent again.
    create_supplier = forms.BooleanField(required=False, widget=forms.HiddenInput)
    expected_sha256 = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > reader.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(mb)s MB at most).")
                % {"mb": reader.MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        data = super().clean()
        upload, expected = data.get("file"), data.get("expected_sha256")
        if upload is not None and expected:
            upload.seek(0)
            data["data"] = upload.read()
            if hashlib.sha256(data["data"]).hexdigest() != expected:
                self.add_error(
                    "file", _("This is not the file you were asked to confirm: choose it again.")
                )
        elif upload is not None:
            upload.seek(0)
            data["data"] = upload.read()
        return data


def _list_page(request, form, status=200):
    bills = selectors.bill_list(organisation=request.organisation)
    page = Paginator(bills, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list(request, object_type=BILL, subjects=subjects_of(page.object_list))
    return render(
        request,
        "invoicing/bills.html",
        {
            "page": page,
            "form": form,
            "can_receive": has_permission(request.membership.role, Permission.FINANCE_MANAGE),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.FINANCE_VIEW)
def bill_list(request):
    if request.method == "GET":
        return _list_page(request, BillUploadForm())
    if not has_permission(request.membership.role, Permission.FINANCE_MANAGE):
        raise PermissionDenied  # the list reads; receiving needs finance.manage
    form = BillUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form, status=422)
    data = form.cleaned_data["data"]
    try:
        receipt = services.bill_receive(
            actor=request_actor(request),
            organisation=request.organisation,
            data=data,
            create_supplier=form.cleaned_data["create_supplier"],
        )
    except ValidationError as exc:
        for message in exc.message_dict.get("file", exc.messages):
            form.add_error("file", message)
        return _list_page(request, form, status=422)
    if receipt.pending:
        confirm = BillUploadForm(
            initial={"create_supplier": True, "expected_sha256": hashlib.sha256(data).hexdigest()}
        )
        return render(
            request,
            "invoicing/bills_confirm.html",
            {"receipt": receipt, "seller": receipt.seller, "form": confirm},
        )
    bill = receipt.bill
    if bill.has_fatal:
        messages.error(
            request,
            _(
                "Invoice %(number)s was received and kept, but it breaks the official rules: "
                "see the findings and ask your supplier for a corrected invoice."
            )
            % {"number": bill.number},
        )
    else:
        messages.success(request, _("Invoice %(number)s received.") % {"number": bill.number})
    return redirect("invoicing:bill_detail", bill_id=bill.pk)


def _bill(request, bill_id: int) -> SupplierBill:
    try:
        return selectors.bill_get(organisation=request.organisation, bill_id=bill_id)
    except SupplierBill.DoesNotExist:
        raise Http404 from None


@require_GET
@permission_required(Permission.FINANCE_VIEW)
def bill_detail(request, bill_id: int):
    bill = _bill(request, bill_id)
    received = reader.read(selectors.bill_original(bill=bill))
    record_read(request, object_type=BILL, object_id=bill.pk, subjects=subjects_of([bill]))
    findings = sorted(bill.findings, key=lambda f: (f["flag"] != "fatal", f["rules"], f["id"]))
    return render(
        request,
        "invoicing/bills_detail.html",
        {
            "bill": bill,
            "document": received.document,
            "lines": list(zip(received.document.lines, received.line_totals, strict=True)),
            "findings": findings,
            "fatal_count": sum(1 for f in findings if f["flag"] == "fatal"),
        },
    )


@require_GET
@permission_required(Permission.FINANCE_VIEW)
def bill_original(request, bill_id: int):
    bill = _bill(request, bill_id)
    record_read(request, object_type=BILL, object_id=bill.pk, subjects=subjects_of([bill]))
    response = HttpResponse(selectors.bill_original(bill=bill), content_type=bill.content_type)
    suffix = "pdf" if bill.is_pdf else "xml"
    response["Content-Disposition"] = f'attachment; filename="supplier-bill-{bill.pk}.{suffix}"'
    return response
