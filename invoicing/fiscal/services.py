"""Writes for taxes and document subtypes."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from workspaces.models import Workspace

from .models import DocumentSubtype, DocumentType, Tax, TaxKind

DEFAULT_TAXES = [
    ("ITBIS 18%", TaxKind.ITBIS, Decimal("18.00")),
    ("ITBIS 16%", TaxKind.ITBIS, Decimal("16.00")),
    ("Exento", TaxKind.EXEMPT, Decimal("0.00")),
    ("Propina legal 10%", TaxKind.TIP, Decimal("10.00")),
]

DEFAULT_FISCAL_SUBTYPES = [
    ("B01", "Crédito fiscal", DocumentType.INVOICE),
    ("B02", "Consumo", DocumentType.INVOICE),
    ("B04", "Nota de crédito", DocumentType.CREDIT_NOTE),
    ("B14", "Régimen especial", DocumentType.INVOICE),
    ("B15", "Gubernamental", DocumentType.INVOICE),
]

DEFAULT_PLAIN_SUBTYPES = [
    ("Factura", "INV-", DocumentType.INVOICE),
    ("Cotización", "COT-", DocumentType.QUOTATION),
]


@transaction.atomic
def fiscal_defaults_provision(*, workspace: Workspace) -> None:
    """A new workspace's taxes and subtypes (API.md). The fiscal subtypes have no range until
    the workspace enters the one DGII authorised. Safe to run again."""
    for name, kind, rate in DEFAULT_TAXES:
        Tax.objects.get_or_create(workspace=workspace, name=name,
                                  defaults={"kind": kind, "rate": rate})
    for code, name, document_type in DEFAULT_FISCAL_SUBTYPES:
        DocumentSubtype.objects.get_or_create(
            workspace=workspace, ncf_type=code,
            defaults={"name": name, "document_type": document_type, "padding": 8},
        )
    for name, prefix, document_type in DEFAULT_PLAIN_SUBTYPES:
        DocumentSubtype.objects.get_or_create(
            workspace=workspace, ncf_type=None, prefix=prefix, document_type=document_type,
            defaults={"name": name, "padding": 4},
        )
