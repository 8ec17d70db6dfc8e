"""Input and output shapes of outreach's API (API.md "Sending documents to customers",
"Recurring invoices"). No rule here: the services hold them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from invoicing.documents.models import DiscountType
from invoicing.documents.serializers import ItemInputSerializer, timestamp

from .models import DeliveryPurpose, DeliveryStatus, Frequency, Language, RecurringMode


class SendInputSerializer(serializers.Serializer):
    to = serializers.ListField(child=serializers.CharField(max_length=254), required=False,
                               max_length=20,
                               help_text="Default: the contact's email.")
    cc = serializers.ListField(child=serializers.CharField(max_length=254), required=False,
                               max_length=20)
    message = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@extend_schema_serializer(component_name="EmailDelivery")  # webhooks have a Delivery too
class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=DeliveryPurpose.choices)
    to = serializers.ListField(child=serializers.EmailField())
    cc = serializers.ListField(child=serializers.EmailField())
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    last_error = serializers.CharField(allow_blank=True,
                                       help_text="The SMTP error of the last attempt, if any.")
    attachments = serializers.ListField(child=serializers.CharField())
    created_at = serializers.CharField()
    sent_at = serializers.CharField(allow_null=True)


def delivery_data(delivery) -> dict:
    pending = delivery.outbox_message
    error = delivery.last_error or (pending.last_error if pending is not None else "")
    return {"id": delivery.pk, "purpose": delivery.purpose, "to": delivery.to, "cc": delivery.cc,
            "subject": delivery.subject, "status": delivery.status,
            "attempts": pending.attempts if pending is not None else 0,
            "last_error": error if delivery.status != DeliveryStatus.SENT else "",
            "attachments": delivery.attachments, "created_at": timestamp(delivery.created_at),
            "sent_at": timestamp(delivery.sent_at)}


class ShareSerializer(serializers.Serializer):
    url = serializers.URLField()
    expires_at = serializers.CharField(allow_null=True)
    first_viewed_at = serializers.CharField(allow_null=True)


class RecurringItemSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(allow_null=True, required=False)
    description = serializers.CharField(required=False)
    quantity = serializers.CharField()
    unit_price = serializers.CharField(required=False, allow_null=True)
    discount = serializers.CharField(required=False)
    discount_type = serializers.ChoiceField(choices=DiscountType.choices, required=False)
    tax_ids = serializers.ListField(child=serializers.IntegerField(), required=False,
                                    allow_null=True)


class RecurringInputSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField(min_value=1)
    document_subtype_id = serializers.IntegerField(min_value=1)
    currency_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    items = ItemInputSerializer(many=True, allow_empty=False, max_length=200)
    payment_term = serializers.CharField(required=False, allow_blank=True, max_length=100)
    notes = serializers.CharField(required=False, allow_blank=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices, default=Frequency.MONTHLY)
    interval = serializers.IntegerField(min_value=1, max_value=36, default=1)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    mode = serializers.ChoiceField(choices=RecurringMode.choices, default=RecurringMode.ISSUED)
    send = serializers.BooleanField(default=False)
    is_active = serializers.BooleanField(required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "items" in data:
            data["items"] = [dict(item) for item in data["items"]]
        return data


class RecurringSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contact_id = serializers.IntegerField()
    document_subtype_id = serializers.IntegerField()
    currency_id = serializers.IntegerField(allow_null=True)
    items = RecurringItemSerializer(many=True)
    payment_term = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    interval = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    next_date = serializers.DateField()
    mode = serializers.ChoiceField(choices=RecurringMode.choices)
    send = serializers.BooleanField()
    is_active = serializers.BooleanField()
    last_error = serializers.CharField(allow_blank=True)
    invoice_ids = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


def recurring_data(template) -> dict:
    return {"id": template.pk, "contact_id": template.contact_id,
            "document_subtype_id": template.document_subtype_id,
            "currency_id": template.currency_id, "items": template.items,
            "payment_term": template.payment_term, "notes": template.notes,
            "frequency": template.frequency, "interval": template.interval,
            "start_date": template.start_date.isoformat(),
            "end_date": template.end_date.isoformat() if template.end_date else None,
            "next_date": template.next_date.isoformat(), "mode": template.mode,
            "send": template.send, "is_active": template.is_active,
            "last_error": template.last_error,
            "invoice_ids": [run.invoice_id for run in template.runs.all() if run.invoice_id],
            "created_at": timestamp(template.created_at),
            "updated_at": timestamp(template.updated_at)}


class OutreachSettingsSerializer(serializers.Serializer):
    workspace_id = serializers.IntegerField(read_only=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    email_message = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    link_lifetime_days = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                  max_value=3650)
    reminders_enabled = serializers.BooleanField(required=False)
    reminder_days = serializers.ListField(child=serializers.IntegerField(min_value=-60,
                                                                         max_value=365),
                                          required=False, max_length=10)
    reminder_message = serializers.CharField(required=False, allow_blank=True, max_length=5000)


def settings_data(chosen) -> dict:
    return {"workspace_id": chosen.workspace_id, "language": chosen.language,
            "email_message": chosen.email_message,
            "link_lifetime_days": chosen.link_lifetime_days,
            "reminders_enabled": chosen.reminders_enabled, "reminder_days": chosen.days,
            "reminder_message": chosen.reminder_message}
