"""Serializers every document shares: line items in and out, the contact and salesman
summaries, and the money and time formats of the API. Input serializers validate shape only;
every rule lives in the services."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from invoicing.core.api.fields import MoneyField, QuantityField
from invoicing.core.money import CENT

from .models import DiscountType


def money(value) -> str:
    return str(value.quantize(CENT))


def timestamp(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


class ItemInputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                          allow_null=True, min_value=0)
    discount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                        min_value=0, default=0)
    discount_type = serializers.ChoiceField(choices=DiscountType.choices, required=False,
                                            default=DiscountType.AMOUNT)
    tax_ids = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                    required=False, allow_null=True)

    def validate_quantity(self, value):
        if value <= 0:
            raise serializers.ValidationError("Ensure this value is greater than 0.")
        return value


def item_data(line) -> dict:
    return {
        "id": line.pk,
        "product_id": line.product_id,
        "description": line.description,
        "quantity": str(line.quantity),
        "unit_price": money(line.unit_price),
        "discount": money(line.discount),
        "discount_type": line.discount_type,
        "tax_ids": [tax["id"] for tax in line.taxes],
        "subtotal": money(line.subtotal),
        "discount_amount": money(line.discount_amount),
        "tax_amount": money(line.tax_amount),
        "total": money(line.total),
    }


class ContactSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tax_id = serializers.CharField()
    email = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    quantity = QuantityField()
    unit_price = MoneyField()
    discount = MoneyField()
    discount_type = serializers.ChoiceField(choices=DiscountType.choices)
    tax_ids = serializers.ListField(child=serializers.IntegerField())
    subtotal = MoneyField()
    discount_amount = MoneyField()
    tax_amount = MoneyField()
    total = MoneyField()


class SalesmanSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EcfMessageSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class EcfBlockSerializer(serializers.Serializer):
    """The `ecf` block of an E-series document (API.md "Electronic documents (e-CF)")."""

    status = serializers.ChoiceField(choices=["signed", "sent", "accepted",
                                              "accepted_conditional", "rejected", "voided"])
    environment = serializers.ChoiceField(choices=["testecf", "certecf", "ecf"])
    security_code = serializers.CharField()
    signed_at = serializers.DateTimeField()
    qr_url = serializers.CharField()
    track_id = serializers.CharField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    messages = EcfMessageSerializer(many=True)


class DocumentSerializer(serializers.Serializer):
    """The schema of what every document's answer carries (the answer itself is built by the
    document's read model); each kind adds its number, dates, status and links."""

    id = serializers.IntegerField()
    workspace_id = serializers.IntegerField()
    contact_id = serializers.IntegerField()
    contact = ContactSummarySerializer()
    document_subtype_id = serializers.IntegerField()
    issue_date = serializers.DateField()
    subtotal_amount = MoneyField()
    discount_amount = MoneyField()
    tax_amount = MoneyField()
    total_amount = MoneyField()
    currency_id = serializers.IntegerField()
    currency = serializers.CharField()
    exchange_rate = QuantityField()
    payment_term = serializers.CharField()
    notes = serializers.CharField()
    items = ItemSerializer(many=True)
    salesman_ids = serializers.ListField(child=serializers.IntegerField())
    salesmen = SalesmanSummarySerializer(many=True)
