"""Reads for products shared by the API and the pages."""

from __future__ import annotations

from django.db.models import QuerySet

from invoicing.core.text import search_key

from .models import Product


def product_search(queryset: QuerySet[Product], q: str) -> QuerySet[Product]:
    """SKU or name contains `q` whatever its accents and case ("cafe" finds "Café")."""
    key = search_key((q or "").strip())
    return queryset.filter(search_text__contains=key) if key else queryset
