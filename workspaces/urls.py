from django.urls import path

from . import currency_views, views

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
    path("currencies/", currency_views.currency_list, name="currency_list"),
    path("currencies/<int:pk>/", currency_views.currency_detail, name="currency_detail"),
    path("currencies/<int:pk>/rates/", currency_views.currency_rate_add,
         name="currency_rate_add"),
    path("currencies/<int:pk>/default/", currency_views.currency_make_default,
         name="currency_make_default"),
    path("currencies/<int:pk>/delete/", currency_views.currency_delete,
         name="currency_delete"),
]
