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
