from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from invoicing.core.api.router import router
from invoicing.core.api.schema import SchemaView
from invoicing.core.guides import guide
from invoicing.core.views import api_not_found, bad_request, dashboard, favicon, server_error

api_v1 = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("", include(router.urls)),
    re_path(r"^.*$", api_not_found),  # unknown API paths answer in the API's error shape
]

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    path("settings/", include("workspaces.urls")),
    path("contacts/", include("invoicing.contacts.urls")),
    path("products/", include("invoicing.products.urls")),
    path("settings/fiscal/", include("invoicing.fiscal.urls")),
    path("settings/ecf/", include("invoicing.ecf.urls")),
    path("settings/webhooks/", include("invoicing.webhooks.urls")),
    path("documents/", include("invoicing.documents.urls")),
    path("invoices/", include("invoicing.invoices.urls")),
    path("notes/", include("invoicing.notes.urls")),
    path("quotations/", include("invoicing.quotations.urls")),
    path("reports/", include("invoicing.reports.urls")),
    path("", include("invoicing.outreach.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    # The split view serves its start-up script as a file, so the page runs under our CSP.
    path("docs/", guide, name="guide-index"),
    re_path(r"^docs/(?P<name>[A-Za-z0-9_-]+\.md)$", guide, name="guide"),
    # Browsers ask for /favicon.ico whatever the page says: the app's own icon, no CDN.
    path("favicon.ico", favicon),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="api/docs.html"), name="api-docs"),
]

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/", include("bench.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = bad_request
handler404 = api_not_found
handler500 = server_error
