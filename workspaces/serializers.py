from rest_framework import serializers

from invoicing.core.api.fields import QuantityField

from .models import Currency


class CurrencySerializer(serializers.ModelSerializer):
    """Output, and input for create/update (validated shape only; rules live in services)."""

    exchange_rate = QuantityField(required=False, min_value=0)
    is_default = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)

    class Meta:
        model = Currency
        fields = ["id", "code", "name", "symbol", "exchange_rate", "is_default", "is_active"]
        extra_kwargs = {"name": {"required": False}, "symbol": {"required": False}}
