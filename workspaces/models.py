from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.core.tenancy import WorkspaceScopedModel

from .roles import Role


class Workspace(models.Model):
    """A company: the issuer of every document in it. Nothing crosses workspaces."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    rnc = models.CharField(_("RNC"), max_length=11, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    pdf_footer = models.TextField(_("PDF footer"), blank=True)
    quotation_validity_days = models.PositiveIntegerField(
        _("quotation validity (days)"), default=15
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(workspace__is_active=True, user__is_active=True)


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")
        ]
        ordering = ["workspace__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"


class Currency(WorkspaceScopedModel):
    code = models.CharField(_("code"), max_length=3, help_text=_("ISO 4217, e.g. DOP, USD"))
    name = models.CharField(_("name"), max_length=60)
    symbol = models.CharField(_("symbol"), max_length=8)
    # The rate in force today, kept beside its history (ExchangeRate) so reads need no join.
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=14, decimal_places=4, default=Decimal("1.0000"),
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_default", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="currency_unique_code"),
            models.UniqueConstraint(
                fields=["workspace"], condition=Q(is_default=True), name="currency_one_default"
            ),
        ]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return self.code


class ExchangeRate(WorkspaceScopedModel):
    """History of a currency's rate to the workspace default; a document takes the rate in
    force on its issue date."""

    currency = models.ForeignKey(Currency, on_delete=models.CASCADE, related_name="rates")
    rate = models.DecimalField(
        _("rate"), max_digits=14, decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    effective_date = models.DateField(_("effective date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_date"], name="exchange_rate_unique_day"
            )
        ]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")

    def __str__(self) -> str:
        return f"{self.currency_id} {self.rate} @ {self.effective_date}"


class Activity(WorkspaceScopedModel):
    """Who did what to which object, and when. Written by services in their transaction."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    description = models.CharField(_("description"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "target_type", "target_id"]),
            models.Index(fields=["workspace", "-created_at"]),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activity log")

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}#{self.target_id}"
