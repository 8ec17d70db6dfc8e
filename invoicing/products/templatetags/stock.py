"""Quantities as the app shows amounts (`1,234.5`, period for decimals), whatever the
language: trailing zeros dropped, up to 4 decimals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _format(value, signed: bool) -> str:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{number:{'+' if signed else ''},.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0", "") else text


@register.filter
def qty(value) -> str:
    return _format(value, signed=False)


@register.filter
def signed_qty(value) -> str:
    return _format(value, signed=True)
