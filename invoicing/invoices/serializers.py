"""Invoice and payment serializers.

Input serializers validate shape only; every rule lives in the services. Output serializers
declare the fields for the OpenAPI schema; invoices render through the read model
(`read.invoice_dict`) and payments with `payment_data`: a list of 50 invoices with their
lines is the hottest path of the API and DRF's per-field machinery would be most of its cost.
"""

from __future__ import annotations

from rest_framework import serializers

from invoicing.core.api.fields import MoneyField
from invoicing.documents.serializers import (
    DocumentSerializer,
    EcfBlockSerializer,
    ItemInputSerializer,
    money,
    timestamp,
)

from .models import CancellationReason, InvoiceStatus, PaymentMethod, WithholdingKind

# --- Input ----------------------------------------------------------------------------------


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


class WithholdingInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WithholdingKind.choices)
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                    allow_null=True,
                                    help_text="ITBIS 30 or 100; ISR 2 or 10 (% of its base).")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                      allow_null=True,
                                      help_text="Default: the rate applied to its base.")


class PaymentInputSerializer(serializers.Serializer):
    invoice_id = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    withholdings = WithholdingInputSerializer(many=True, required=False, max_length=4)
    date = serializers.DateField(required=False)
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False,
                                     default=PaymentMethod.CASH)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True)


# --- Output ---------------------------------------------------------------------------------


def payment_data(payment, *, with_invoice: bool = True) -> dict:
    data = {
        "id": payment.pk,
        "date": payment.date.isoformat(),
        "amount": money(payment.amount),
        "method": payment.method,
        "reference": payment.reference,
    }
    if with_invoice:
        withholdings = getattr(payment, "written_withholdings", None)
        if withholdings is None:
            withholdings = payment.withholdings.all()
        data = {"id": payment.pk, "invoice_id": payment.invoice_id, **data,
                "notes": payment.notes,
                "withholdings": [{"kind": w.kind,
                                  "rate": None if w.rate is None else str(w.rate),
                                  "amount": money(w.amount)} for w in withholdings],
                "created_at": timestamp(payment.created_at)}
    return data


class InvoicePaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = MoneyField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField()


class NoteSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document_number = serializers.CharField()
    issue_date = serializers.DateField()
    modification_code = serializers.IntegerField()
    total_amount = MoneyField()


class CancellationSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=CancellationReason.choices)
    reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField()


class InvoiceSerializer(DocumentSerializer):
    document_number = serializers.CharField(allow_null=True)
    ncf_valid_until = serializers.DateField(allow_null=True)
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    amount_paid = MoneyField()
    amount_due = MoneyField()
    credited_amount = MoneyField()
    debited_amount = MoneyField()
    credit_notes = NoteSummarySerializer(many=True)
    debit_notes = NoteSummarySerializer(many=True)
    payments = InvoicePaymentSerializer(many=True)
    quotation_id = serializers.IntegerField(allow_null=True)
    is_overdue = serializers.BooleanField()
    ecf = EcfBlockSerializer(allow_null=True)
    cancellation = CancellationSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()



class WithholdingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WithholdingKind.choices)
    rate = serializers.CharField(allow_null=True)
    amount = MoneyField()


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice_id = serializers.IntegerField()
    date = serializers.DateField()
    amount = MoneyField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField()
    notes = serializers.CharField()
    withholdings = WithholdingSerializer(many=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return payment_data(instance)
