"""RNC and cédula: check, normalise to digits, format for display (python-stdnum).

stdnum's own whitelists of real numbers with bad check digits are honoured by its
`validate()`, so those numbers pass here too.
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.do import cedula, rnc


def digits_only(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isdigit())


def is_valid_rnc(value: str) -> bool:
    try:
        rnc.validate(value)
    except stdnum_errors.ValidationError:
        return False
    return True


def is_valid_cedula(value: str) -> bool:
    try:
        cedula.validate(value)
    except stdnum_errors.ValidationError:
        return False
    return True


def format_tax_id(tax_id_type: str, value: str) -> str:
    """`1-31-24679-6` for an RNC, `001-1391820-5` for a cédula, the value as is otherwise."""
    if not value:
        return ""
    if tax_id_type == "rnc" and len(value) == 9:
        return rnc.format(value)
    if tax_id_type == "cedula" and len(value) == 11:
        return cedula.format(value)
    return value


def normalize_tax_id(tax_id_type: str, value: str | None) -> str:
    """Check a tax id for its type and return it as stored: digits only for an RNC or a
    cédula, upper-case letters and digits for a passport, "" for none.

    Raises `InvalidInput` on the field `tax_id`, with a message in the active language.
    """
    from django.utils.translation import gettext as _

    from invoicing.core.errors import InvalidInput

    raw = (value or "").strip()
    if tax_id_type == "none":
        if raw:
            raise InvalidInput(
                _("Choose the type of the tax ID (RNC, cédula or passport), or leave it "
                  "empty."),
                field="tax_id",
            )
        return ""
    if not raw:
        raise InvalidInput(_("Enter the tax ID."), field="tax_id")
    if tax_id_type == "passport":
        passport = "".join(ch for ch in raw.upper() if ch.isalnum())
        if not 5 <= len(passport) <= 20:
            raise InvalidInput(_("A passport number has 5 to 20 letters and digits."),
                               field="tax_id")
        return passport
    if tax_id_type == "rnc":
        compact = rnc.compact(raw)
        if is_valid_rnc(compact):
            return compact
        if not compact.isdigit() or len(compact) != 9:
            message = _("An RNC has 9 digits (e.g. 1-31-24679-6).")
        else:
            message = _("%(value)s is not a valid RNC: the check digit does not match.") % {
                "value": raw}
        raise InvalidInput(message, field="tax_id")
    if tax_id_type == "cedula":
        compact = cedula.compact(raw)
        if is_valid_cedula(compact):
            return compact
        if not compact.isdigit() or len(compact) != 11:
            message = _("A cédula has 11 digits (e.g. 001-1391820-5).")
        else:
            message = _("%(value)s is not a valid cédula: the check digit does not match.") % {
                "value": raw}
        raise InvalidInput(message, field="tax_id")
    raise InvalidInput(_("Unknown tax ID type."), field="tax_id_type")
