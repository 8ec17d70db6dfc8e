import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from invoicing.core.api.fields import QuantityField

from .currency_services import exchange_rate_known
from .models import Currency, ExchangeRate


class CurrencySerializer(serializers.ModelSerializer):
    """Output, and input for create/update (validated shape only; rules live in services).
    `exchange_rate` is the rate to the workspace's default currency in force today; sending
    it records it in the history as today's rate. It is null until someone enters one (a new
    workspace's USD): documents in that currency cannot be issued until then."""

    exchange_rate = QuantityField(required=False, min_value=0, allow_null=True)
    is_default = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)

    class Meta:
        model = Currency
        fields = ["id", "code", "name", "symbol", "exchange_rate", "is_default", "is_active"]
        extra_kwargs = {"name": {"required": False}, "symbol": {"required": False}}

    def to_representation(self, currency):
        data = super().to_representation(currency)
        if not exchange_rate_known(currency):
            data["exchange_rate"] = None
        return data


class ExchangeRateSerializer(serializers.ModelSerializer):
    """One entry of a currency's rate history: the rate to the default currency in force
    from `effective_date` until the next entry."""

    currency_id = serializers.IntegerField(read_only=True)
    rate = QuantityField(min_value=0)
    effective_date = serializers.DateField(
        required=False, help_text=_("Default today. Today or a past date."))

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency_id", "rate", "effective_date", "created_at"]
        read_only_fields = ["id", "currency_id", "created_at"]
        validators: list = []  # one rate per day: a second one replaces it (service)

    def validate_effective_date(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("A rate takes effect today or on a past "
                                                "date."))
        return value
