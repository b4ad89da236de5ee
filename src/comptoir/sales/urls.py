from django.urls import path  # noqa: F401

app_name = "sales"

urlpatterns: list = []

# The sales pipeline (moved here from the parties app).
from comptoir.sales.pipeline_urls import urlpatterns as pipeline_urlpatterns  # noqa: E402

urlpatterns += pipeline_urlpatterns
