"""Admin plumbing shared by every app: a workspace filter on every workspace-scoped model,
and a workspace chooser on add forms (the model field itself is not editable, so a row can
never move between workspaces once created)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _


class WorkspaceScopedAdmin(admin.ModelAdmin):
    list_select_related = ("workspace",)

    def get_list_filter(self, request):
        return ("workspace", *super().get_list_filter(request))

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and "workspace" not in fields:
            fields = ("workspace", *fields)
        return fields

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "workspace"]
        return ["workspace", *fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["fields"] = [f for f in flatten_fieldsets(self.get_fieldsets(request, obj))
                            if f != "workspace"]
        form = super().get_form(request, obj, change=change, **kwargs)
        workspaces = self.model._meta.get_field("workspace").related_model
        chooser = forms.ModelChoiceField(workspaces.objects.all(), label=_("workspace"))
        return type(form.__name__, (form,), {"workspace": chooser})

    def save_model(self, request, obj, form, change):
        if not change:
            obj.workspace = form.cleaned_data["workspace"]
        super().save_model(request, obj, form, change)
