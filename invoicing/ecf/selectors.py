"""Reads about a workspace's e-CF set-up: its environment, its certificate, whether it can
issue e-CF, the credentials to sign with, and what to warn about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .certificates import unseal_credentials
from .errors import CertificateUnusable
from .models import EcfCertificate, EcfSettings, Environment
from .signing import SigningCredentials

EXPIRY_WARNING = timedelta(days=30)


def ecf_settings_for(workspace) -> EcfSettings:
    """The workspace's settings row, or the defaults (unsaved) when it has none yet."""
    found = EcfSettings.objects.filter(workspace_id=workspace.pk).first()
    return found or EcfSettings(workspace=workspace, environment=Environment.TESTECF)


def environment_for(workspace) -> str:
    return ecf_settings_for(workspace).environment


def certificate_for(workspace) -> EcfCertificate | None:
    # The sealed key stays in the database unless signing asks for it.
    return (EcfCertificate.objects.filter(workspace_id=workspace.pk)
            .defer("sealed_key", "certificate_der").select_related("installed_by").first())


def is_electronic_issuer(workspace, *, at: datetime | None = None) -> bool:
    """A certificate that is valid now, and an environment (every workspace has one)."""
    at = at or timezone.now()
    return EcfCertificate.objects.filter(workspace_id=workspace.pk, valid_from__lte=at,
                                         valid_until__gt=at).exists()


def signing_credentials(workspace, *, at: datetime | None = None) -> SigningCredentials:
    """The key and certificate to sign the workspace's e-CF with. Raises CertificateUnusable
    (409 `ecf_not_configured`) when there is none, or it has expired."""
    at = at or timezone.now()
    row = (EcfCertificate.objects.filter(workspace_id=workspace.pk)
           .only("valid_from", "valid_until", "sealed_key", "certificate_der").first())
    if row is None:
        raise CertificateUnusable(_("This workspace is not an electronic issuer yet: install "
                                    "its e-CF certificate in Settings → Facturación "
                                    "electrónica."))
    if not row.valid_from <= at < row.valid_until:
        raise CertificateUnusable(_("The e-CF certificate expired on %(date)s; install the "
                                    "new one.") % {"date": date_format(
                                        timezone.localtime(row.valid_until), "SHORT_DATE_FORMAT")})
    return unseal_credentials(row.sealed_key, bytes(row.certificate_der))


@dataclass(frozen=True)
class CertificateWarning:
    code: str
    message: str


def certificate_warnings(workspace, certificate: EcfCertificate | None, *,
                         now: datetime | None = None) -> list[CertificateWarning]:
    if certificate is None:
        return []
    now = now or timezone.now()
    warnings = []
    until = date_format(timezone.localtime(certificate.valid_until), "SHORT_DATE_FORMAT")
    if certificate.valid_until <= now:
        warnings.append(CertificateWarning("ecf_certificate_expired", _(
            "The e-CF certificate expired on %(date)s: no e-CF can be issued until a new one "
            "is installed.") % {"date": until}))
    elif certificate.valid_until - now <= EXPIRY_WARNING:
        warnings.append(CertificateWarning("ecf_certificate_expiring", _(
            "The e-CF certificate expires on %(date)s: ask your certification authority for "
            "the new one and install it before then.") % {"date": until}))
    if workspace.rnc and certificate.holder_tax_id != workspace.rnc:
        warnings.append(CertificateWarning("ecf_certificate_holder", _(
            "The certificate belongs to %(holder)s, not to the workspace's RNC %(rnc)s: DGII "
            "accepts it only if %(holder)s is registered as a signer (Firmante) for this RNC.")
            % {"holder": certificate.holder_tax_id, "rnc": workspace.rnc}))
    return warnings
