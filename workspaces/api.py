"""Currencies: `/api/v1/currencies` (API.md). The reference example of a resource: a thin
viewset over the base conventions, every write through a service."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter
from invoicing.core.api.viewsets import WorkspaceViewSet
from workspaces.roles import FISCAL

from . import services
from .models import Currency, ExchangeRate
from .serializers import CurrencySerializer, ExchangeRateSerializer


class CurrencyFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")
    is_active = BooleanFilter()
    is_default = BooleanFilter()

    class Meta:
        model = Currency
        fields = ["code", "is_active", "is_default"]


@extend_schema_view(
    create=extend_schema(description="`code` must be an ISO 4217 code (400 on `code`), unique "
                         "in the workspace. `exchange_rate` (to the default currency) is "
                         "recorded as today's rate. `is_default: true` makes it the one "
                         "default (rate 1) and restates the other rates against it."),
    partial_update=extend_schema(description="`exchange_rate` records today's rate in the "
                                 "history (use `POST /currencies/{id}/rates` for another "
                                 "date). `code` changes only while no document uses the "
                                 "currency (409)."),
    destroy=extend_schema(description="204 when unused; 409 `currency_in_use` for the "
                          "default currency or one used by documents (deactivate it)."),
)
class CurrencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = services.with_rate_history(Currency.objects.all())
    serializer_class = CurrencySerializer
    filterset_class = CurrencyFilter
    sort_fields = ("code", "name", "exchange_rate")
    default_sort = "code"
    write_role = FISCAL

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        currency = services.currency_create(
            workspace=self.workspace, actor=request.user, code=data.get("code", ""),
            name=data.get("name", ""), symbol=data.get("symbol", ""),
            exchange_rate=data.get("exchange_rate"), is_default=data.get("is_default", False),
        )
        return Response(self.get_serializer(currency).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        currency = self.get_object()
        serializer = self.get_serializer(currency, data=request.data,
                                         partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        currency = services.currency_update(currency=currency, actor=request.user,
                                            **serializer.validated_data)
        return Response(self.get_serializer(currency).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.currency_delete(currency=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"], responses=ExchangeRateSerializer(many=True), filters=False,
        description="The currency's rate history, newest effective date first (paginated).",
    )
    @extend_schema(
        methods=["POST"], request=ExchangeRateSerializer,
        responses={201: ExchangeRateSerializer,
                   400: OpenApiResponse(description="Bad rate or date; the default "
                                        "currency's rate is always 1.")},
        description="Record the rate in force from `effective_date` (default today; not in "
        "the future). An entry for the same day is replaced. Documents issued on or after "
        "that date take it; the currency's `exchange_rate` follows today's rate.",
    )
    @action(detail=True, methods=["get", "post"], url_path="rates")
    def rates(self, request, pk=None):
        currency = self.get_object()  # a foreign id is 404 before the body is read
        if request.method == "GET":
            history = (ExchangeRate.objects.filter(currency=currency)
                       .order_by("-effective_date", "-id"))
            page = self.paginate_queryset(history)
            return self.get_paginated_response(ExchangeRateSerializer(page, many=True).data)
        serializer = ExchangeRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.exchange_rate_set(
            currency=currency, actor=request.user, rate=serializer.validated_data["rate"],
            effective_date=serializer.validated_data.get("effective_date"),
        )
        return Response(ExchangeRateSerializer(entry).data, status=status.HTTP_201_CREATED)


routes = [("currencies", CurrencyViewSet, "currency")]
