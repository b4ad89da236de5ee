from django.urls import path

from comptoir.sales.views import catalogue, deliveries, orders, quotes, settings

app_name = "sales"

urlpatterns = [
    path("products/", catalogue.product_list, name="product_list"),
    path("products/new/", catalogue.product_create, name="product_create"),
    path("products/<int:product_id>/edit/", catalogue.product_edit, name="product_edit"),
    path(
        "products/<int:product_id>/deactivate/",
        catalogue.product_deactivate,
        name="product_deactivate",
    ),
    path(
        "products/<int:product_id>/activate/", catalogue.product_activate, name="product_activate"
    ),
    path("quotes/", quotes.quote_list, name="quote_list"),
    path("quotes/new/", quotes.quote_create, name="quote_create"),
    path("quotes/<int:quote_id>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:quote_id>/edit/", quotes.quote_edit, name="quote_edit"),
    path("quotes/<int:quote_id>/pdf/", quotes.quote_pdf, name="quote_pdf"),
    path("quotes/<int:quote_id>/lines/", quotes.quote_line_add, name="quote_line_add"),
    path(
        "quotes/<int:quote_id>/lines/<int:line_id>/",
        quotes.quote_line_edit,
        name="quote_line_edit",
    ),
    path(
        "quotes/<int:quote_id>/lines/<int:line_id>/remove/",
        quotes.quote_line_remove,
        name="quote_line_remove",
    ),
    path("quotes/<int:quote_id>/send/", quotes.quote_send, name="quote_send"),
    path("quotes/<int:quote_id>/accept/", quotes.quote_accept, name="quote_accept"),
    path("quotes/<int:quote_id>/refuse/", quotes.quote_refuse, name="quote_refuse"),
    path("quotes/<int:quote_id>/order/", quotes.quote_order, name="quote_order"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:order_id>/pdf/", orders.order_pdf, name="order_pdf"),
    path("orders/<int:order_id>/deliver/", orders.order_deliver, name="order_deliver"),
    path("deliveries/", deliveries.delivery_list, name="delivery_list"),
    path("deliveries/<int:delivery_id>/", deliveries.delivery_detail, name="delivery_detail"),
    path("deliveries/<int:delivery_id>/ship/", deliveries.delivery_ship, name="delivery_ship"),
    path("deliveries/<int:delivery_id>/pdf/", deliveries.delivery_pdf, name="delivery_pdf"),
    path(
        "deliveries/<int:delivery_id>/delete/",
        deliveries.delivery_delete,
        name="delivery_delete",
    ),
    path("settings/", settings.sales_settings, name="settings"),
    path("settings/logo/", settings.sales_settings_logo, name="settings_logo"),
    path("settings/series/<slug:series>/", settings.number_series, name="number_series"),
]

# The sales pipeline (moved here from the parties app).
from comptoir.sales.pipeline_urls import urlpatterns as pipeline_urlpatterns  # noqa: E402

urlpatterns += pipeline_urlpatterns
