from django.conf import settings
from django.utils import translation
from ninja import NinjaAPI

from comptoir.api import errors
from comptoir.api.auth import TokenAuth
from comptoir.api.pagination import MAX_LIMIT
from comptoir.api.parsing import MAX_DEPTH, ApiParser


class Api(NinjaAPI):
    """The OpenAPI document is built once per path prefix and language: it
    depends on the code alone, and building it costs more than a second of
    CPU, which anyone could ask for in a loop (it is public)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        built = self.__dict__.setdefault("_openapi_documents", {})
        key = (path_prefix, translation.get_language())
        if key not in built:
            built[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return built[key]


api = Api(
    title="Comptoir API",
    version="1",
    description=(
        "Comptoir's HTTP API. Authenticate with an API token: "
        "`Authorization: Bearer cpt_...`. Every 4xx answers "
        '`{"detail": ..., "errors": [{"field": ..., "message": ...}]}`. '
        "A body is a JSON object nested at most "
        f"{MAX_DEPTH} levels, of at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes, with no "
        "control character (but tab and line breaks) nor lone surrogate in any string. "
        f"Lists page with `limit` (1 to {MAX_LIMIT}) and `offset`. "
        "Every path answers with or without a trailing slash."
    ),
    auth=TokenAuth(),
    parser=ApiParser(),
    urls_namespace="api",
)
errors.install(api)

api.add_router("/organisation", "comptoir.tenancy.api.router")
api.add_router("/members", "comptoir.tenancy.api.members_router")
api.add_router("/tokens", "comptoir.accounts.api.router")
api.add_router("/audit", "comptoir.audit.api.router")
api.add_router("/parties", "comptoir.parties.api.parties_router")
api.add_router("/contact-persons", "comptoir.parties.api.contact_persons_router")
api.add_router("/pipeline", "comptoir.sales.api.pipeline.pipeline_router")
api.add_router("/opportunities", "comptoir.sales.api.pipeline.opportunities_router")
api.add_router("/products", "comptoir.sales.api.products_router")
api.add_router("/quotes", "comptoir.sales.api.quotes_router")
api.add_router("/orders", "comptoir.sales.api.orders_router")
api.add_router("/deliveries", "comptoir.sales.api.deliveries_router")
api.add_router("/sales-settings", "comptoir.sales.api.settings_router")
api.add_router("/invoices", "comptoir.invoicing.api.invoices_router")
api.add_router("/payments", "comptoir.invoicing.api.payments.payments_router")
api.add_router("/client-accounts", "comptoir.invoicing.api.payments.client_accounts_router")
api.add_router("/supplier-bills", "comptoir.invoicing.api.bills.router")
api.add_router("/breaches", "comptoir.privacy.breaches.api.router")
api.add_router("/privacy/register", "comptoir.privacy.register.api.router")
api.add_router("/rights-requests", "comptoir.privacy.requests.api.router")
api.add_router("/suppression", "comptoir.privacy.suppression.api.router")
api.add_router("/consents", "comptoir.privacy.consent.api.router")
api.add_router("/data-subjects", "comptoir.privacy.records.trail_api.router")
