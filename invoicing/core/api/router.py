"""The API router: every app lists its viewsets in `<app>/api.py` as `routes`; they are
registered here once, with optional trailing slashes (`/invoices` ≡ `/invoices/`)."""

from __future__ import annotations

from importlib import import_module

from rest_framework.routers import SimpleRouter

API_MODULES = [
    "accounts.api",
    "workspaces.api",
    "invoicing.contacts.api",
    "invoicing.products.api",
    "invoicing.fiscal.api",
    "invoicing.invoices.api",
    "invoicing.quotations.api",
    "invoicing.ecf.api",
]


class OptionalSlashRouter(SimpleRouter):
    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


def build_router() -> OptionalSlashRouter:
    router = OptionalSlashRouter()
    for module_name in API_MODULES:
        for prefix, viewset, basename in getattr(import_module(module_name), "routes", []):
            router.register(prefix, viewset, basename=basename)
    return router


router = build_router()
