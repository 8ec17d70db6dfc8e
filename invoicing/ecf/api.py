"""`/api/v1/ecf/certificate` and `/api/v1/ecf/settings` (API.md "Electronic documents
(e-CF)"): one of each per workspace, so no id in the path; another workspace's never shows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from invoicing.core.api.viewsets import WorkspaceViewSet
from invoicing.core.errors import InvalidInput, NotFound
from workspaces.roles import MANAGE

from . import selectors, services
from .certificates import MAX_FILE_BYTES
from .models import EcfCertificate
from .serializers import CertificateSerializer, CertificateUploadSerializer, EcfSettingsSerializer


class EcfViewSet(WorkspaceViewSet):
    queryset = EcfCertificate.objects.all()
    serializer_class = CertificateSerializer
    write_role = MANAGE
    pagination_class = None
    filter_backends = []

    def initial(self, request, *args, **kwargs):
        # Django's error reports must never show the certificate's password.
        request._request.sensitive_post_parameters = ["password"]
        super().initial(request, *args, **kwargs)

    def _certificate_response(self, certificate, status_code=status.HTTP_200_OK) -> Response:
        context = {"environment": selectors.environment_for(self.workspace),
                   "warnings": selectors.certificate_warnings(self.workspace, certificate)}
        return Response(CertificateSerializer(certificate, context=context).data,
                        status=status_code)

    @extend_schema(methods=["GET"], summary="The workspace's e-CF certificate (never its key)",
                   responses=CertificateSerializer)
    @extend_schema(methods=["POST"], summary="Install or replace the e-CF certificate",
                   description="Multipart `file` (PKCS#12) and `password`; admin and up. 400 "
                   "on `file` or `password` when it does not open, has expired, or its "
                   "subject's serial number carries no RNC, cédula or passport.",
                   request={"multipart/form-data": CertificateUploadSerializer},
                   responses={201: CertificateSerializer})
    @extend_schema(methods=["DELETE"], summary="Remove the e-CF certificate",
                   responses={204: OpenApiResponse(description="Removed")})
    @action(detail=False, methods=["get", "post", "delete"], url_path="certificate",
            parser_classes=[parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser])
    def certificate(self, request):
        if request.method == "GET":
            certificate = selectors.certificate_for(self.workspace)
            if certificate is None:
                raise NotFound(_("This workspace has no e-CF certificate."))
            return self._certificate_response(certificate)
        if request.method == "DELETE":
            services.ecf_certificate_remove(workspace=self.workspace, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = CertificateUploadSerializer(data=request.data)
        if not serializer.is_valid():
            fields = {name: [str(m) for m in messages]
                      for name, messages in serializer.errors.items()}
            raise InvalidInput(_("Send the PKCS#12 file as `file` (multipart) and its "
                                 "`password`."), fields=fields)
        upload = serializer.validated_data["file"]
        certificate = services.ecf_certificate_install(
            workspace=self.workspace, actor=request.user, p12_bytes=upload.read(MAX_FILE_BYTES + 1),
            password=serializer.validated_data.get("password", ""))
        return self._certificate_response(certificate, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="The workspace's e-CF settings",
                   responses=EcfSettingsSerializer)
    @extend_schema(methods=["PATCH"], summary="Choose the DGII environment (admin and up)",
                   request=EcfSettingsSerializer, responses=EcfSettingsSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="settings", url_name="settings")
    def ecf_settings(self, request):
        if request.method == "PATCH":
            serializer = EcfSettingsSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.ecf_settings_update(workspace=self.workspace, actor=request.user,
                                         environment=serializer.validated_data["environment"])
        return Response(EcfSettingsSerializer({
            "environment": selectors.environment_for(self.workspace),
            "is_electronic_issuer": selectors.is_electronic_issuer(self.workspace),
        }).data)


from .documents_api import routes as document_routes  # noqa: E402

routes = [("ecf", EcfViewSet, "ecf"), *document_routes]
