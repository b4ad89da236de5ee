from django.urls import path

from comptoir.invoicing.views import bills, invoices, payments

app_name = "invoicing"

urlpatterns: list = [
    path("invoices/", invoices.invoice_list, name="invoice_list"),
    path("invoices/new/", invoices.invoice_create, name="invoice_create"),
    path("invoices/<int:invoice_id>/", invoices.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/edit/", invoices.invoice_edit, name="invoice_edit"),
    path("invoices/<int:invoice_id>/lines/", invoices.invoice_line_add, name="invoice_line_add"),
    path(
        "invoices/<int:invoice_id>/lines/<int:line_id>/remove/",
        invoices.invoice_line_remove,
        name="invoice_line_remove",
    ),
    path("invoices/<int:invoice_id>/delete/", invoices.invoice_delete, name="invoice_delete"),
    path("invoices/<int:invoice_id>/issue/", invoices.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/credit/", invoices.invoice_credit, name="invoice_credit"),
    path("invoices/<int:invoice_id>/send/", invoices.invoice_email, name="invoice_email"),
    path(
        "invoices/<int:invoice_id>/file/<str:format>/", invoices.invoice_file, name="invoice_file"
    ),
    path(
        "invoices/from-order/<int:order_id>/",
        invoices.invoice_from_order,
        name="invoice_from_order",
    ),
    path(
        "invoices/from-delivery/<int:delivery_id>/",
        invoices.invoice_from_delivery,
        name="invoice_from_delivery",
    ),
]
urlpatterns += [
    path("payments/", payments.payment_list, name="payment_list"),
    path("payments/new/", payments.payment_create, name="payment_choose_client"),
    path("payments/new/<int:party_id>/", payments.payment_create, name="payment_create"),
    path("payments/<int:payment_id>/", payments.payment_detail, name="payment_detail"),
    path("payments/<int:payment_id>/allocate/", payments.payment_allocate, name="payment_allocate"),
    path(
        "payments/<int:payment_id>/allocations/<int:allocation_id>/remove/",
        payments.payment_unallocate,
        name="payment_unallocate",
    ),
    path("payments/<int:payment_id>/delete/", payments.payment_delete, name="payment_delete"),
    path("accounts/<int:party_id>/", payments.client_account, name="client_account"),
]
urlpatterns += [
    path("supplier-bills/", bills.bill_list, name="bill_list"),
    path("supplier-bills/<int:bill_id>/", bills.bill_detail, name="bill_detail"),
    path("supplier-bills/<int:bill_id>/original", bills.bill_original, name="bill_original"),
]
