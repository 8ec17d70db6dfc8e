"""`/api/v1/webhooks`, their delivery logs and redelivery (API.md "Webhooks"); admin and up
for everything, reads included (the log shows what was sent)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.core.errors import InvalidInput

from . import services
from .models import EVENT_TYPES, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .serializers import DeliverySerializer, WebhookInputSerializer, WebhookSerializer

MANAGE = "webhook_manage"
DELIVERY_FILTERS = [
    OpenApiParameter("status", str, enum=DeliveryStatus.values,
                     description="`pending`, `succeeded` or `failed`."),
    OpenApiParameter("type", str, enum=list(EVENT_TYPES), description="The event type."),
    OpenApiParameter("page", int), OpenApiParameter("per_page", int),
]


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints"),
    retrieve=extend_schema(summary="One webhook endpoint (never its secret)"),
    create=extend_schema(
        summary="Add a webhook endpoint", request=WebhookInputSerializer,
        responses={201: WebhookSerializer},
        description="The answer carries the signing `secret` (`whsec_…`) this once; only "
        "http(s) URLs, and none on loopback, private or link-local addresses (400 on `url`)."),
    partial_update=extend_schema(summary="Change a webhook endpoint",
                                 request=WebhookInputSerializer, responses=WebhookSerializer),
    update=extend_schema(summary="Replace a webhook endpoint's settings",
                         request=WebhookInputSerializer, responses=WebhookSerializer),
    destroy=extend_schema(summary="Remove a webhook endpoint and its log",
                          responses={204: OpenApiResponse(description="Removed")}),
)
class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """Endpoints that receive the workspace's events, signed the Standard Webhooks way."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = WebhookSerializer
    sort_fields = ("created_at", "url")
    default_sort = "-created_at"
    read_role = write_role = MANAGE
    redact_fields = ("secret",)

    def create(self, request, *args, **kwargs):
        serializer = WebhookInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_create(workspace=self.workspace, actor=request.user,
                                           **serializer.validated_data)
        return Response(WebhookSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = WebhookInputSerializer(data=request.data,
                                            partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_update(endpoint=endpoint, actor=request.user,
                                           **serializer.validated_data)
        return Response(WebhookSerializer(endpoint).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.webhook_delete(endpoint=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _deliveries(self, endpoint):
        return (WebhookDelivery.objects.filter(endpoint=endpoint, workspace=self.workspace)
                .select_related("event").prefetch_related("attempts").order_by("-id"))

    @extend_schema(summary="The delivery log: each event sent to this endpoint, with every "
                   "attempt (answer code, time, error)", parameters=DELIVERY_FILTERS,
                   responses=DeliverySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        queryset = self._deliveries(self.get_object())
        for name, allowed in (("status", DeliveryStatus.values), ("type", EVENT_TYPES)):
            value = request.query_params.get(name) or request.query_params.get(f"filter[{name}]")
            if value:
                if value not in allowed:
                    raise InvalidInput(_("Use one of: %(values)s.")
                                       % {"values": ", ".join(allowed)}, field=name)
                queryset = queryset.filter(**({"status": value} if name == "status"
                                              else {"event__type": value}))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(summary="Send a delivery again now (same webhook-id, fresh signature)",
                   description="202; the attempt joins the delivery's log. 409 "
                   "`endpoint_disabled` while the endpoint is disabled.", request=None,
                   parameters=[OpenApiParameter("delivery_id", OpenApiTypes.INT,
                                                OpenApiParameter.PATH)],
                   responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"],
            url_path=r"deliveries/(?P<delivery_id>\d+)/retry", url_name="delivery-retry")
    def retry(self, request, pk=None, delivery_id=None):
        delivery = self._deliveries(self.get_object()).filter(pk=int(delivery_id)).first()
        if delivery is None:
            raise Http404
        services.webhook_delivery_retry(delivery=delivery, actor=request.user)
        return Response(DeliverySerializer(self._deliveries(delivery.endpoint)
                                           .get(pk=delivery.pk)).data,
                        status=status.HTTP_202_ACCEPTED)


routes = [("webhooks", WebhookViewSet, "webhook")]
