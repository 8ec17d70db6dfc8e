"""Admin for outreach: read-only rows (emails, links, reminders, recurring templates); the
changes go through the services (revoke a link, pause or resume a template)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin

from . import recurring, services
from .documents import KINDS
from .models import (
    EmailDelivery,
    OutreachSettings,
    RecurringInvoice,
    RecurringRun,
    ReminderSent,
    ShareLink,
)


class ReadOnlyAdmin(WorkspaceScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["kind", "document_id", "purpose", "status", "created_at", "sent_at"]
    list_filter = ["status", "purpose", "kind"]


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = ["kind", "document_id", "created_at", "first_viewed_at", "revoked_at"]
    exclude = ["token"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected links"))
    def revoke(self, request, queryset):
        for link in queryset.filter(revoked_at__isnull=True):
            document = KINDS[link.kind].get(link.workspace_id, link.document_id)
            if document is not None:
                services.share_link_revoke(document=document, actor=request.user)
        messages.success(request, _("Revoked."))


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "offset_days", "due_date", "note", "created_at"]


@admin.register(RecurringInvoice)
class RecurringInvoiceAdmin(ReadOnlyAdmin):
    list_display = ["contact", "frequency", "interval", "next_date", "is_active", "last_error"]
    list_filter = ["is_active", "frequency"]
    actions = ["pause", "resume"]

    def _set(self, request, queryset, active: bool):
        for template in queryset:
            recurring.recurring_set_active(template=template, actor=request.user,
                                           active=active)

    @admin.action(description=_("Pause"))
    def pause(self, request, queryset):
        self._set(request, queryset, False)

    @admin.action(description=_("Resume"))
    def resume(self, request, queryset):
        self._set(request, queryset, True)


@admin.register(RecurringRun)
class RecurringRunAdmin(ReadOnlyAdmin):
    list_display = ["template", "period", "period_date", "invoice", "created_at"]


@admin.register(OutreachSettings)
class OutreachSettingsAdmin(ReadOnlyAdmin):
    list_display = ["workspace", "language", "reminders_enabled", "link_lifetime_days"]
