"""Writes of the e-CF set-up: install, replace or remove the certificate, and choose the DGII
environment. Each runs in its own transaction with its activity entry (never the key)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from django.db import transaction
from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput, NotFound
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .certificates import open_pkcs12, seal_private_key
from .models import EcfCertificate, EcfSettings, Environment


def _actor(actor: Any):
    return actor if getattr(actor, "pk", None) else None


def _summary(certificate: EcfCertificate) -> dict:
    return {"subject": certificate.subject, "serial_number": certificate.serial_number,
            "holder_tax_id": certificate.holder_tax_id,
            "valid_until": certificate.valid_until.isoformat()}


@requires("ecf_certificate_manage")
def ecf_certificate_install(*, workspace: Workspace, actor: Any, p12_bytes: bytes,
                            password: str) -> EcfCertificate:
    """Install (or replace) the workspace's signing certificate from its PKCS#12 file.

    Refused with InvalidInput (400) on `file` or `password` when the file does not open, the
    certificate has expired, or its subject's serial number carries no RNC, cédula or
    passport. The private key is stored encrypted; the activity log says who did it."""
    opened = open_pkcs12(p12_bytes, password)  # the slow part, before any lock
    fields = {
        "subject": opened.subject, "issuer": opened.issuer,
        "holder_kind": opened.holder.kind, "holder_tax_id": opened.holder.tax_id,
        "serial_number": opened.serial_number,
        "fingerprint_sha256": opened.fingerprint_sha256,
        "valid_from": opened.valid_from, "valid_until": opened.valid_until,
        "certificate_der": opened.credentials.certificate.public_bytes(Encoding.DER),
        "sealed_key": seal_private_key(opened.credentials.private_key),
        "installed_by": _actor(actor),
    }
    with transaction.atomic():
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        certificate = EcfCertificate.objects.filter(workspace_id=workspace.pk).first()
        replaced = certificate is not None
        previous = _summary(certificate) if replaced else None
        if certificate is None:
            certificate = EcfCertificate(workspace=workspace)
        for name, value in fields.items():
            setattr(certificate, name, value)
        certificate.save()
        activity_record(
            workspace=workspace, actor=actor,
            verb="ecf_certificate_replaced" if replaced else "ecf_certificate_installed",
            target=certificate,
            description=(_("e-CF certificate replaced: %(subject)s") if replaced
                         else _("e-CF certificate installed: %(subject)s"))
            % {"subject": certificate.subject},
            data={**_summary(certificate), **({"previous": previous} if previous else {})},
        )
    return certificate


@requires("ecf_certificate_manage")
@transaction.atomic
def ecf_certificate_remove(*, workspace: Workspace, actor: Any) -> None:
    certificate = (EcfCertificate.objects.select_for_update()
                   .filter(workspace_id=workspace.pk).first())
    if certificate is None:
        raise NotFound(_("This workspace has no e-CF certificate."))
    activity_record(workspace=workspace, actor=actor, verb="ecf_certificate_removed",
                    target=certificate,
                    description=_("e-CF certificate removed: %(subject)s")
                    % {"subject": certificate.subject}, data=_summary(certificate))
    certificate.delete()


@requires("ecf_settings_update")
@transaction.atomic
def ecf_settings_update(*, workspace: Workspace, actor: Any, environment: str) -> EcfSettings:
    if environment not in Environment.values:
        raise InvalidInput(_("The environment is one of %(choices)s.")
                           % {"choices": ", ".join(Environment.values)}, field="environment")
    row, _created = EcfSettings.objects.select_for_update().get_or_create(
        workspace=workspace, defaults={"environment": environment})
    before = row.environment if not _created else None
    if row.environment != environment:
        row.environment = environment
        row.save(update_fields=["environment", "updated_at"])
    if before != environment:
        activity_record(workspace=workspace, actor=actor, verb="ecf_environment_changed",
                        target=row,
                        description=_("DGII environment set to %(environment)s")
                        % {"environment": environment},
                        data={"environment": environment, "previous": before})
    return row


@requires("ecf_retry")
@transaction.atomic
def ecf_retry(*, record, actor: Any):
    """"Reintentar envío" (API.md `POST …/ecf/retry`): a `signed` document is sent now, a
    `sent` one asked for its verdict now; 409 once DGII has decided (or it was voided)."""
    from invoicing.core.errors import Conflict

    from . import sending
    from .models import EcfRecord, EcfStatus

    record = EcfRecord.objects.select_for_update().get(pk=record.pk)
    if record.status == EcfStatus.SIGNED:
        topic, payload = (sending.RESUME, {"workspace_id": record.workspace_id}) \
            if record.waiting_since else (sending.SEND, {"record_id": record.pk})
    elif record.status == EcfStatus.SENT:
        topic, payload = sending.POLL, {"record_id": record.pk}
    else:
        raise Conflict(_("%(encf)s is %(status)s: there is nothing to retry.")
                       % {"encf": record.encf, "status": record.get_status_display().lower()},
                       code="ecf_final")
    from invoicing.core import outbox

    outbox.enqueue(topic, payload, workspace_id=record.workspace_id)
    activity_record(workspace=record.workspace, actor=actor, verb="ecf_retry", target=record,
                    description=_("e-CF %(encf)s: retry requested") % {"encf": record.encf})
    return record
