"""Membership roles and what each may do. A role includes every right of the roles below it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    SELLER = "seller", _("Seller")
    ACCOUNTANT = "accountant", _("Accountant")
    ADMIN = "admin", _("Admin")
    OWNER = "owner", _("Owner")


RANK = {Role.VIEWER: 0, Role.SELLER: 1, Role.ACCOUNTANT: 2, Role.ADMIN: 3, Role.OWNER: 4}


def role_allows(role: str | None, required: str) -> bool:
    """True when `role` is `required` or above it."""
    if role is None:
        return False
    return RANK[Role(role)] >= RANK[Role(required)]


# What each kind of work needs, so views and viewsets name the work, not the role.
READ = Role.VIEWER
SELL = Role.SELLER  # quotations, invoices, payments, contacts, products
FISCAL = Role.ACCOUNTANT  # cancel, taxes, currencies, document subtypes, salesmen
MANAGE = Role.ADMIN  # members, API keys, workspace settings

