"""What the issuing transaction asks: is the workspace an electronic issuer, and with which
credentials does it sign (409 `ecf_not_configured` when it cannot)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from invoicing.ecf import selectors
from invoicing.ecf.errors import CertificateUnusable
from invoicing.ecf.models import EcfCertificate

pytestmark = pytest.mark.django_db


def test_without_certificate_the_workspace_cannot_sign(workspace):
    assert not selectors.is_electronic_issuer(workspace)
    with pytest.raises(CertificateUnusable) as caught:
        selectors.signing_credentials(workspace)
    assert caught.value.http_status == 409 and caught.value.code == "ecf_not_configured"


def test_installed_certificate_signs(workspace, installed_certificate):
    assert selectors.is_electronic_issuer(workspace)
    credentials = selectors.signing_credentials(workspace)
    assert credentials.certificate.serial_number == int(installed_certificate.serial_number, 16)
    assert "PRIVATE" not in repr(credentials)


def test_an_expired_certificate_no_longer_signs(workspace, installed_certificate):
    EcfCertificate.objects.filter(pk=installed_certificate.pk).update(
        valid_until=timezone.now() - datetime.timedelta(minutes=1))
    assert not selectors.is_electronic_issuer(workspace)
    with pytest.raises(CertificateUnusable):
        selectors.signing_credentials(workspace)
    warnings = selectors.certificate_warnings(workspace, selectors.certificate_for(workspace))
    assert [w.code for w in warnings] == ["ecf_certificate_expired"]


def test_another_workspace_has_its_own_state(workspace, other_workspace, installed_certificate):
    assert not selectors.is_electronic_issuer(other_workspace)
    assert selectors.certificate_for(other_workspace) is None
    assert selectors.environment_for(other_workspace) == "testecf"
