from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError

from . import services, stock
from .models import Product, StockMovement

FIELDS = ["sku", "name", "description", "unit_price", "cost", "unit", "taxes",
          "tracks_inventory", "is_active"]


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = FIELDS

    def clean(self):
        data = super().clean()
        workspace = self.instance.workspace if self.instance.pk else data.get("workspace")
        if workspace is None:
            self.add_error("workspace", _("Choose the workspace."))
            return data
        fields = {name: data[name] for name in FIELDS if name in data}
        try:
            services.product_check(workspace=workspace,
                                   product=self.instance if self.instance.pk else None,
                                   **fields)
        except DomainError as error:
            name = {"tax_ids": "taxes"}.get(next(iter(error.fields), ""), "")
            name = name or next((n for n in error.fields if n in self.fields), None)
            raise ValidationError({name: error.message} if name else error.message) from None
        return data

    def validate_unique(self):
        # SKU uniqueness per workspace is the service's (the workspace is not a form field).
        pass


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    fields = ["created_at", "kind", "quantity", "note", "invoice", "created_by"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at", "-id"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(WorkspaceScopedAdmin):
    form = ProductAdminForm
    list_display = ["sku", "name", "unit_price", "stock_quantity", "tracks_inventory",
                    "is_active", "workspace"]
    list_filter = ["tracks_inventory", "is_active"]
    search_fields = ["sku", "name"]
    filter_horizontal = ["taxes"]
    inlines = [StockMovementInline]
    actions = ["deactivate", "reactivate"]

    def get_fields(self, request, obj=None):
        return ["workspace", *FIELDS, "stock_quantity"] if obj else ["workspace", *FIELDS]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj else []

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "stock_quantity")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in FIELDS if name in form.cleaned_data}
        if change:
            services.product_update(product=obj, actor=request.user, **data)
        else:
            created = services.product_create(workspace=form.cleaned_data["workspace"],
                                              actor=request.user, **data)
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """The service already set the taxes; nothing else is edited inline."""

    def delete_model(self, request, obj):
        try:
            services.product_delete(product=obj, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            self.delete_model(request, product)

    @admin.action(description=_("Deactivate selected products"))
    def deactivate(self, request, queryset):
        for product in queryset:
            services.product_set_active(product=product, actor=request.user, is_active=False)

    @admin.action(description=_("Reactivate selected products"))
    def reactivate(self, request, queryset):
        for product in queryset:
            services.product_set_active(product=product, actor=request.user, is_active=True)


class StockMovementAdminForm(forms.ModelForm):
    class Meta:
        model = StockMovement
        fields = ["product", "kind", "quantity", "note"]

    def clean(self):
        data = super().clean()
        product = data.get("product")
        if product is None:
            return data
        try:
            stock.stock_manual_check(product=product, quantity=data.get("quantity") or 0,
                                        kind=data.get("kind") or "", note=data.get("note") or "")
        except DomainError as error:
            name = next((n for n in error.fields if n in self.fields), None)
            raise ValidationError({name: error.message} if name else error.message) from None
        return data


@admin.register(StockMovement)
class StockMovementAdmin(WorkspaceScopedAdmin):
    """The ledger is append-only: movements are added (through the service), never edited
    or deleted."""

    form = StockMovementAdminForm
    list_display = ["created_at", "product", "kind", "quantity", "note", "invoice",
                    "created_by", "workspace"]
    list_filter = ["kind"]
    search_fields = ["product__sku", "product__name", "note", "source_key"]
    list_select_related = ["workspace", "product", "invoice", "created_by"]
    autocomplete_fields = ["product"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("workspace", "product", "kind", "quantity", "note", "invoice", "source_key",
                "created_by", "created_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["product", "kind", "quantity", "note"]
        return list(self.get_readonly_fields(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The movement's workspace is its product's: no workspace chooser here.
        return admin.ModelAdmin.get_form(self, request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        movement = stock.stock_manual_record(
            workspace=data["product"].workspace, product=data["product"],
            quantity=data["quantity"], kind=data["kind"], note=data["note"], actor=request.user)
        obj.pk = movement.pk
        obj.refresh_from_db()
