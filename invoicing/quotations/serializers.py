"""Quotation serializers, in the invoices' house style: input serializers validate shape only
(every rule lives in the services), the output serializer declares the fields for the OpenAPI
schema but renders with a plain function (`quotation_data`). Line items, contact and salesman
summaries are the invoice's own, so both documents print the same shapes."""

from __future__ import annotations

from rest_framework import serializers

from invoicing.documents.serializers import (
    DocumentSerializer,
    ItemInputSerializer,
    item_data,
    money,
    timestamp,
)

from .models import QuotationStatus

# --- Input ----------------------------------------------------------------------------------


class QuotationInputSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField(min_value=1)
    document_subtype_id = serializers.IntegerField(
        required=False, min_value=1,
        help_text="A quotation series (document_type `quotation`); default: the workspace's "
                  "first active one (`COT-`).")
    issue_date = serializers.DateField(required=False, help_text="Default: today.")
    valid_until = serializers.DateField(
        required=False, help_text="Default: issue date + the workspace's quotation validity "
                                  "(15 days unless changed). Not before the issue date, not in "
                                  "the past.")
    payment_term = serializers.CharField(required=False, allow_blank=True, max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True)
    currency_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    salesman_ids = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                         required=False)
    items = ItemInputSerializer(many=True, allow_empty=False, max_length=500)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "items" in data:
            data["items"] = [dict(item) for item in data["items"]]
        return data


class ConvertInputSerializer(serializers.Serializer):
    document_subtype_id = serializers.IntegerField(
        min_value=1, help_text="The invoice series to issue from (B01, B02, `INV-`…).")
    issue_date = serializers.DateField(required=False, help_text="Default: today.")
    due_date = serializers.DateField(
        required=False, help_text="Default: issue date + the contact's payment terms.")


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Output ---------------------------------------------------------------------------------


def quotation_data(quotation) -> dict:
    """The quotation object: the invoice's shape without payments, with `valid_until` and
    `invoice_id`. Expects the selector's select/prefetch."""
    contact = quotation.contact
    salesmen = list(quotation.salesmen.all())
    return {
        "id": quotation.pk,
        "workspace_id": quotation.workspace_id,
        "contact_id": quotation.contact_id,
        "contact": {"id": contact.pk, "name": contact.name, "tax_id": contact.tax_id,
                    "email": contact.email},
        "document_subtype_id": quotation.document_subtype_id,
        "document_number": quotation.document_number,
        "issue_date": quotation.issue_date.isoformat(),
        "valid_until": quotation.valid_until.isoformat(),
        "status": quotation.status,
        "subtotal_amount": money(quotation.subtotal_amount),
        "discount_amount": money(quotation.discount_amount),
        "tax_amount": money(quotation.tax_amount),
        "total_amount": money(quotation.total_amount),
        "currency_id": quotation.currency_id,
        "currency": quotation.currency.code,
        "exchange_rate": str(quotation.exchange_rate),
        "payment_term": quotation.payment_term,
        "notes": quotation.notes,
        "items": [item_data(line) for line in quotation.lines.all()],
        "salesman_ids": [s.pk for s in salesmen],
        "salesmen": [{"id": s.pk, "name": s.name} for s in salesmen],
        "invoice_id": quotation.invoice_id,
        "invoice_number": quotation.invoice.document_number if quotation.invoice_id else None,
        "created_at": timestamp(quotation.created_at),
        "updated_at": timestamp(quotation.updated_at),
    }


class QuotationSerializer(DocumentSerializer):
    document_number = serializers.CharField(help_text="`COT-0001`, taken at creation.")
    valid_until = serializers.DateField()
    status = serializers.ChoiceField(choices=QuotationStatus.choices)
    invoice_id = serializers.IntegerField(allow_null=True,
                                          help_text="The invoice it was converted into.")
    invoice_number = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance):
        return quotation_data(instance)
