from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError

from . import services
from .models import Activity, Currency, ExchangeRate, IdempotencyRecord, Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "rnc", "is_active", "created_at"]
    search_fields = ["name", "slug", "rnc"]
    list_filter = ["is_active"]
    inlines = [MembershipInline]
    actions = ["provision_defaults"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def get_fields(self, request, obj=None):
        fields = ["name", "rnc", "address", "phone", "email", "logo", "pdf_footer",
                  "quotation_validity_days", "is_active"]
        return fields if obj is None else ["slug", *fields]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A workspace made in the admin gets the same defaults as any other: one service.
        try:
            created = services.workspace_create(
                name=obj.name, owner=request.user, rnc=obj.rnc, address=obj.address,
                phone=obj.phone, email=obj.email,
            )
        except DomainError as error:
            messages.error(request, error.message)
            raise
        obj.pk = created.pk
        obj.slug = created.slug
        for name in ("logo", "pdf_footer", "quotation_validity_days", "is_active"):
            setattr(created, name, getattr(obj, name))
        created.save()
        obj.refresh_from_db()

    @admin.action(description=_("Add missing defaults (currencies, taxes, document types)"))
    def provision_defaults(self, request, queryset):
        for workspace in queryset:
            services.workspace_provision(workspace=workspace)
        self.message_user(request, _("Defaults checked."))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["workspace", "role"]
    search_fields = ["user__email", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


class ExchangeRateInline(admin.TabularInline):
    model = ExchangeRate
    extra = 0
    fields = ["effective_date", "rate", "created_at"]
    readonly_fields = ["effective_date", "rate", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Currency)
class CurrencyAdmin(WorkspaceScopedAdmin):
    list_display = ["code", "name", "symbol", "exchange_rate", "is_default", "is_active",
                    "workspace"]
    search_fields = ["code", "name"]
    readonly_fields = ["exchange_rate", "is_default"]
    inlines = [ExchangeRateInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(WorkspaceScopedAdmin):
    list_display = ["currency", "rate", "effective_date", "workspace"]
    date_hierarchy = "effective_date"


@admin.register(Activity)
class ActivityAdmin(WorkspaceScopedAdmin):
    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "description",
                    "workspace"]
    search_fields = ["description", "verb"]
    readonly_fields = [f.name for f in Activity._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(WorkspaceScopedAdmin):
    list_display = ["key", "response_status", "created_at", "workspace"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]
