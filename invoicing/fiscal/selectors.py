"""Reads of the fiscal app that look beyond its own tables.

Documents (invoices, quotations) depend on fiscal, never the other way round (DESIGN.md), so
their models are looked up through the app registry rather than imported.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db import connection, models
from django.db.models import F, Max
from django.db.models.functions import Cast, Substr

from .models import DocumentSubtype, Tax

DOCUMENT_MODELS = ("invoices.Invoice", "quotations.Quotation", "notes.Note")
LINE_MODELS = ("invoices.InvoiceLine", "quotations.QuotationLine", "notes.NoteLine")


def subtypes_for_list(workspace_id: int) -> models.QuerySet[DocumentSubtype]:
    """Fiscal series by NCF type (B01, B02…, E31…), then the plain ones."""
    return DocumentSubtype.objects.filter(workspace_id=workspace_id).order_by(
        F("ncf_type").asc(nulls_last=True), "document_type", "prefix", "id") \
        .prefetch_related("ranges")


def number_head(*, ncf_type: str | None, prefix: str) -> str:
    """What every number of a series starts with: the NCF type (`B01`) or the prefix."""
    return ncf_type or prefix


def max_issued_sequence(*, workspace_id: int, ncf_type: str | None, prefix: str) -> int:
    """The highest sequence among the workspace's numbered documents (invoices, quotations
    and notes, whatever their status: a cancelled NCF stays used) whose number has this
    series' form — `B01` + digits, or the prefix + digits, whatever the padding. 0 if none.
    """
    head = number_head(ncf_type=ncf_type, prefix=prefix)
    if not head:
        return 0
    # Up to 18 digits so the cast to bigint never overflows; the sequence starts after head.
    pattern = "^" + re.escape(head) + "[0-9]{1,18}$"
    highest = 0
    for label in DOCUMENT_MODELS:
        model = apps.get_model(label)
        found = (model.objects.filter(workspace_id=workspace_id, document_number__regex=pattern)
                 .aggregate(top=Max(Cast(Substr("document_number", len(head) + 1),
                                         models.BigIntegerField())))["top"])
        highest = max(highest, found or 0)
    return highest


def subtype_has_documents(subtype: DocumentSubtype) -> bool:
    """Any invoice, quotation or note (draft or not) that uses this series."""
    return any(apps.get_model(label).objects.filter(document_subtype_id=subtype.pk).exists()
               for label in DOCUMENT_MODELS)


def subtype_has_numbered_documents(subtype: DocumentSubtype) -> bool:
    return any(apps.get_model(label).objects.filter(document_subtype_id=subtype.pk,
                                                    document_number__isnull=False).exists()
               for label in DOCUMENT_MODELS)


def tax_is_used(tax: Tax) -> bool:
    """Used by a product's default taxes or copied onto any document line."""
    if tax.products.exists():
        return True
    for label in LINE_MODELS:
        lines = apps.get_model(label).objects.filter(workspace_id=tax.workspace_id)
        if connection.features.supports_json_field_contains:
            if lines.filter(taxes__contains=[{"id": tax.pk}]).exists():
                return True
        else:  # SQLite, the embedded default: no JSON containment; scan the copies.
            for copies in lines.values_list("taxes", flat=True).iterator():
                if any(isinstance(c, dict) and c.get("id") == tax.pk for c in copies or ()):
                    return True
    return False

