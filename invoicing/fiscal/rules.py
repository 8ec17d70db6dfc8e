"""Fiscal rules the document services call: line tax treatment and buyer identity."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput

from .models import ITBIS_TREATMENT_KINDS, Tax
from .ncf_types import ncf_type

# B02/E32 (consumo) name the buyer from this amount, in DOP (DGII Norma 06-2018).
CONSUMO_BUYER_ID_THRESHOLD = Decimal("250000.00")


def check_line_taxes(taxes: Iterable[Tax], *, field: str = "tax_ids") -> None:
    """A line carries at most one tax of kind itbis or exempt: its one ITBIS treatment."""
    treatments = [tax for tax in taxes if tax.kind in ITBIS_TREATMENT_KINDS]
    if len(treatments) > 1:
        raise InvalidInput(
            _("A line has one ITBIS treatment; it carries %(names)s.")
            % {"names": ", ".join(tax.name for tax in treatments)},
            field=field,
        )


def buyer_id_required(*, ncf_type_code: str | None, total_in_dop: Decimal) -> bool:
    """Whether a document must name the buyer's RNC or cédula (DOMAIN.md table)."""
    info = ncf_type(ncf_type_code)
    if info is None:
        return False
    if info.buyer_id == "always":
        return True
    if info.buyer_id == "threshold":
        return total_in_dop >= CONSUMO_BUYER_ID_THRESHOLD
    return False
