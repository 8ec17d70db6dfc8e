"""Template helpers shared by every page: money, tax ids, status badges, sort links."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from invoicing.contacts.identity import format_tax_id
from invoicing.core.money import format_money

register = template.Library()


@register.simple_tag
def money(amount, symbol: str = "RD$") -> str:
    if amount is None or amount == "":
        return "—"
    return format_money(Decimal(amount), symbol or "")


@register.filter
def tax_id(value, tax_id_type: str = "") -> str:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if not tax_id_type:
        tax_id_type = "rnc" if len(digits) == 9 else "cedula" if len(digits) == 11 else ""
    return format_tax_id(tax_id_type, digits) if digits else (value or "")


@register.simple_tag
def status_badge(document) -> str:
    label = document.get_status_display()
    html = format_html('<span class="badge badge-{}">{}</span>', document.status, label)
    if getattr(document, "is_overdue", False):
        html += format_html(' <span class="badge badge-overdue">{}</span>', _("Overdue"))
    return html


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str) -> str:
    """A column header that sorts by `field`, toggling the direction."""
    current = context.get("sort", "")
    descending = current == field
    target = f"-{field}" if descending else field
    arrow = ""
    if current.lstrip("-") == field:
        arrow = " ↓" if current.startswith("-") else " ↑"
    query = context.get("sort_query", "")
    href = "?" + (query + "&" if query else "") + urlencode({"sort": target})
    return format_html('<a href="{}">{}{}</a>', href, label, arrow)
