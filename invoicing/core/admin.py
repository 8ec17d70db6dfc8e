"""Admin plumbing shared by every app: a workspace filter on every workspace-scoped model."""

from django.contrib import admin


class WorkspaceScopedAdmin(admin.ModelAdmin):
    list_select_related = ("workspace",)

    def get_list_filter(self, request):
        return ("workspace", *super().get_list_filter(request))

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if obj is None else ("workspace", *fields)
