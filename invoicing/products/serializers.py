from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from invoicing.core.api.fields import MoneyField, QuantityField, WorkspaceRelatedField
from invoicing.fiscal.models import Tax

from .models import MovementKind, Product, StockMovement
from .stock import MANUAL_KINDS


class ProductSerializer(serializers.ModelSerializer):
    """Output, and input for create/update (shape only; rules live in the services)."""

    unit_price = MoneyField(required=False, min_value=0)
    cost = MoneyField(required=False, min_value=0)
    unit = serializers.CharField(required=False, max_length=20)
    description = serializers.CharField(required=False, allow_blank=True)
    stock_quantity = QuantityField(read_only=True)
    tax_ids = serializers.SerializerMethodField()
    tracks_inventory = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "description", "unit_price", "cost", "unit",
                  "tracks_inventory", "stock_quantity", "tax_ids", "is_active"]
        # The service checks uniqueness per workspace (DRF's validator would not scope it).
        validators: list = []

    def get_tax_ids(self, product) -> list[int]:
        # Uses the prefetched taxes (one query for the whole page).
        return sorted(tax.pk for tax in product.taxes.all())


class ProductInputSerializer(ProductSerializer):
    tax_ids = WorkspaceRelatedField(model=Tax, many=True, required=False, source="taxes")


class StockMovementSerializer(serializers.ModelSerializer):
    quantity = QuantityField()
    product_id = serializers.IntegerField(read_only=True)
    invoice_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = StockMovement
        fields = ["id", "product_id", "quantity", "kind", "invoice_id", "note", "created_at"]
        read_only_fields = fields


class StockMovementInputSerializer(serializers.Serializer):
    product_id = WorkspaceRelatedField(model=Product)
    quantity = QuantityField()
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    note = serializers.CharField(max_length=255)

    def validate_kind(self, value):
        if value not in MANUAL_KINDS:
            raise serializers.ValidationError(_(
                "Only adjustment and purchase are recorded through the API; sales and their "
                "reversals come from invoices."))
        return value
