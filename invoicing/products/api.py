"""Products `/api/v1/products` and the stock ledger `/api/v1/stock-movements` (API.md)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from invoicing.core.api.filtering import BooleanFilter, IdFilter
from invoicing.core.api.viewsets import WorkspaceViewSet

from . import services, stock
from .models import MovementKind, Product, StockMovement
from .selectors import product_search
from .serializers import (
    ProductInputSerializer,
    ProductSerializer,
    StockMovementInputSerializer,
    StockMovementSerializer,
)


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="SKU or name contains.")
    sku = django_filters.CharFilter(field_name="sku", lookup_expr="iexact",
                                    help_text="Exact SKU (case-insensitive).")
    tracks_inventory = BooleanFilter()
    is_active = BooleanFilter()

    class Meta:
        model = Product
        fields = ["q", "sku", "tracks_inventory", "is_active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return product_search(queryset, value)


@extend_schema_view(
    list=extend_schema(description="`stock_quantity` is the sum of the product's stock "
                       "movements; it may be negative."),
    create=extend_schema(request=ProductInputSerializer, responses={201: ProductSerializer},
                         description="`sku` is unique in the workspace (400 on `sku`). "
                         "`tax_ids` are taxes of this workspace with at most one ITBIS "
                         "treatment (itbis or exempt)."),
    update=extend_schema(request=ProductInputSerializer, responses=ProductSerializer),
    partial_update=extend_schema(request=ProductInputSerializer, responses=ProductSerializer),
    destroy=extend_schema(description="204 when nothing refers to the product; 409 "
                          "`product_in_use` when a document line or a stock movement does "
                          "(deactivate it with PATCH `{\"is_active\": false}`)."),
)
class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    sort_fields = ("name", "sku", "unit_price", "stock_quantity", "created_at", "updated_at")
    default_sort = "name"

    def workspace_queryset(self, workspace):
        return super().workspace_queryset(workspace).prefetch_related("taxes")

    def _input(self, *args, **kwargs):
        return ProductInputSerializer(*args, context=self.get_serializer_context(), **kwargs)

    def _output(self, product):
        product = self.workspace_queryset(self.workspace).get(pk=product.pk)
        return ProductSerializer(product, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self._input(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = services.product_create(workspace=self.workspace, actor=request.user,
                                          **serializer.validated_data)
        return Response(self._output(product), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        product = self.get_object()
        serializer = self._input(product, data=request.data, partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        product = services.product_update(product=product, actor=request.user,
                                          **serializer.validated_data)
        return Response(self._output(product))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.product_delete(product=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StockMovementFilter(django_filters.FilterSet):
    product_id = IdFilter(field_name="product_id")
    invoice_id = IdFilter(field_name="invoice_id")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)

    class Meta:
        model = StockMovement
        fields = ["product_id", "invoice_id", "kind"]


@extend_schema_view(
    create=extend_schema(
        request=StockMovementInputSerializer, responses={201: StockMovementSerializer},
        description="Records an `adjustment` (signed quantity) or a `purchase` (positive "
        "quantity) with a required `note`, and moves the product's `stock_quantity` by it. "
        "`sale` and `sale_reversal` come from invoices only (400). Movements are "
        "append-only: there is no PUT, PATCH or DELETE (405); correct with a new movement.",
    ),
)
class StockMovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    queryset = StockMovement.objects.all()
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilter
    sort_fields = ("created_at", "quantity")
    default_sort = "-created_at"

    def create(self, request, *args, **kwargs):
        serializer = StockMovementInputSerializer(data=request.data,
                                                  context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        movement = stock.stock_manual_record(
            workspace=self.workspace, product=data["product_id"], quantity=data["quantity"],
            kind=data["kind"], note=data["note"], actor=request.user,
        )
        return Response(StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


routes = [
    ("products", ProductViewSet, "product"),
    ("stock-movements", StockMovementViewSet, "stock-movement"),
]
