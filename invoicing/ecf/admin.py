"""Admin: the certificate's metadata, read-only (install and remove go through the settings
page, the API or `manage.py ecf_certificate`); the sealed key has no field here at all."""

from django.contrib import admin

from invoicing.core.admin import WorkspaceScopedAdmin

from .models import EcfCertificate, EcfRecord, EcfSettings

CERTIFICATE_FIELDS = ("subject", "issuer", "holder_kind", "holder_tax_id", "serial_number",
                      "fingerprint_sha256", "valid_from", "valid_until", "installed_by",
                      "installed_at")


@admin.register(EcfCertificate)
class EcfCertificateAdmin(WorkspaceScopedAdmin):
    list_display = ("subject", "workspace", "holder_tax_id", "valid_until")
    search_fields = ("subject", "holder_tax_id", "serial_number")
    fields = CERTIFICATE_FIELDS
    readonly_fields = CERTIFICATE_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).defer("sealed_key", "certificate_der")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EcfSettings)
class EcfSettingsAdmin(WorkspaceScopedAdmin):
    list_display = ("workspace", "environment", "updated_at")
    fields = ("environment", "updated_at")
    readonly_fields = ("environment", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


RECORD_FIELDS = ("document_kind", "document_id", "encf", "ecf_type", "status", "environment",
                 "security_code", "signed_at", "qr_url", "track_id", "sent_at",
                 "answered_at", "messages", "sequence_used", "number_voided_at",
                 "waiting_since", "polls")


@admin.register(EcfRecord)
class EcfRecordAdmin(WorkspaceScopedAdmin):
    """Each issued e-CF and where it stands with DGII, read-only: only the sender moves it
    (retry from the document's page or the API)."""

    list_display = ("encf", "workspace", "status", "environment", "signed_at", "answered_at")
    list_filter = ("status", "environment", "ecf_type")
    search_fields = ("encf", "track_id", "security_code")
    fields = RECORD_FIELDS
    readonly_fields = RECORD_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).defer("xml", "summary_xml")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
