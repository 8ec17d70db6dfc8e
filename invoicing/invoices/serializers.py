"""Invoice and payment serializers.

Input serializers validate shape only; every rule lives in the services. Output serializers
declare the fields for the OpenAPI schema, but render with plain functions
(`invoice_data`, `payment_data`): a list of 50 invoices with their lines is the hottest path
of the API and DRF's per-field machinery would be most of its cost.
"""

from __future__ import annotations

import json

from django.utils import timezone
from rest_framework import serializers

from invoicing.core.api.fields import MoneyField, QuantityField
from invoicing.core.money import CENT
from invoicing.documents.models import ZERO, DiscountType

from .models import (
    OPEN_STATUSES,
    CancellationReason,
    InvoiceStatus,
    PaymentMethod,
)


def money(value) -> str:
    return str(value.quantize(CENT))


def timestamp(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


# --- Input ----------------------------------------------------------------------------------


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


class InvoiceInputSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField(min_value=1)
    document_subtype_id = serializers.IntegerField(min_value=1)
    issue_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    payment_term = serializers.CharField(required=False, allow_blank=True, max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True)
    currency_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    salesman_ids = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                         required=False)
    items = ItemInputSerializer(many=True, allow_empty=False, max_length=500)
    status = serializers.ChoiceField(
        choices=[("draft", "draft")], required=False,
        help_text="Send `draft` to save without issuing; otherwise the invoice is issued.")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        draft = data.pop("status", None) == InvoiceStatus.DRAFT
        if "items" in data:
            data["items"] = [dict(item) for item in data["items"]]
        if not self.partial:
            data["draft"] = draft
        return data


class CancelInputSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=CancellationReason.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PaymentInputSerializer(serializers.Serializer):
    invoice_id = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    date = serializers.DateField(required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False,
                                     default=PaymentMethod.CASH)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True)


# --- Output ---------------------------------------------------------------------------------


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


def payment_data(payment, *, with_invoice: bool = True) -> dict:
    data = {
        "id": payment.pk,
        "date": payment.date.isoformat(),
        "amount": money(payment.amount),
        "method": payment.method,
        "reference": payment.reference,
    }
    if with_invoice:
        data = {"id": payment.pk, "invoice_id": payment.invoice_id, **data,
                "notes": payment.notes, "created_at": timestamp(payment.created_at)}
    return data


def invoice_data(invoice) -> dict:
    """The invoice object of API.md. Expects the selector's select/prefetch."""
    contact = invoice.contact
    issued = invoice.status != InvoiceStatus.DRAFT
    quotation = getattr(invoice, "_quotation_id", None)
    if quotation is None:
        try:
            quotation = invoice.quotation.pk
        except Exception:  # RelatedObjectDoesNotExist: not converted from a quotation
            quotation = None
    salesmen = list(invoice.salesmen.all())
    return {
        "id": invoice.pk,
        "workspace_id": invoice.workspace_id,
        "contact_id": invoice.contact_id,
        # An issued invoice shows the buyer it was issued to, whatever the contact says now.
        "contact": {
            "id": contact.pk,
            "name": invoice.buyer_name if issued else contact.name,
            "tax_id": invoice.buyer_tax_id if issued else contact.tax_id,
            "email": contact.email,
        },
        "document_subtype_id": invoice.document_subtype_id,
        "document_number": invoice.document_number,
        "ncf_valid_until": invoice.ncf_valid_until.isoformat()
        if invoice.ncf_valid_until else None,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "status": invoice.status,
        "subtotal_amount": money(invoice.subtotal_amount),
        "discount_amount": money(invoice.discount_amount),
        "tax_amount": money(invoice.tax_amount),
        "total_amount": money(invoice.total_amount),
        "amount_paid": money(invoice.amount_paid),
        "amount_due": money(invoice.amount_due),
        "currency_id": invoice.currency_id,
        "currency": invoice.currency.code,
        "exchange_rate": str(invoice.exchange_rate),
        "payment_term": invoice.payment_term,
        "notes": invoice.notes,
        "items": [item_data(line) for line in invoice.lines.all()],
        "payments": [payment_data(p, with_invoice=False) for p in invoice.payments.all()],
        "salesman_ids": [s.pk for s in salesmen],
        "salesmen": [{"id": s.pk, "name": s.name} for s in salesmen],
        "quotation_id": quotation,
        "is_overdue": invoice.is_overdue,
        "cancellation": {
            "reason_code": invoice.cancel_reason_code,
            "reason": invoice.cancel_reason,
            "cancelled_at": timestamp(invoice.cancelled_at),
        } if invoice.status == InvoiceStatus.CANCELLED else None,
        "created_at": timestamp(invoice.created_at),
        "updated_at": timestamp(invoice.updated_at),
    }


def _json_list(text: str | None) -> list:
    return json.loads(text) if text else []


def invoice_row_data(row: dict, *, today, tz) -> dict:
    """`invoice_data` from a row of `selectors.invoices_data` (PostgreSQL): the same object
    without model instances. Line and payment amounts arrive as the database's text of their
    NUMERIC columns, which is what `money()`/`str()` of their Decimals gives. Keep the two
    renderers in step (tests/bench/test_row_rendering.py compares them byte for byte)."""
    status = row["status"]
    issued = status != InvoiceStatus.DRAFT
    cancelled = status == InvoiceStatus.CANCELLED
    total, paid = row["total_amount"], row["amount_paid"]
    salesmen = _json_list(row["salesmen_json"])
    return {
        "id": row["id"],
        "workspace_id": row["workspace_id"],
        "contact_id": row["contact_id"],
        "contact": {
            "id": row["contact_id"],
            "name": row["buyer_name"] if issued else row["contact__name"],
            "tax_id": row["buyer_tax_id"] if issued else row["contact__tax_id"],
            "email": row["contact__email"],
        },
        "document_subtype_id": row["document_subtype_id"],
        "document_number": row["document_number"],
        "ncf_valid_until": row["ncf_valid_until"].isoformat()
        if row["ncf_valid_until"] else None,
        "issue_date": row["issue_date"].isoformat(),
        "due_date": row["due_date"].isoformat(),
        "status": status,
        "subtotal_amount": money(row["subtotal_amount"]),
        "discount_amount": money(row["discount_amount"]),
        "tax_amount": money(row["tax_amount"]),
        "total_amount": money(total),
        "amount_paid": money(paid),
        "amount_due": money(ZERO if cancelled else total - paid),
        "currency_id": row["currency_id"],
        "currency": row["currency__code"],
        "exchange_rate": str(row["exchange_rate"]),
        "payment_term": row["payment_term"],
        "notes": row["notes"],
        "items": [
            {"id": pk, "product_id": product_id, "description": description,
             "quantity": quantity, "unit_price": unit_price, "discount": discount,
             "discount_type": discount_type, "tax_ids": tax_ids, "subtotal": subtotal,
             "discount_amount": discount_amount, "tax_amount": tax_amount, "total": line_total}
            for (pk, product_id, description, quantity, unit_price, discount, discount_type,
                 tax_ids, subtotal, discount_amount, tax_amount, line_total)
            in _json_list(row["lines_json"])
        ],
        "payments": [{"id": pk, "date": date, "amount": amount, "method": method,
                      "reference": reference}
                     for pk, date, amount, method, reference
                     in _json_list(row["payments_json"])],
        "salesman_ids": [pk for pk, _name in salesmen],
        "salesmen": [{"id": pk, "name": name} for pk, name in salesmen],
        "quotation_id": row["quotation__id"],
        "is_overdue": status in OPEN_STATUSES and row["due_date"] < today,
        "cancellation": {
            "reason_code": row["cancel_reason_code"],
            "reason": row["cancel_reason"],
            "cancelled_at": row["cancelled_at"].astimezone(tz).isoformat()
            if row["cancelled_at"] else None,
        } if cancelled else None,
        # `timestamp()` with the request's time zone looked up once, not twice per invoice.
        "created_at": row["created_at"].astimezone(tz).isoformat(),
        "updated_at": row["updated_at"].astimezone(tz).isoformat(),
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


class InvoicePaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = MoneyField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField()


class SalesmanSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CancellationSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=CancellationReason.choices)
    reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField()


class InvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace_id = serializers.IntegerField()
    contact_id = serializers.IntegerField()
    contact = ContactSummarySerializer()
    document_subtype_id = serializers.IntegerField()
    document_number = serializers.CharField(allow_null=True)
    ncf_valid_until = serializers.DateField(allow_null=True)
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    subtotal_amount = MoneyField()
    discount_amount = MoneyField()
    tax_amount = MoneyField()
    total_amount = MoneyField()
    amount_paid = MoneyField()
    amount_due = MoneyField()
    currency_id = serializers.IntegerField()
    currency = serializers.CharField()
    exchange_rate = QuantityField()
    payment_term = serializers.CharField()
    notes = serializers.CharField()
    items = ItemSerializer(many=True)
    payments = InvoicePaymentSerializer(many=True)
    salesman_ids = serializers.ListField(child=serializers.IntegerField())
    salesmen = SalesmanSummarySerializer(many=True)
    quotation_id = serializers.IntegerField(allow_null=True)
    is_overdue = serializers.BooleanField()
    cancellation = CancellationSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return invoice_data(instance)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice_id = serializers.IntegerField()
    date = serializers.DateField()
    amount = MoneyField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField()
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return payment_data(instance)
