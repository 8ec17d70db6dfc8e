from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceQuerySet, WorkspaceScopedModel


class ContactKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")
    BOTH = "both", _("Customer and supplier")


class TaxIdType(models.TextChoices):
    RNC = "rnc", _("RNC")
    CEDULA = "cedula", _("Cédula")
    PASSPORT = "passport", _("Passport")
    NONE = "none", _("None")


class ContactQuerySet(WorkspaceQuerySet):
    def customers(self) -> ContactQuerySet:
        return self.filter(kind__in=[ContactKind.CUSTOMER, ContactKind.BOTH])


class Contact(WorkspaceScopedModel):
    """A customer or supplier. `tax_id` holds digits only (RNC 9, cédula 11)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices,
                            default=ContactKind.CUSTOMER)
    tax_id_type = models.CharField(_("tax ID type"), max_length=10, choices=TaxIdType.choices,
                                   default=TaxIdType.NONE)
    tax_id = models.CharField(_("tax ID"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), null=True,
                                                     blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Customer credit (API.md "Customer credit"), in the workspace currency: credit notes
    # beyond what was unpaid raise it, payments by `credit_balance` and refunds spend it.
    # Written only by `invoices.credit` under this row's lock; never negative.
    credit_balance = models.DecimalField(_("credit balance"), max_digits=14, decimal_places=2,
                                         default=Decimal("0.00"), editable=False)
    # Name, email and tax id folded by core.text.search_key, kept by save(): the search
    # ignores accents and case the same way on PostgreSQL and SQLite.
    search_text = models.CharField(max_length=400, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(credit_balance__gte=0),
                                              name="contact_credit_not_negative")]
        indexes = [
            models.Index(fields=["workspace", "name", "id"], name="contact_ws_name"),
            models.Index(fields=["workspace", "tax_id"], name="contact_ws_taxid"),
            models.Index(fields=["workspace", "kind"], name="contact_ws_kind"),
            models.Index(fields=["workspace", "search_text"], name="contact_ws_search"),
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from invoicing.core.text import search_key

        self.search_text = search_key(self.name, self.email, self.tax_id)[:400]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def tax_id_display(self) -> str:
        from .identity import format_tax_id

        return format_tax_id(self.tax_id_type, self.tax_id)

    @property
    def has_fiscal_id(self) -> bool:
        return self.tax_id_type in (TaxIdType.RNC, TaxIdType.CEDULA) and bool(self.tax_id)


class RncRegistryEntry(models.Model):
    """One taxpayer of DGII's registry (`DGII_RNC.TXT`), shared by every workspace: it is
    public data about taxpayers, not a workspace's own. Replaced by `import_dgii_rnc`; never
    edited by hand. The file's address and phone columns are not kept (DGII leaves them
    mostly empty, and nothing here reads them)."""

    ACTIVE = "ACTIVO"

    tax_id = models.CharField(_("RNC or cédula"), max_length=11, primary_key=True)
    name = models.TextField(_("name"))
    trade_name = models.TextField(_("trade name"), blank=True)
    activity = models.TextField(_("economic activity"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    payment_regime = models.CharField(_("payment regime"), max_length=60, blank=True)
    # The import that last read this taxpayer: tells a line repeated within one file apart
    # from one already known, without holding every id of the file in memory.
    import_run = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("RNC registry entry")
        verbose_name_plural = _("RNC registry")
        ordering = ["tax_id"]

    def __str__(self) -> str:
        return f"{self.tax_id} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE


class RncImport(models.Model):
    """One run of `import_dgii_rnc` (by hand or the weekly refresh), with what it counted."""

    source = models.CharField(_("source"), max_length=500)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("RNC registry import")
        verbose_name_plural = _("RNC registry imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"
