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


class EcfStatus(models.TextChoices):
    """Where an issued e-CF stands with DGII (API.md `ecf.status`)."""

    SIGNED = "signed", _("Signed, not yet received by DGII")
    SENT = "sent", _("Received by DGII, awaiting its verdict")
    ACCEPTED = "accepted", _("Accepted by DGII")
    ACCEPTED_CONDITIONAL = "accepted_conditional", _("Accepted with conditions")
    REJECTED = "rejected", _("Rejected by DGII")
    VOIDED = "voided", _("Voided (never received)")


FINAL_STATUSES = (EcfStatus.ACCEPTED, EcfStatus.ACCEPTED_CONDITIONAL, EcfStatus.REJECTED,
                  EcfStatus.VOIDED)


class EcfRecord(WorkspaceScopedModel):
    """The signed e-CF of one issued E-series document (an invoice or a note), and where it
    stands with DGII. Written in the issuing transaction; `xml` and `summary_xml` are the
    signed bytes and never change afterwards. Only the sender (`invoicing.ecf.sending`)
    moves `status`, under this row's lock."""

    document_kind = models.CharField(max_length=20)  # "invoice", "credit_note", "debit_note"
    document_id = models.BigIntegerField()
    document_label = models.CharField(max_length=60)  # app_label.model, for the activity log
    ecf_type = models.CharField(max_length=3)
    encf = models.CharField(_("e-NCF"), max_length=13)
    rnc = models.CharField(max_length=11)
    status = models.CharField(_("e-CF status"), max_length=24, choices=EcfStatus.choices,
                              default=EcfStatus.SIGNED)
    environment = models.CharField(max_length=10, choices=Environment.choices)
    file_name = models.CharField(max_length=40)
    xml = models.BinaryField(editable=False)
    summary_xml = models.BinaryField(null=True, editable=False)  # the RFCE of an E32 < 250k
    security_code = models.CharField(_("security code"), max_length=6)
    signed_at = models.DateTimeField(_("signed at"))
    qr_url = models.CharField(max_length=500)
    track_id = models.CharField(_("trackId"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    messages = models.JSONField(default=list, blank=True)  # [{code, message}] from DGII
    sequence_used = models.BooleanField(null=True)  # DGII's secuenciaUtilizada on a rejection
    number_voided_at = models.DateTimeField(null=True, blank=True)  # ANECF accepted
    waiting_since = models.DateTimeField(null=True, blank=True)  # DGII unreachable since
    polls = models.PositiveIntegerField(default=0)
    # A rejected e-CF re-issued as a new document (API.md `reissue`): the link both ways.
    replaced_by_document_id = models.BigIntegerField(null=True, blank=True)
    replaces_document_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document_kind", "document_id"],
                                    name="ecf_record_one_per_document"),
            models.UniqueConstraint(fields=["workspace", "encf"],
                                    name="ecf_record_one_per_encf"),
        ]
        indexes = [models.Index(fields=["workspace", "status", "id"],
                                name="ecf_record_status")]
        verbose_name = _("e-CF")
        verbose_name_plural = _("e-CF")

    def __str__(self) -> str:
        return f"{self.encf} ({self.status})"

    @property
    def is_consumer_summary(self) -> bool:
        return self.summary_xml is not None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
