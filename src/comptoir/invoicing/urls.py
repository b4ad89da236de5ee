from django.urls import path  # noqa: F401

from comptoir.invoicing.views import bills

app_name = "invoicing"

urlpatterns: list = []
urlpatterns += [
    path("supplier-bills/", bills.bill_list, name="bill_list"),
    path("supplier-bills/<int:bill_id>/", bills.bill_detail, name="bill_detail"),
    path("supplier-bills/<int:bill_id>/original", bills.bill_original, name="bill_original"),
]
