from django.urls import path

from . import views

app_name = "workspaces"

urlpatterns = [
    path("", views.settings_index, name="index"),
    path("workspace/", views.workspace_settings, name="workspace"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_update, name="member_update"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
    path("switch/", views.switch_workspace, name="switch"),
    path("new-workspace/", views.workspace_new, name="new"),
    # Currency pages (catalog) replace this placeholder.
    path("currencies/", views.settings_index, name="currency_list"),
]
