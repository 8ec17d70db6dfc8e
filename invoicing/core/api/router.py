"""The API router: every app lists its viewsets in `<app>/api.py` as `routes`; they are
registered here once, with optional trailing slashes (`/invoices` ≡ `/invoices/`)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from invoicing.core.discovery import app_modules


class OptionalSlashRouter(SimpleRouter):
    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


def build_router() -> OptionalSlashRouter:
    router = OptionalSlashRouter()
    for module in app_modules("api"):
        for prefix, viewset, basename in getattr(module, "routes", []):
            router.register(prefix, viewset, basename=basename)
    return router


router = build_router()
