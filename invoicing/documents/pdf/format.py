"""How the printed documents write dates, quantities, rates and labels (always Spanish: they
are Dominican fiscal documents)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

TAX_ID_LABELS = {"rnc": "RNC", "cedula": "Cédula", "passport": "Pasaporte"}
TAX_KIND_LABELS = {"itbis": "ITBIS", "exempt": "Exento", "tip": "Propina legal", "isc": "ISC",
                   "other": "Otros impuestos"}


def date_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def quantity_text(value: Decimal) -> str:
    """`1`, `2.5`, `1,250.75`: a quantity without its trailing zeros."""
    text = f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def rate_text(value: Decimal | str) -> str:
    text = f"{Decimal(value):.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def exchange_rate_text(value: Decimal) -> str:
    """`60.50`, `58.1234`: at least 2 decimals, at most the 4 stored."""
    text = f"{Decimal(value):,.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def tax_label(kind: str, name: str, rate: Decimal) -> str:
    if kind == "itbis":
        return f"ITBIS {rate_text(rate)}"
    return name or f"{TAX_KIND_LABELS.get(kind, kind)} {rate_text(rate)}"


def safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "documento"
