"""Shapes of `/api/v1/ecf/…` (API.md "Electronic documents (e-CF)"). The private key has no
field here: nothing that renders a certificate can reach it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import EcfCertificate, Environment


class CertificateUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PKCS#12 file (.p12 / .pfx) with the key and "
                                 "certificate DGII accepts for e-CF.")
    password = serializers.CharField(write_only=True, allow_blank=True, trim_whitespace=False,
                                     required=False, default="",
                                     help_text="The file's password. Never stored.")


class CertificateWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class CertificateSerializer(serializers.ModelSerializer):
    environment = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = EcfCertificate
        fields = ["subject", "issuer", "holder_tax_id", "holder_kind", "serial_number",
                  "fingerprint_sha256", "valid_from", "valid_until", "installed_at",
                  "environment", "warnings"]
        read_only_fields = fields

    def get_environment(self, obj) -> str:
        return self.context["environment"]

    @extend_schema_field(CertificateWarningSerializer(many=True))
    def get_warnings(self, obj) -> list[dict]:
        return [{"code": w.code, "message": w.message} for w in self.context.get("warnings", [])]


class EcfSettingsSerializer(serializers.Serializer):
    environment = serializers.ChoiceField(choices=Environment.choices)
    is_electronic_issuer = serializers.BooleanField(read_only=True)
