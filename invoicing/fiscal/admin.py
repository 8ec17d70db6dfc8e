"""Admin for taxes and document types. Every write goes through the services: the form runs
the service once inside a rolled-back savepoint so its errors land on the right fields, and
`save_model` then runs it for real."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError
from workspaces.models import Workspace

from . import services
from .models import DocumentSubtype, NcfRange, RangeStatus, Tax
from .numbering import subtype_warnings
from .ranges import range_history

TAX_FIELDS = ["name", "kind", "rate", "is_active"]
SUBTYPE_FIELDS = ["name", "document_type", "ncf_type", "prefix", "padding", "range_start",
                  "next_number", "range_end", "valid_until", "is_active"]


class _DryRun(Exception):
    pass


class ServiceAdminForm(forms.ModelForm):
    """A ModelForm whose `clean()` asks the service (without keeping anything)."""

    workspace = forms.ModelChoiceField(queryset=Workspace.objects.all(), required=False,
                                       label=_("Workspace"))
    service_fields: list[str] = []

    def service_data(self) -> dict:
        if self.instance.pk is None:
            return {name: self.cleaned_data.get(name) for name in self.service_fields
                    if self.cleaned_data.get(name) not in (None, "")
                    or name == "is_active"}
        return {name: self.cleaned_data.get(name) for name in self.changed_data
                if name in self.service_fields}

    def run_service(self, actor) -> object:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("workspace"):
            self.add_error("workspace", _("Choose the workspace."))
            return data
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.run_service(actor=None)
                raise _DryRun
        except _DryRun:
            pass
        except DomainError as error:
            placed = {name: messages_ for name, messages_ in error.fields.items()
                      if name in self.fields}
            raise ValidationError(placed or error.message) from None
        return data

    def validate_unique(self):
        pass  # per workspace, checked by the service


class TaxAdminForm(ServiceAdminForm):
    service_fields = TAX_FIELDS

    class Meta:
        model = Tax
        fields = TAX_FIELDS

    def run_service(self, actor):
        if self.instance.pk is None:
            return services.tax_create(workspace=self.cleaned_data["workspace"], actor=actor,
                                       **self.service_data())
        return services.tax_update(tax=Tax.objects.get(pk=self.instance.pk), actor=actor,
                                   **self.service_data())


class SubtypeAdminForm(ServiceAdminForm):
    service_fields = SUBTYPE_FIELDS

    class Meta:
        model = DocumentSubtype
        fields = SUBTYPE_FIELDS

    def run_service(self, actor):
        if self.instance.pk is None:
            return services.subtype_create(workspace=self.cleaned_data["workspace"],
                                           actor=actor, **self.service_data())
        return services.subtype_update(subtype=DocumentSubtype.objects.get(pk=self.instance.pk),
                                       actor=actor, **self.service_data())


class ServiceAdmin(WorkspaceScopedAdmin):
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        saved = form.run_service(actor=request.user)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        try:
            self.delete_service(obj, request.user)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_service(self, obj, actor):
        raise NotImplementedError

    @admin.action(description=_("Deactivate the selected rows"))
    def deactivate(self, request, queryset):
        for obj in queryset:
            self.update_service(obj, request.user, is_active=False)
        self.message_user(request, _("Deactivated."))


@admin.register(Tax)
class TaxAdmin(ServiceAdmin):
    form = TaxAdminForm
    list_display = ["name", "kind", "rate", "is_active", "workspace"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

    def get_fields(self, request, obj=None):
        return TAX_FIELDS if obj else ["workspace", *TAX_FIELDS]

    def delete_service(self, obj, actor):
        services.tax_delete(tax=obj, actor=actor)

    def update_service(self, obj, actor, **fields):
        services.tax_update(tax=obj, actor=actor, **fields)


@admin.register(DocumentSubtype)
class DocumentSubtypeAdmin(ServiceAdmin):
    form = SubtypeAdminForm
    readonly_fields = ["ranges_display"]
    list_display = ["__str__", "document_type", "range_display", "next_number", "remaining",
                    "valid_until", "warnings_display", "is_active", "workspace"]
    list_filter = ["document_type", "ncf_type", "is_active"]
    search_fields = ["name", "ncf_type", "prefix"]

    def get_fields(self, request, obj=None):
        return [*SUBTYPE_FIELDS, "ranges_display"] if obj else ["workspace", *SUBTYPE_FIELDS]

    @admin.display(description=_("Authorised ranges"))
    def ranges_display(self, obj):
        """The history of ranges, read-only: a range is added (the settings page or `POST
        /document-subtypes/{id}/ranges`), never typed over; a first range may be entered
        here while nothing was issued."""
        views = range_history(obj, timezone.localdate())
        if not views:
            return "—"
        return format_html_join(
            mark_safe("<br>"), "{} – {} · {} · {}",
            ((obj.format_number(v.range_start), obj.format_number(v.range_end),
              v.valid_until.strftime("%d/%m/%Y") if v.valid_until else "—",
              RangeStatus(v.status).label) for v in views))

    @admin.display(description=_("authorised range"))
    def range_display(self, obj):
        if obj.range_end is None:
            return "—"
        return f"{obj.format_number(obj.range_start or 1)} – {obj.format_number(obj.range_end)}"

    @admin.display(description=_("warnings"))
    def warnings_display(self, obj):
        return " ".join(w.message for w in subtype_warnings(obj, timezone.localdate())) or "—"

    def delete_service(self, obj, actor):
        services.subtype_delete(subtype=obj, actor=actor)

    def update_service(self, obj, actor, **fields):
        services.subtype_update(subtype=obj, actor=actor, **fields)


@admin.register(NcfRange)
class NcfRangeAdmin(WorkspaceScopedAdmin):
    """The history of authorised ranges, read-only: ranges are added through the service
    (the settings page, `POST /document-subtypes/{id}/ranges`), never edited."""

    list_display = ["__str__", "subtype", "valid_until", "entered_at", "ended_as",
                    "workspace"]
    list_filter = ["subtype__ncf_type", "ended_as"]
    list_select_related = ("subtype", "workspace")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in NcfRange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
