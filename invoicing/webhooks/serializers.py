"""Input and output shapes of `/api/v1/webhooks` (API.md "Webhooks")."""

from __future__ import annotations

import json

from rest_framework import serializers

from invoicing.documents.serializers import timestamp

from .models import EVENT_TYPES, DeliveryStatus


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500,
                                help_text="http(s) URL that receives a POST per event.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES),
                                   allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES))
    is_active = serializers.BooleanField()
    disabled_reason = serializers.CharField(
        help_text="`failing` when it was disabled after a day of failed deliveries.")
    failing_since = serializers.DateTimeField(allow_null=True)
    secret = serializers.CharField(
        required=False, help_text="`whsec_…`: only in the answer that created the endpoint.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, endpoint):
        data = {"id": endpoint.pk, "url": endpoint.url, "description": endpoint.description,
                "events": list(endpoint.events), "is_active": endpoint.is_active,
                "disabled_reason": endpoint.disabled_reason,
                "failing_since": timestamp(endpoint.failing_since),
                "created_at": timestamp(endpoint.created_at),
                "updated_at": timestamp(endpoint.updated_at)}
        if getattr(endpoint, "secret", None):
            data["secret"] = endpoint.secret
        return data


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    manual = serializers.BooleanField(help_text="Redelivered by hand.")
    started_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True,
                                           help_text="The receiver's answer; null if none.")
    succeeded = serializers.BooleanField()
    error = serializers.CharField(help_text="A refusal, a network error or a redirect.")
    response_body = serializers.CharField(help_text="The start of the receiver's answer.")


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    webhook_id = serializers.IntegerField()
    event_id = serializers.CharField(help_text="The `webhook-id` header of every attempt.")
    type = serializers.ChoiceField(choices=EVENT_TYPES)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    payload = serializers.JSONField(help_text="The body every attempt sends.")
    attempts = AttemptSerializer(many=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, delivery):
        event = delivery.event
        return {
            "id": delivery.pk, "webhook_id": delivery.endpoint_id, "event_id": event.event_id,
            "type": event.type, "status": delivery.status,
            "attempt_count": delivery.attempt_count,
            "next_attempt_at": timestamp(delivery.next_attempt_at),
            "payload": json.loads(event.body),
            "attempts": [{
                "number": a.number, "manual": a.manual, "started_at": timestamp(a.started_at),
                "duration_ms": a.duration_ms, "status_code": a.status_code,
                "succeeded": a.succeeded, "error": a.error, "response_body": a.response_body,
            } for a in delivery.attempts.all()],
            "created_at": timestamp(delivery.created_at),
        }
