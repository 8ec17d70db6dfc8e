from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceQuerySet, WorkspaceScopedModel


class Environment(models.TextChoices):
    """DGII's environments: the first path segment after DGII_ECF_URL / DGII_FC_URL."""

    TESTECF = "testecf", _("Pre-certification (testecf)")
    CERTECF = "certecf", _("Certification (certecf)")
    ECF = "ecf", _("Production (ecf)")


class HolderKind(models.TextChoices):
    RNC = "rnc", _("RNC")
    CEDULA = "cedula", _("Cédula")
    PASSPORT = "passport", _("Passport")


class EcfSettings(WorkspaceScopedModel):
    """A workspace's e-CF settings. A workspace without a row uses the defaults."""

    environment = models.CharField(_("DGII environment"), max_length=10,
                                   choices=Environment.choices, default=Environment.TESTECF)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"],
                                               name="ecf_settings_one_per_workspace")]
        verbose_name = _("e-CF settings")
        verbose_name_plural = _("e-CF settings")

    def __str__(self) -> str:
        return self.get_environment_display()


class EcfCertificate(WorkspaceScopedModel):
    """The certificate a workspace signs its e-CF with (one per workspace).

    The private key is kept only encrypted (`sealed_key`, Fernet with the deployment's
    ECF_KEY_ENCRYPTION_KEY) and is read only by `invoicing.ecf.selectors.signing_credentials`;
    no page, API answer, admin screen or log line shows it.
    """

    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issued by"), max_length=500)
    holder_kind = models.CharField(_("holder ID type"), max_length=10,
                                   choices=HolderKind.choices)
    holder_tax_id = models.CharField(_("holder ID"), max_length=20)
    serial_number = models.CharField(_("serial number"), max_length=80)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    certificate_der = models.BinaryField(editable=False)
    sealed_key = models.BinaryField(editable=False)
    installed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("installed by"))
    installed_at = models.DateTimeField(_("installed at"), auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"],
                                               name="ecf_certificate_one_per_workspace")]
        verbose_name = _("e-CF certificate")
        verbose_name_plural = _("e-CF certificates")

    def __str__(self) -> str:
        return self.subject

    def __repr__(self) -> str:
        return f"<EcfCertificate {self.pk} {self.serial_number}>"
