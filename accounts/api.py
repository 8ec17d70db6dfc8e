"""API viewsets of this app; `routes` is read by invoicing.core.api.router."""

routes: list = []
