"""Currencies: `/api/v1/currencies` (API.md). The reference example of a resource: a thin
viewset over the base conventions, every write through a service."""

import django_filters
from rest_framework import mixins, status
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter
from invoicing.core.api.viewsets import WorkspaceViewSet
from workspaces.roles import FISCAL

from . import services
from .models import Currency
from .serializers import CurrencySerializer


class CurrencyFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")
    is_active = BooleanFilter()
    is_default = BooleanFilter()

    class Meta:
        model = Currency
        fields = ["code", "is_active", "is_default"]


class CurrencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Currency.objects.all()
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
                                         partial=kwargs.get("partial", False)
                                         or request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        currency = services.currency_update(currency=currency, actor=request.user,
                                            **serializer.validated_data)
        return Response(self.get_serializer(currency).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.currency_delete(currency=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


routes = [("currencies", CurrencyViewSet, "currency")]
