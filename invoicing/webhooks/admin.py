"""Admin: endpoints and their delivery log, read-only (endpoints are added on the settings
page or the API, which show the secret once; the secret has no field here)."""

from django.contrib import admin

from invoicing.core.admin import WorkspaceScopedAdmin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(_ReadOnly, WorkspaceScopedAdmin):
    list_display = ("url", "workspace", "is_active", "failing_since", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    fields = ("url", "description", "events", "is_active", "failing_since", "disabled_reason",
              "created_by", "created_at")


class AttemptInline(_ReadOnly, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ("number", "manual", "started_at", "duration_ms", "status_code", "succeeded",
              "error")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly, WorkspaceScopedAdmin):
    list_display = ("event", "endpoint", "status", "attempt_count", "created_at")
    list_filter = ("status",)
    list_select_related = ("workspace", "event", "endpoint")
    fields = ("endpoint", "event", "status", "attempt_count", "next_attempt_at", "created_at")
    inlines = [AttemptInline]
