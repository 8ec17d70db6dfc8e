"""Template helpers shared by every page: money, status badges, sort links."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import pgettext

from invoicing.core.money import format_money
from invoicing.core.money import plain_number as _plain_number

register = template.Library()


@register.simple_tag
def money(amount, symbol: str = "RD$") -> str:
    if amount is None or amount == "":
        return "—"
    return format_money(Decimal(amount), symbol or "")


@register.simple_tag
def status_badge(document) -> str:
    label = document.get_status_display()
    html = format_html('<span class="badge badge-{}">{}</span>', document.status, label)
    if getattr(document, "is_overdue", False):
        html += format_html(' <span class="badge badge-overdue">{}</span>',
                            pgettext("invoice badge", "Overdue"))
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


@register.filter
def plain_number(value) -> str:
    """`{{ line.quantity|plain_number }}`: `10`, not `10.0000` nor `1E+1`."""
    if value is None or value == "":
        return ""
    return _plain_number(Decimal(value))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def percent(value) -> str:
    """`18%`, `2.5%`: percentages without trailing zeros."""
    if value is None or value == "":
        return ""
    return f"{_plain_number(Decimal(value))}%"


@register.filter
def rate(value) -> str:
    """`58.5000`: exchange rates always with their 4 stored decimals."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):.4f}"


@register.simple_tag(takes_context=True)
def document_panels(context, document) -> str:
    """The panels other apps add to a document's page: each app's `panels.py` may define
    `document_panel(request, document) -> str` (HTML, already escaped)."""
    return _app_panels(context, "document_panel", document)


@register.simple_tag(takes_context=True)
def contact_panels(context, contact) -> str:
    """The panels the document apps add to a contact's page (its invoices, its quotations):
    `contact_panel(request, contact) -> str` in an app's `panels.py`."""
    return _app_panels(context, "contact_panel", contact)


def _app_panels(context, hook: str, target) -> str:
    from django.utils.safestring import mark_safe

    from invoicing.core.discovery import app_modules

    parts = []
    for module in app_modules("panels"):
        render = getattr(module, hook, None)
        if render is not None:
            parts.append(render(context.get("request"), target) or "")
    return mark_safe("".join(parts))  # each panel renders through an escaping template
