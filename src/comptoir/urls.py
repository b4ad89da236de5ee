from django.urls import include, path

from comptoir.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("mail/", include("comptoir.mail.urls")),
    path("parties/import/", include("comptoir.parties.importing.urls")),
    path("parties/", include("comptoir.parties.urls")),
    path("sales/", include("comptoir.sales.urls")),
    path("invoicing/", include("comptoir.invoicing.urls")),
    path("privacy/", include("comptoir.privacy.urls")),
    path("", include("comptoir.web.urls")),
]
