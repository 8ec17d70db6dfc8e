from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError
from invoicing.core.models import IdempotencyRecord

from . import services
from .models import Activity, Currency, ExchangeRate, Membership, Workspace


class MembershipInline(admin.TabularInline):
    """Read-only here: members change on the Membership admin, through the member services
    (who may grant which role, the last owner, the API keys that follow)."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


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


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["workspace", "user", "role"]

    def clean(self):
        data = super().clean()
        membership = self.instance if self.instance.pk else None
        workspace = membership.workspace if membership else data.get("workspace")
        if workspace is None or not data.get("role"):
            return data
        if membership is None and data.get("user") and Membership.objects.filter(
                workspace=workspace, user=data["user"]).exists():
            raise ValidationError({"user": _("%(email)s is already a member.")
                                   % {"email": data["user"].email}})
        try:
            services.member_check(workspace=workspace, actor=self.actor, role=data["role"],
                                  membership=membership)
        except DomainError as error:
            raise ValidationError({"role": error.message}) from None
        return data

    def validate_unique(self):
        pass  # checked by member_add, with the message the pages show


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Every change goes through the member services; a superuser acts as an owner."""

    form = MembershipAdminForm
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["workspace", "role"]
    search_fields = ["user__email", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]

    def get_readonly_fields(self, request, obj=None):
        return ["workspace", "user"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        if change:
            services.member_change_role(membership=obj, actor=request.user, role=obj.role)
        else:
            created = services.member_add(workspace=obj.workspace, actor=request.user,
                                          email=obj.user.email, role=obj.role)
            obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        try:
            services.member_remove(membership=obj, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)


class ExchangeRateInline(admin.TabularInline):
    model = ExchangeRate
    extra = 0
    fields = ["effective_date", "rate", "created_at"]
    readonly_fields = ["effective_date", "rate", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CurrencyAdminForm(forms.ModelForm):
    """Writes go through the currency services (ISO 4217 check, one default, rate history)."""

    new_rate = forms.DecimalField(label=_("Today's rate"), required=False, max_digits=14,
                                  decimal_places=4, min_value=0,
                                  help_text=_("Recorded in the rate history as today's."))

    class Meta:
        model = Currency
        fields = ["code", "name", "symbol", "is_active"]

    def clean(self):
        data = super().clean()
        workspace = self.instance.workspace if self.instance.pk else data.get("workspace")
        if workspace is None:
            self.add_error("workspace", _("Choose the workspace."))
            return data
        try:
            services.currency_check(workspace=workspace,
                                    currency=self.instance if self.instance.pk else None,
                                    code=data.get("code"), exchange_rate=data.get("new_rate"),
                                    is_active=data.get("is_active"))
        except DomainError as error:
            field = next(iter(error.fields), "code")
            name = {"exchange_rate": "new_rate"}.get(field, field)
            raise ValidationError({name: error.message}) from None
        return data

    def validate_unique(self):
        pass  # per workspace, checked by the service


@admin.register(Currency)
class CurrencyAdmin(WorkspaceScopedAdmin):
    form = CurrencyAdminForm
    list_display = ["code", "name", "symbol", "exchange_rate", "is_default", "is_active",
                    "workspace"]
    search_fields = ["code", "name"]
    readonly_fields = ["exchange_rate", "is_default"]
    inlines = [ExchangeRateInline]
    actions = ["make_default"]

    def get_fields(self, request, obj=None):
        fields = ["code", "name", "symbol", "is_active", "new_rate"]
        return [*fields, "exchange_rate", "is_default"] if obj else ["workspace", *fields]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj else []

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in ("code", "name", "symbol",
                                                                "is_active")}
        if change:
            services.currency_update(currency=obj, actor=request.user,
                                     exchange_rate=form.cleaned_data.get("new_rate"), **data)
        else:
            created = services.currency_create(
                workspace=form.cleaned_data["workspace"], actor=request.user,
                exchange_rate=form.cleaned_data.get("new_rate"), **data)
            obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        try:
            services.currency_delete(currency=obj, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for currency in queryset:
            self.delete_model(request, currency)

    @admin.action(description=_("Make the selected currency its workspace's default"))
    def make_default(self, request, queryset):
        for currency in queryset:
            services.currency_make_default(currency=currency, actor=request.user)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(WorkspaceScopedAdmin):
    """History, read-only here: rates are recorded on the currency (admin, page or API)."""

    list_display = ["currency", "rate", "effective_date", "workspace"]
    date_hierarchy = "effective_date"
    readonly_fields = ["currency", "rate", "effective_date", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
