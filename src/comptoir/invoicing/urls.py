from django.urls import path  # noqa: F401

from comptoir.invoicing.views import bills, payments

app_name = "invoicing"

urlpatterns: list = []
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
    path("supplier-bills/", bills.bill_list, name="bill_list"),
    path("supplier-bills/<int:bill_id>/", bills.bill_detail, name="bill_detail"),
    path("supplier-bills/<int:bill_id>/original", bills.bill_original, name="bill_original"),
]
