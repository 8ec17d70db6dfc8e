"""The abstract models every document shares (invoices, quotations, and next credit and
debit notes): buyer, currency, terms, stored totals, and lines with frozen tax copies.

Concrete models live in their apps (their tables keep their names); moving these classes
here changed no table.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceScopedModel

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class DiscountType(models.TextChoices):
    AMOUNT = "amount", _("Amount")
    PERCENTAGE = "percentage", _("Percentage")


class AbstractDocumentTotals(WorkspaceScopedModel):
    """What invoices and quotations share: buyer, currency, terms and stored totals.

    The totals are written only from `documents.totals` by the services.
    """

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("customer"))
    document_subtype = models.ForeignKey("fiscal.DocumentSubtype", on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("document type"))
    document_number = models.CharField(_("number"), max_length=40, null=True, blank=True)
    issue_date = models.DateField(_("issue date"), default=timezone.localdate)
    currency = models.ForeignKey("workspaces.Currency", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("currency"))
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=14, decimal_places=4,
                                        default=Decimal("1.0000"))
    payment_term = models.CharField(_("payment terms"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    subtotal_amount = money_field(_("subtotal"))
    discount_amount = money_field(_("discount"))
    tax_amount = money_field(_("tax"))
    total_amount = money_field(_("total"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CancellationReason(models.TextChoices):
    """DGII report 608 voiding codes."""

    DETERIORO = "01", _("01 – Deterioro de factura pre-impresa")
    ERRORES_IMPRESION = "02", _("02 – Errores de impresión (factura pre-impresa)")
    IMPRESION_DEFECTUOSA = "03", _("03 – Impresión defectuosa")
    CORRECCION = "04", _("04 – Corrección de la información")
    CAMBIO_PRODUCTOS = "05", _("05 – Cambio de productos")
    DEVOLUCION = "06", _("06 – Devolución de productos")
    OMISION = "07", _("07 – Omisión de productos")
    ERROR_SECUENCIA = "08", _("08 – Errores en secuencia de NCF")
    CESE = "09", _("09 – Por cese de operaciones")
    PERDIDA = "10", _("10 – Pérdida o hurto de talonarios")


class AbstractFiscalParties(models.Model):
    """Who issued a fiscal document and to whom, and how it was voided: frozen at issue
    (DOMAIN.md: the printed document must not change afterwards)."""

    buyer_name = models.CharField(_("buyer name"), max_length=200, blank=True)
    buyer_tax_id_type = models.CharField(max_length=10, blank=True)
    buyer_tax_id = models.CharField(_("buyer tax ID"), max_length=20, blank=True)
    buyer_address = models.TextField(_("buyer address"), blank=True)
    issuer_name = models.CharField(_("issuer name"), max_length=200, blank=True)
    issuer_rnc = models.CharField(_("issuer RNC"), max_length=11, blank=True)
    issuer_address = models.TextField(_("issuer address"), blank=True)

    cancel_reason_code = models.CharField(_("608 reason"), max_length=2, blank=True,
                                          choices=CancellationReason.choices)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        abstract = True


class AbstractDocumentLine(models.Model):
    """A line of an invoice or a quotation. `taxes` is a frozen copy of each tax applied:
    `[{"id", "name", "kind", "rate", "amount"}]` with rates and amounts as strings, so a
    later change of the tax does not change the document."""

    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey("products.Product", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=14, decimal_places=2,
                                   default=ZERO)
    discount_type = models.CharField(_("discount type"), max_length=10,
                                     choices=DiscountType.choices, default=DiscountType.AMOUNT)
    taxes = models.JSONField(default=list, blank=True)
    subtotal = money_field(_("gross"))
    discount_amount = money_field(_("discount amount"))
    tax_amount = money_field(_("tax"))
    total = money_field(_("total"))

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    @property
    def tax_ids(self) -> list[int]:
        return [tax["id"] for tax in self.taxes]

    @property
    def net_amount(self) -> Decimal:
        return self.subtotal - self.discount_amount
