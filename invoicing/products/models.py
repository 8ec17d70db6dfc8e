from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceQuerySet, WorkspaceScopedModel


class Product(WorkspaceScopedModel):
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2,
                                     default=Decimal("0.00"),
                                     validators=[MinValueValidator(Decimal("0"))])
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2,
                               default=Decimal("0.00"),
                               validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(_("unit"), max_length=20, default="unidad")
    tracks_inventory = models.BooleanField(_("tracks inventory"), default=False)
    # Always the sum of the product's stock movements; only the ledger service changes it,
    # with an atomic increment in the movement's transaction.
    stock_quantity = models.DecimalField(_("stock"), max_digits=14, decimal_places=4,
                                         default=Decimal("0"), editable=False)
    taxes = models.ManyToManyField("fiscal.Tax", blank=True, related_name="products",
                                   verbose_name=_("default taxes"))
    is_active = models.BooleanField(_("active"), default=True)
    # SKU and name folded by core.text.search_key, kept by save() (see Contact.search_text).
    search_text = models.CharField(max_length=300, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "sku"], name="product_unique_sku"),
        ]
        indexes = [models.Index(fields=["workspace", "name", "id"], name="product_ws_name"),
                   models.Index(fields=["workspace", "search_text"], name="product_ws_search")]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.sku} – {self.name}"

    def save(self, *args, **kwargs):
        from invoicing.core.text import search_key

        self.search_text = search_key(self.sku, self.name)[:300]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class MovementKind(models.TextChoices):
    SALE = "sale", _("Sale")
    SALE_REVERSAL = "sale_reversal", _("Sale reversal")
    ADJUSTMENT = "adjustment", _("Adjustment")
    PURCHASE = "purchase", _("Purchase")


class StockMovement(WorkspaceScopedModel):
    """Append-only stock ledger: a correction is a new movement, never an edit.

    `source_key` makes movements written by jobs exactly-once: the same key can exist once
    per workspace, so a task that runs twice cannot write twice.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    kind = models.CharField(_("kind"), max_length=14, choices=MovementKind.choices)
    invoice = models.ForeignKey("invoices.Invoice", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="stock_movements")
    note = models.CharField(_("note"), max_length=255, blank=True)
    source_key = models.CharField(max_length=80, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "source_key"],
                                    condition=Q(source_key__isnull=False),
                                    name="stock_movement_unique_source"),
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_nonzero"),
        ]
        indexes = [
            models.Index(fields=["product", "-created_at"], name="movement_product_created"),
            models.Index(fields=["workspace", "kind"], name="movement_ws_kind"),
        ]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} × {self.product_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("Stock movements are append-only; record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Stock movements are append-only; record a correction instead.")
