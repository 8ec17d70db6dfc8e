"""Membership roles and what each may do. A role includes every right of the roles below it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    SELLER = "seller", _("Seller")
    ACCOUNTANT = "accountant", _("Accountant")
    ADMIN = "admin", pgettext_lazy("role", "Admin")
    OWNER = "owner", _("Owner")


RANK = {Role.VIEWER: 0, Role.SELLER: 1, Role.ACCOUNTANT: 2, Role.ADMIN: 3, Role.OWNER: 4}


def role_allows(role: str | None, required: str) -> bool:
    """True when `role` is `required` or above it."""
    if role is None:
        return False
    if role == SYSTEM:
        return True
    return RANK[Role(role)] >= RANK[Role(required)]


# What each kind of work needs, so views and viewsets name the work, not the role.
READ = Role.VIEWER
SELL = Role.SELLER  # quotations, invoices, payments, contacts, products
FISCAL = Role.ACCOUNTANT  # cancel, taxes, currencies, document subtypes, salesmen
MANAGE = Role.ADMIN  # members, API keys, workspace settings



# --- The role table -------------------------------------------------------------------------
# The least role for each action, named after the service that does it (API.md "Roles").
# API permissions, page guards, templates (`can.<action>`) and the services themselves read
# this one table. Reading (`read`) is every member's.
ACTION_ROLES: dict[str, str] = {
    "read": Role.VIEWER,
    "report_read": Role.VIEWER,
    # Selling: customers, catalog, quotations, invoices, payments, sending to customers.
    **dict.fromkeys((
        "contact_create", "contact_update", "contact_set_active", "contact_delete",
        "product_create", "product_update", "product_set_active", "product_delete",
        "stock_movement_record",
        "quotation_create", "quotation_update", "quotation_delete", "quotation_send",
        "quotation_accept", "quotation_reject", "quotation_convert",
        "invoice_create", "invoice_update", "invoice_issue", "invoice_delete",
        "payment_record",
        "document_send", "share_link_manage", "recurring_invoice_manage",
    ), Role.SELLER),
    # Fiscal work: voiding, notes, refunds, e-CF follow-up, fiscal settings, DGII files.
    **dict.fromkeys((
        "invoice_cancel", "payment_delete",
        "credit_note_issue", "debit_note_issue", "note_cancel", "refund_record",
        "ecf_retry", "invoice_reissue", "ecf_void_range",
        "tax_create", "tax_update", "tax_delete",
        "subtype_create", "subtype_update", "subtype_enter_range", "subtype_delete",
        "currency_create", "currency_update", "currency_make_default", "currency_delete",
        "exchange_rate_set",
        "salesman_create", "salesman_update", "salesman_delete",
        "dgii_report_download",
    ), Role.ACCOUNTANT),
    # Managing the workspace.
    **dict.fromkeys((
        "workspace_update", "member_add", "member_change_role", "member_remove",
        "api_key_create", "api_key_revoke",
        "webhook_manage", "ecf_certificate_manage", "ecf_settings_update",
    ), Role.ADMIN),
    "owner_grant": Role.OWNER,
}
# The kinds of work above, for pages that gate a whole area.
ACTION_ROLES |= {READ: Role.VIEWER, SELL: Role.SELLER, FISCAL: Role.ACCOUNTANT,
                 MANAGE: Role.ADMIN, Role.OWNER.value: Role.OWNER}
SYSTEM = "system"  # scheduled jobs and the outbox act as the system


def least_role(action: str) -> str:
    """The least role that may do `action` (a role name is its own answer)."""
    try:
        return ACTION_ROLES[action]
    except KeyError:
        raise KeyError(f"{action!r} is not in the role table (workspaces/roles.py)") from None


def may(role: str | None, action: str) -> bool:
    return role == SYSTEM or role_allows(role, least_role(action))
