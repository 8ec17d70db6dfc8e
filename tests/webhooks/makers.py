"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from __future__ import annotations


def make_endpoint(workspace):
    from django.db import transaction

    from invoicing.webhooks import delivery, services

    endpoint = services.webhook_create(workspace=workspace, actor=None,
                                       url="https://receiver.invalid/hooks",
                                       events=["invoice.issued"])
    with transaction.atomic():  # one delivery in its log, for the retry route
        event = {"id": "msg_walk", "type": "invoice.issued",
                 "timestamp": "2026-01-01T00:00:00-04:00", "data": {"object": "invoice"}}
        delivery.fan_out(event, workspace.pk)
    endpoint.route_kwargs = {"delivery_id": endpoint.deliveries.get().pk}
    return endpoint


MAKERS = {"webhook": make_endpoint}
