"""Admin for quotations: read-only rows; every change goes through the services (send,
accept, reject, expire the lapsed ones, delete drafts). Quotations are created and converted
on the quotation pages or through the API."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError

from . import services
from .models import Quotation, QuotationLine, QuotationStatus


class QuotationLineInline(admin.TabularInline):
    model = QuotationLine
    extra = 0
    can_delete = False
    fields = ["position", "description", "quantity", "unit_price", "discount_amount",
              "tax_amount", "total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Quotation)
class QuotationAdmin(WorkspaceScopedAdmin):
    list_display = ["__str__", "issue_date", "valid_until", "contact", "status",
                    "total_amount", "invoice", "workspace"]
    list_filter = ["status"]
    search_fields = ["document_number", "contact__name"]
    date_hierarchy = "issue_date"
    list_select_related = ("workspace", "contact", "invoice")
    inlines = [QuotationLineInline]
    actions = ["mark_sent", "mark_accepted", "mark_rejected", "expire_lapsed"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Quotation._meta.fields] + ["salesmen"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == QuotationStatus.DRAFT

    def delete_model(self, request, obj):
        try:
            services.quotation_delete(quotation=obj, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def _each(self, request, queryset, service, done):
        changed = 0
        for quotation in queryset:
            try:
                service(quotation=quotation, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{quotation}: {error.message}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed})

    @admin.action(description=_("Mark the selected drafts as sent"))
    def mark_sent(self, request, queryset):
        self._each(request, queryset, services.quotation_send, _("%(count)s marked as sent."))

    @admin.action(description=_("Record that the customer accepted the selected quotations"))
    def mark_accepted(self, request, queryset):
        self._each(request, queryset, services.quotation_accept, _("%(count)s accepted."))

    @admin.action(description=_("Record that the customer rejected the selected quotations"))
    def mark_rejected(self, request, queryset):
        self._each(request, queryset, services.quotation_reject, _("%(count)s rejected."))

    @admin.action(description=_("Expire the selected quotations that are past their validity"))
    def expire_lapsed(self, request, queryset):
        self._each(request, queryset, services.quotation_expire, _("%(count)s expired."))


@admin.register(QuotationLine)
class QuotationLineAdmin(WorkspaceScopedAdmin):
    """Lines change only through their quotation's form or API: read-only here."""

    list_display = ["quotation", "position", "description", "quantity", "unit_price", "total",
                    "workspace"]
    search_fields = ["description", "quotation__document_number"]
    list_select_related = ("workspace", "quotation")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in QuotationLine._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Only as part of deleting their draft quotation (the admin checks each line).
        return obj is not None and obj.quotation.status == "draft"
