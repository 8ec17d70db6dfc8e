"""`{{ value|tax_id:type }}`: an RNC or cédula as people write it (`1-31-24679-6`)."""

from __future__ import annotations

from django import template

from invoicing.contacts.identity import format_tax_id

register = template.Library()


@register.filter
def tax_id(value, tax_id_type: str = "") -> str:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if not tax_id_type:
        tax_id_type = "rnc" if len(digits) == 9 else "cedula" if len(digits) == 11 else ""
    return format_tax_id(tax_id_type, digits) if digits else (value or "")
