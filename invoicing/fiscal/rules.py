"""Fiscal rules the document services call: line tax treatment and buyer identity.
Each rule lives here and nowhere else (DESIGN.md: one place per business rule)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput

from .models import ITBIS_TREATMENT_KINDS
from .ncf_types import ncf_type

# B02/E32 (consumo) name the buyer from this amount, in DOP, inclusive (DGII Norma 06-2018).
CONSUMO_BUYER_ID_THRESHOLD = Decimal("250000.00")


def _tax_attr(tax: Any, name: str) -> Any:
    return tax.get(name) if isinstance(tax, Mapping) else getattr(tax, name)


def check_line_taxes(taxes: Iterable[Any], *, field: str = "tax_ids") -> None:
    """A line carries at most one tax of kind itbis or exempt: its one ITBIS treatment.

    `taxes` are `Tax` rows or their frozen JSON copies (`{"kind", "name", …}`). Raises
    InvalidInput (400) naming `field` (e.g. "items.3.tax_ids"). ISC, propina legal and
    other taxes may sit beside the ITBIS treatment.
    """
    treatments = [tax for tax in taxes if _tax_attr(tax, "kind") in ITBIS_TREATMENT_KINDS]
    if len(treatments) > 1:
        raise InvalidInput(
            _("A line has one ITBIS treatment; it carries %(names)s.")
            % {"names": ", ".join(str(_tax_attr(tax, "name")) for tax in treatments)},
            field=field,
        )


def buyer_id_required(*, ncf_type_code: str | None, total_in_dop: Decimal,
                      modified_ncf_type_code: str | None = None,
                      modified_total_in_dop: Decimal | None = None) -> bool:
    """Whether a document must name the buyer's RNC or cédula (DOMAIN.md table).

    - B01/E31, B11/E41, B14/E44, B15/E45, B16/E46: always.
    - B02/E32 (consumo): from RD$250,000.00 inclusive (`total_in_dop`, the document's total
      converted to DOP at its exchange rate).
    - B03/E33 and B04/E34 (debit and credit notes): the buyer of the invoice it corrects —
      so it is required
      exactly when that invoice required it: pass the corrected invoice's type and DOP total
      as `modified_ncf_type_code` / `modified_total_in_dop`. Without them (no corrected
      document known) nothing is required here; the note's service keeps it on the same
      buyer as the invoice.
    - B12, B13/E43, B17/E47, non-fiscal series (None) and unknown codes: no.
    """
    info = ncf_type(ncf_type_code)
    if info is None:
        return False
    if info.buyer_id == "always":
        return True
    if info.buyer_id == "threshold":
        return total_in_dop >= CONSUMO_BUYER_ID_THRESHOLD
    if info.buyer_id == "invoice":
        modified = ncf_type(modified_ncf_type_code)
        if modified is None or modified.buyer_id == "invoice":
            return False
        return buyer_id_required(
            ncf_type_code=modified.code,
            total_in_dop=total_in_dop if modified_total_in_dop is None
            else modified_total_in_dop,
        )
    return False


def check_fiscal_line_taxes(taxes: Iterable[Any], *, field: str = "tax_ids") -> None:
    """On a fiscal document every line carries exactly one ITBIS treatment: ITBIS 18, 16 or
    0%, or exento (DOMAIN.md "The issuer")."""
    check_line_taxes(taxes, field=field)
    if not any(_tax_attr(tax, "kind") in ITBIS_TREATMENT_KINDS for tax in taxes):
        raise InvalidInput(
            _("Every line of a fiscal document carries its ITBIS treatment: choose ITBIS 18%, "
              "16%, 0% or Exento."), field=field, code="itbis_treatment_required")


# Foreign buyers (passport or a foreign tax id) may be named on these types, where DGII asks
# for a buyer id: exports, consumo from RD$250,000 and the special regime.
FOREIGN_ID_TYPES = frozenset({"B02", "E32", "B16", "E46", "E44"})


def buyer_identity_problem(*, ncf_type_code: str | None, contact: Any,
                           total_in_dop: Decimal) -> str | None:
    """Why the contact cannot be the buyer of this document type, or None (DOMAIN.md table;
    the RD$250,000 consumo threshold is `CONSUMO_BUYER_ID_THRESHOLD`, written once)."""
    if not buyer_id_required(ncf_type_code=ncf_type_code, total_in_dop=total_in_dop):
        return None
    id_type, tax_id = contact.tax_id_type, contact.tax_id
    if id_type in ("rnc", "cedula") and tax_id:
        return None
    if id_type in ("foreign", "passport") and tax_id and ncf_type_code in FOREIGN_ID_TYPES:
        return None
    if ncf_type_code in ("B02", "E32"):
        return _("A consumo invoice of RD$250,000 or more must name the buyer: give %(name)s an "
                 "RNC, cédula or foreign ID.") % {"name": contact.name}
    if ncf_type_code in FOREIGN_ID_TYPES:
        return _("%(type)s documents must name the buyer: give %(name)s an RNC, cédula or "
                 "foreign ID, or choose another document type.") % {
            "type": ncf_type_code, "name": contact.name}
    return _("%(type)s invoices must name the buyer: give %(name)s an RNC or cédula, or choose "
             "another document type.") % {"type": ncf_type_code, "name": contact.name}


def check_buyer_identity(*, ncf_type_code: str | None, contact: Any,
                         total_in_dop: Decimal) -> None:
    problem = buyer_identity_problem(ncf_type_code=ncf_type_code, contact=contact,
                                     total_in_dop=total_in_dop)
    if problem:
        raise InvalidInput(problem, field="contact_id", code="buyer_id_required")


def check_issuer_identity(*, workspace: Any, ncf_type_code: str | None) -> None:
    """A workspace issues fiscal documents under its RNC (9 digits) or, for a persona física,
    its cédula (11 digits)."""
    if ncf_type(ncf_type_code) is None:
        return
    digits = "".join(ch for ch in (workspace.rnc or "") if ch.isdigit())
    if len(digits) not in (9, 11):
        raise Conflict(
            _("%(workspace)s has no RNC or cédula: enter it in Settings → Workspace before "
              "issuing fiscal documents.") % {"workspace": workspace.name},
            code="issuer_id_required")


def check_sales_series(subtype: Any, *, field: str = "document_subtype_id") -> None:
    """B11/E41, B13/E43 and B17/E47 are issued by a business for its own purchases
    (DOMAIN.md): they never number what it sells (400)."""
    info = ncf_type(getattr(subtype, "ncf_type", None))
    if info is not None and not info.is_sales:
        raise InvalidInput(
            _("%(code)s (%(name)s) is issued by a buyer for its own purchases, not for what "
              "it sells; choose a sales document type.") % {"code": info.code,
                                                             "name": info.name},
            field=field, code="purchase_series")
