"""Note serializers: input shape only (every rule is in the services), and the note object of
API.md rendered by `note_data` (the output serializers declare it for the schema)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from invoicing.core.api.fields import MoneyField, QuantityField
from invoicing.documents.serializers import (
    ContactSummarySerializer,
    EcfBlockSerializer,
    ItemInputSerializer,
    ItemSerializer,
    item_data,
    money,
    timestamp,
)
from invoicing.invoices.models import CancellationReason

from .models import REASON_MAX, ModificationCode, NoteKind, NoteStatus

# The e-CF app fills a note's `ecf` block (null for a B-series note): (note) → dict | None.
ECF_BLOCKS: list[Callable[[Any], dict | None]] = []


class NoteItemInputSerializer(ItemInputSerializer):
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, required=False)
    invoice_item_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1,
        help_text="The line of the original this line corrects; its product, description, "
                  "price, quantity and taxes are the defaults.")
    restock = serializers.BooleanField(required=False, default=False,
                                       help_text="The goods came back: stock returns once.")

    def validate_quantity(self, value):
        if value is not None and value <= 0:
            raise serializers.ValidationError("Ensure this value is greater than 0.")
        return value


class NoteInputSerializer(serializers.Serializer):
    invoice_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    modified_ncf = serializers.CharField(
        required=False, allow_blank=True, max_length=19,
        help_text="For a document kept outside this system (with modified_issue_date and "
                  "contact_id).")
    modified_issue_date = serializers.DateField(required=False, allow_null=True)
    contact_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    document_subtype_id = serializers.IntegerField(required=False, allow_null=True,
                                                   min_value=1)
    modification_code = serializers.ChoiceField(choices=ModificationCode.choices,
                                                required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX)
    issue_date = serializers.DateField(required=False)
    items = NoteItemInputSerializer(many=True, required=False, max_length=500)
    full = serializers.BooleanField(
        required=False, default=False,
        help_text="Credit notes: credit everything left of the original (code 1).")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "items" in data:
            data["items"] = [{k: v for k, v in dict(item).items() if v is not None
                              or k == "product_id"} for item in data["items"]]
            for item, raw in zip(data["items"], self.initial_data.get("items") or [],
                                 strict=False):
                # Defaults come from the original's line only for what the client left out.
                if isinstance(raw, dict) and "discount" not in raw:
                    item.pop("discount", None)
                    item.pop("discount_type", None)
                if isinstance(raw, dict) and "product_id" not in raw:
                    item.pop("product_id", None)
        return data


class NoteCancelInputSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=CancellationReason.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


def note_data(note, lines=None) -> dict:
    lines = note.lines.all() if lines is None else lines
    ecf = None
    for block in ECF_BLOCKS:
        ecf = block(note) or ecf
    cancelled = note.status == NoteStatus.CANCELLED
    return {
        "id": note.pk,
        "workspace_id": note.workspace_id,
        "document_type": note.document_type,
        "document_subtype_id": note.document_subtype_id,
        "document_number": note.document_number,
        "ncf_valid_until": note.ncf_valid_until.isoformat() if note.ncf_valid_until else None,
        "invoice_id": note.invoice_id,
        "modified_ncf": note.modified_ncf,
        "modified_issue_date": note.modified_issue_date.isoformat(),
        "modification_code": note.modification_code,
        "reason": note.reason,
        "over_30_days": note.over_30_days,
        "issue_date": note.issue_date.isoformat(),
        "contact_id": note.contact_id,
        "contact": {"id": note.contact_id, "name": note.buyer_name,
                    "tax_id": note.buyer_tax_id, "email": note.contact.email},
        "currency": note.currency.code,
        "currency_id": note.currency_id,
        "exchange_rate": str(note.exchange_rate),
        "items": [item_data(line) | {"invoice_item_id": line.invoice_line_id,
                                     "restock": line.restock} for line in lines],
        "subtotal_amount": money(note.subtotal_amount),
        "discount_amount": money(note.discount_amount),
        "tax_amount": money(note.tax_amount),
        "total_amount": money(note.total_amount),
        "credited_to_balance": money(note.credited_to_balance),
        "status": note.status,
        "cancellation": {"reason_code": note.cancel_reason_code, "reason": note.cancel_reason,
                         "cancelled_at": timestamp(note.cancelled_at)} if cancelled else None,
        "ecf": ecf,
        "created_at": timestamp(note.created_at),
        "updated_at": timestamp(note.updated_at),
    }


class NoteItemSerializer(ItemSerializer):
    invoice_item_id = serializers.IntegerField(allow_null=True)
    restock = serializers.BooleanField()


class NoteCancellationSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=CancellationReason.choices)
    reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace_id = serializers.IntegerField()
    document_type = serializers.ChoiceField(choices=NoteKind.choices)
    document_subtype_id = serializers.IntegerField()
    document_number = serializers.CharField()
    ncf_valid_until = serializers.DateField(allow_null=True)
    invoice_id = serializers.IntegerField(allow_null=True)
    modified_ncf = serializers.CharField()
    modified_issue_date = serializers.DateField()
    modification_code = serializers.ChoiceField(choices=ModificationCode.choices)
    reason = serializers.CharField()
    over_30_days = serializers.BooleanField()
    issue_date = serializers.DateField()
    contact_id = serializers.IntegerField()
    contact = ContactSummarySerializer()
    currency = serializers.CharField()
    currency_id = serializers.IntegerField()
    exchange_rate = QuantityField()
    items = NoteItemSerializer(many=True)
    subtotal_amount = MoneyField()
    discount_amount = MoneyField()
    tax_amount = MoneyField()
    total_amount = MoneyField()
    credited_to_balance = MoneyField()
    status = serializers.ChoiceField(choices=NoteStatus.choices)
    cancellation = NoteCancellationSerializer(allow_null=True)
    ecf = EcfBlockSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return note_data(instance)
