from django.urls import path

from . import public, views

app_name = "outreach"

urlpatterns = [
    path("outreach/<str:kind>/<int:pk>/send/", views.send_view, name="send"),
    path("outreach/<str:kind>/<int:pk>/share/", views.share_view, name="share"),
    path("outreach/<str:kind>/<int:pk>/share/revoke/", views.share_revoke_view,
         name="share_revoke"),
    path("recurring/", views.recurring_list, name="recurring_list"),
    path("recurring/new/", views.recurring_edit, name="recurring_new"),
    path("recurring/<int:pk>/", views.recurring_edit, name="recurring_edit"),
    path("recurring/<int:pk>/toggle/", views.recurring_toggle, name="recurring_toggle"),
    path("settings/outreach/", views.settings_view, name="settings"),
    path("p/<str:token>/", public.public_document, name="public"),
    path("p/<str:token>/pdf/", public.public_pdf, name="public_pdf"),
    path("p/<str:token>/xml/", public.public_xml, name="public_xml"),
]
