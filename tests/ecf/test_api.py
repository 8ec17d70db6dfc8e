"""`/api/v1/ecf/certificate` and `/api/v1/ecf/settings` (API.md): admin and up write, every
refusal a clear 400, and the key appears in no answer, activity entry or log line."""

from __future__ import annotations

import base64
import logging

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.conftest import make_member
from workspaces.models import Activity
from workspaces.roles import Role

from .certs import PASSWORD, expired_p12, make_p12, p12_for, rsa_key

CERTIFICATE = "/api/v1/ecf/certificate"
SETTINGS = "/api/v1/ecf/settings"
FIELDS = {"subject", "holder_tax_id", "serial_number", "valid_from", "valid_until",
          "environment"}


def session_client(workspace, user) -> APIClient:
    """A staff browser session: it acts with the member's role (API keys act as admins)."""
    client = APIClient()
    client.force_login(user)
    return client


def upload(client, data: bytes, password: str = PASSWORD):
    return client.post(CERTIFICATE, {"file": SimpleUploadedFile("firma.p12", data),
                                     "password": password}, format="multipart")


def key_fragments() -> list[str]:
    """Pieces of the private key as they could leak: DER base64 and PEM."""
    key = rsa_key()
    der = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    b64 = base64.b64encode(der).decode()
    return [b64[100:160], pem.splitlines()[5], "PRIVATE KEY", PASSWORD]


def assert_no_secret(text: str) -> None:
    for fragment in key_fragments():
        assert fragment not in text


@pytest.mark.django_db
def test_owner_installs_the_certificate(api, workspace, caplog):
    caplog.set_level(logging.DEBUG)
    response = upload(api, p12_for(workspace.rnc, workspace.name))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= FIELDS
    assert body["holder_tax_id"] == "131246796" and body["environment"] == "testecf"
    assert body["warnings"] == []
    assert_no_secret(response.content.decode())
    assert_no_secret(caplog.text)
    entry = Activity.objects.get(workspace=workspace, verb="ecf_certificate_installed")
    assert_no_secret(str(entry.data) + entry.description)

    shown = api.get(CERTIFICATE)
    assert shown.status_code == 200 and shown.json()["serial_number"] == body["serial_number"]
    assert_no_secret(shown.content.decode())
    assert api.get(SETTINGS).json() == {"environment": "testecf", "is_electronic_issuer": True}


@pytest.mark.django_db
def test_replacing_and_removing_are_in_the_activity_log(api, workspace):
    assert upload(api, p12_for(workspace.rnc, workspace.name)).status_code == 201
    assert upload(api, make_p12(serial_number="IDCDO-00113918205")).status_code == 201
    replaced = api.get(CERTIFICATE).json()
    assert replaced["holder_tax_id"] == "00113918205"
    assert [w["code"] for w in replaced["warnings"]] == ["ecf_certificate_holder"]
    assert api.delete(CERTIFICATE).status_code == 204
    assert api.get(CERTIFICATE).status_code == 404
    assert api.delete(CERTIFICATE).status_code == 404
    verbs = list(Activity.objects.filter(workspace=workspace, verb__startswith="ecf_certificate")
                 .order_by("id").values_list("verb", flat=True))
    assert verbs == ["ecf_certificate_installed", "ecf_certificate_replaced",
                     "ecf_certificate_removed"]
    assert api.get(SETTINGS).json()["is_electronic_issuer"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("data, password, field", [
    (None, "wrong password", "password"),
    ("expired", PASSWORD, "file"),
    ("no id", PASSWORD, "file"),
    ("garbage", PASSWORD, "file"),
])
def test_refusals_are_clear_400s(api, workspace, data, password, field):
    content = {None: lambda: p12_for(workspace.rnc, workspace.name), "expired": expired_p12,
               "no id": lambda: make_p12(serial_number="Acme"),
               "garbage": lambda: b"\x00\x01 not a certificate"}[data]()
    response = upload(api, content, password)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["fields"]) == [field]
    assert_no_secret(response.content.decode())
    assert api.get(CERTIFICATE).status_code == 404


@pytest.mark.django_db
def test_missing_file_is_a_400_on_file(api):
    response = api.post(CERTIFICATE, {"password": PASSWORD}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VIEWER, Role.SELLER, Role.ACCOUNTANT])
def test_below_admin_may_look_but_not_change(workspace, role, installed_certificate):
    client = session_client(workspace, make_member(workspace, role))
    assert client.get(CERTIFICATE).status_code == 200
    assert client.get(SETTINGS).status_code == 200
    assert upload(client, p12_for(workspace.rnc, workspace.name)).status_code == 403
    assert client.delete(CERTIFICATE).status_code == 403
    assert client.patch(SETTINGS, {"environment": "ecf"}, format="json").status_code == 403


@pytest.mark.django_db
def test_admin_chooses_the_environment(workspace):
    client = session_client(workspace, make_member(workspace, Role.ADMIN))
    assert client.get(SETTINGS).json()["environment"] == "testecf"
    response = client.patch(SETTINGS, {"environment": "certecf"}, format="json")
    assert response.status_code == 200 and response.json()["environment"] == "certecf"
    assert client.patch(SETTINGS, {"environment": "produccion"},
                        format="json").status_code == 400
    assert Activity.objects.filter(workspace=workspace, verb="ecf_environment_changed").count() == 1


@pytest.mark.django_db
def test_another_workspace_sees_nothing(api, other_api, workspace):
    assert upload(api, p12_for(workspace.rnc, workspace.name)).status_code == 201
    api.patch(SETTINGS, {"environment": "ecf"}, format="json")
    assert other_api.get(CERTIFICATE).status_code == 404
    assert other_api.get(SETTINGS).json() == {"environment": "testecf",
                                              "is_electronic_issuer": False}
    assert other_api.delete(CERTIFICATE).status_code == 404
    assert api.get(CERTIFICATE).status_code == 200


@pytest.mark.django_db
def test_services_hold_every_caller_to_the_role_table(workspace):
    from invoicing.core.errors import PermissionDenied
    from invoicing.ecf import services

    accountant = make_member(workspace, Role.ACCOUNTANT)
    with pytest.raises(PermissionDenied):
        services.ecf_certificate_install(workspace=workspace, actor=accountant,
                                         p12_bytes=p12_for(workspace.rnc, workspace.name),
                                         password=PASSWORD)
    with pytest.raises(PermissionDenied):
        services.ecf_settings_update(workspace=workspace, actor=accountant, environment="ecf")


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_without_reading_it_all(api):
    response = upload(api, b"0" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["file"]
