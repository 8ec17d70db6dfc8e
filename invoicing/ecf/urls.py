from django.urls import path

from . import document_views, views

app_name = "ecf"

urlpatterns = [
    path("", views.ecf_settings, name="settings"),
    path("certificate/", views.ecf_certificate_install, name="certificate_install"),
    path("environment/", views.ecf_environment, name="environment"),
    path("certificate/remove/", views.ecf_certificate_remove, name="certificate_remove"),
    path("invoices/<int:pk>/xml/", document_views.invoice_xml, name="invoice_xml"),
    path("invoices/<int:pk>/retry/", document_views.invoice_retry, name="invoice_retry"),
    path("notes/<int:pk>/xml/", document_views.note_xml, name="note_xml"),
    path("notes/<int:pk>/retry/", document_views.note_retry, name="note_retry"),
    path("numbers/void/", document_views.numbers_void, name="numbers_void"),
    path("invoices/<int:pk>/reissue/", document_views.invoice_reissue, name="invoice_reissue"),
]
