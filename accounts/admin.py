from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from invoicing.core.admin import WorkspaceScopedAdmin
from invoicing.core.errors import DomainError

from .forms import AdminLoginForm
from .models import ApiKey, User
from .services import api_key_check, api_key_create, api_key_revoke

# /admin/login/ refuses attempts under the same throttle as /accounts/login/.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("email", "password1", "password2")}),)


@admin.register(ApiKey)
class ApiKeyAdmin(WorkspaceScopedAdmin):
    list_display = ["name", "prefix", "role", "workspace", "created_by", "created_at",
                    "last_used_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["name", "prefix"]
    fields = ["workspace", "name", "role", "prefix", "created_by", "created_at",
              "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["workspace", *self.readonly_fields, "name", "role"] if obj else []

    def get_fields(self, request, obj=None):
        return self.fields if obj else ["workspace", "name", "role"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class AddForm(form):
            def clean(self):
                data = super().clean()
                if data.get("workspace") and data.get("role"):
                    try:
                        api_key_check(workspace=data["workspace"], actor=request.user,
                                      role=data["role"])
                    except DomainError as error:
                        self.add_error("role" if "role" in error.fields else None,
                                       error.message)
                return data

        return AddForm

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued = api_key_create(workspace=form.cleaned_data["workspace"],
                                actor=request.user, name=obj.name, role=obj.role)
        obj.pk = issued.api_key.pk
        messages.warning(request, _("Copy this key now, it will not be shown again: %(key)s")
                         % {"key": issued.clear_key})

    @admin.action(description=_("Revoke selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                api_key_revoke(api_key=key, actor=request.user)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
