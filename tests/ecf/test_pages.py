"""Settings → Facturación electrónica, the dashboard warning, the admin (metadata only) and
`manage.py ecf_certificate`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from invoicing.ecf.models import EcfCertificate, EcfSettings
from tests.conftest import make_member
from tests.factories import UserFactory
from workspaces.roles import Role

from .certs import PASSWORD, expiring_p12, make_p12, p12_for
from .test_api import assert_no_secret

PAGE = "/settings/ecf/"


def install(client, data: bytes, password: str = PASSWORD):
    return client.post(f"{PAGE}certificate/", {
        "file": SimpleUploadedFile("firma.p12", data, "application/x-pkcs12"),
        "password": password})


@pytest.mark.django_db
def test_settings_index_links_the_page(logged_in_client):
    assert PAGE in logged_in_client.get("/settings/").content.decode()


@pytest.mark.django_db
def test_owner_installs_and_sees_the_certificate(logged_in_client, workspace):
    page = logged_in_client.get(PAGE).content.decode()
    assert 'data-testid="ecf-no-certificate"' in page
    response = install(logged_in_client, p12_for(workspace.rnc, workspace.name))
    assert response.status_code == 302
    certificate = EcfCertificate.objects.get(workspace=workspace)
    page = logged_in_client.get(PAGE)
    text = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    for shown in (certificate.subject, "131246796", certificate.serial_number,
                  timezone.localtime(certificate.valid_until).strftime("%d/%m/%Y")):
        assert shown in text
    assert 'data-testid="ecf-warnings"' not in text
    assert_no_secret(text)


@pytest.mark.django_db
def test_wrong_password_shows_on_the_form(logged_in_client, workspace):
    response = install(logged_in_client, p12_for(workspace.rnc, workspace.name), "nope")
    assert response.status_code == 400
    assert 'id="id_password-error"' in response.content.decode()
    assert not EcfCertificate.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_page_warns_about_another_holder_and_an_expiry_within_30_days(logged_in_client,
                                                                      workspace):
    install(logged_in_client, expiring_p12(days=10, serial_number="IDCDO-00113918205"))
    text = logged_in_client.get(PAGE).content.decode()
    assert 'data-code="ecf_certificate_holder"' in text
    assert 'data-code="ecf_certificate_expiring"' in text
    dashboard = logged_in_client.get("/").content.decode()
    assert 'data-testid="ecf-panel"' in dashboard
    assert 'data-code="ecf_certificate_expiring"' in dashboard


@pytest.mark.django_db
def test_dashboard_is_quiet_when_the_certificate_is_fine(logged_in_client, workspace):
    install(logged_in_client, p12_for(workspace.rnc, workspace.name))
    assert 'data-testid="ecf-panel"' not in logged_in_client.get("/").content.decode()


@pytest.mark.django_db
def test_owner_changes_environment_and_removes_the_certificate(logged_in_client, workspace,
                                                                installed_certificate):
    response = logged_in_client.post(f"{PAGE}environment/", {"environment": "certecf"})
    assert response.status_code == 302
    assert EcfSettings.objects.get(workspace=workspace).environment == "certecf"
    assert logged_in_client.post(f"{PAGE}certificate/remove/").status_code == 302
    assert not EcfCertificate.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_accountant_sees_but_cannot_change(client, workspace, installed_certificate):
    client.force_login(make_member(workspace, Role.ACCOUNTANT))
    page = client.get(PAGE)
    assert page.status_code == 200 and installed_certificate.subject in page.content.decode()
    assert f'action="{PAGE}certificate/"' not in page.content.decode()
    assert install(client, make_p12()).status_code == 403
    assert client.post(f"{PAGE}certificate/remove/").status_code == 403
    assert client.post(f"{PAGE}environment/", {"environment": "ecf"}).status_code == 403


@pytest.mark.django_db
def test_admin_shows_metadata_read_only_and_never_the_key(client, installed_certificate):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    listing = client.get("/admin/ecf/ecfcertificate/")
    assert listing.status_code == 200
    detail = client.get(f"/admin/ecf/ecfcertificate/{installed_certificate.pk}/change/")
    text = detail.content.decode()
    assert detail.status_code == 200 and installed_certificate.serial_number in text
    assert "sealed_key" not in text and 'name="subject"' not in text  # read-only
    assert_no_secret(text)
    assert client.get("/admin/ecf/ecfcertificate/add/").status_code == 403


@pytest.mark.django_db
def test_management_command_installs_and_sets_the_environment(workspace, tmp_path):
    p12, password = tmp_path / "firma.p12", tmp_path / "clave.txt"
    p12.write_bytes(p12_for(workspace.rnc, workspace.name))
    password.write_text(PASSWORD + "\n")
    out = StringIO()
    call_command("ecf_certificate", workspace.slug, "--p12", str(p12), "--password-file",
                 str(password), "--environment", "certecf", stdout=out)
    result = json.loads(out.getvalue())
    assert result["holder_tax_id"] == "131246796" and result["environment"] == "certecf"
    assert_no_secret(out.getvalue())
    assert EcfCertificate.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_management_command_refuses_a_wrong_password(workspace, tmp_path):
    p12, password = tmp_path / "firma.p12", tmp_path / "clave.txt"
    p12.write_bytes(p12_for(workspace.rnc, workspace.name))
    password.write_text("wrong\n")
    with translation.override("en"), pytest.raises(CommandError, match="password"):
        call_command("ecf_certificate", str(workspace.pk), "--p12", str(p12),
                     "--password-file", str(password))
    with pytest.raises(CommandError, match="No workspace"):
        call_command("ecf_certificate", "nope", "--p12", str(p12), "--password-file",
                     str(password))
