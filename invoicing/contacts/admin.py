from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError

from . import services
from .identity import normalize_tax_id
from .models import Contact, RncImport, RncRegistryEntry

FIELDS = ["name", "kind", "tax_id_type", "tax_id", "email", "phone", "address",
          "payment_terms_days", "notes", "is_active"]


class ContactAdminForm(forms.ModelForm):
    """Runs the service's checks in the form, so a bad RNC shows next to its field."""

    class Meta:
        model = Contact
        fields = FIELDS

    def clean(self):
        data = super().clean()
        if "tax_id_type" in data and "tax_id" in data:
            try:
                data["tax_id"] = normalize_tax_id(data["tax_id_type"], data["tax_id"])
            except DomainError as error:
                raise ValidationError({name: msgs for name, msgs in error.fields.items()
                                       if name in self.fields}) from None
        return data


@admin.register(Contact)
class ContactAdmin(WorkspaceScopedAdmin):
    form = ContactAdminForm
    list_display = ["name", "kind", "tax_id_type", "tax_id_formatted", "email", "is_active",
                    "workspace"]
    list_filter = ["kind", "tax_id_type", "is_active"]
    search_fields = ["name", "tax_id", "email"]
    actions = ["deactivate", "reactivate"]

    def get_fields(self, request, obj=None):
        return ["workspace", *FIELDS]

    @admin.display(description=_("tax ID"), ordering="tax_id")
    def tax_id_formatted(self, obj):
        return obj.tax_id_display

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in FIELDS if name in form.cleaned_data}
        if change:
            services.contact_update(contact=obj, actor=request.user, **data)
        else:
            created = services.contact_create(workspace=form.cleaned_data["workspace"],
                                              actor=request.user, **data)
            obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        try:
            services.contact_delete(contact=obj, actor=request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for contact in queryset:
            self.delete_model(request, contact)

    @admin.action(description=_("Deactivate selected contacts"))
    def deactivate(self, request, queryset):
        for contact in queryset:
            services.contact_set_active(contact=contact, actor=request.user, is_active=False)

    @admin.action(description=_("Reactivate selected contacts"))
    def reactivate(self, request, queryset):
        for contact in queryset:
            services.contact_set_active(contact=contact, actor=request.user, is_active=True)


class ReadOnlyAdmin(admin.ModelAdmin):
    """DGII's registry changes only through `import_dgii_rnc`: the admin shows it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RncRegistryEntry)
class RncRegistryEntryAdmin(ReadOnlyAdmin):
    list_display = ["tax_id", "name", "trade_name", "status", "payment_regime", "started_on"]
    list_filter = ["status"]
    search_fields = ["=tax_id", "name", "trade_name"]
    show_full_result_count = False  # a count over ~740,000 rows on every page is wasted


@admin.register(RncImport)
class RncImportAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "source", "counts"]
