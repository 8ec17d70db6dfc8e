"""`POST /invoices/validate-ncf` (API.md): is this NCF usable with this document type?

The answer lists every problem found, each with a stable code:

- `invalid_format`: not an NCF (python-stdnum `stdnum.do.ncf`: length, series letter,
  known type code); nothing else is checked then;
- `type_mismatch`: its type is not the subtype's (or the subtype is not fiscal); the range
  and expiry checks are skipped, they belong to another type;
- `out_of_range`: outside every range the subtype was authorised (its history of ranges,
  `fiscal.ranges`), or the subtype has none;
- `expired`: the `valid_until` of the range the number belongs to has passed;
- `duplicate`: already on an invoice or note of this workspace (whatever its status: a
  cancelled NCF stays used).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.do import ncf as stdnum_ncf
from stdnum.exceptions import ValidationError as StdnumValidationError

from invoicing.core.errors import NotFound

from .models import DocumentSubtype
from .ncf_types import ncf_type
from .ranges import range_history

INVALID_FORMAT = "invalid_format"
TYPE_MISMATCH = "type_mismatch"
OUT_OF_RANGE = "out_of_range"
EXPIRED = "expired"
DUPLICATE = "duplicate"
CODES = (INVALID_FORMAT, TYPE_MISMATCH, OUT_OF_RANGE, EXPIRED, DUPLICATE)


@dataclass(frozen=True)
class NcfValidation:
    valid: bool
    ncf_normalised: str
    errors: list[dict] = field(default_factory=list)  # [{"code", "message"}]

    @property
    def ncf(self) -> str:
        return self.ncf_normalised

    @property
    def codes(self) -> list[str]:
        return [error["code"] for error in self.errors]


def normalise_ncf(raw: str) -> str:
    """Strip spaces and dashes anywhere, upper-case: ` b01-0000 0001 ` → `B0100000001`."""
    return "".join(ch for ch in str(raw or "") if not ch.isspace() and ch != "-").upper()


def _split(ncf: str) -> tuple[str | None, int | None]:
    """(type code, sequence) of a current-format NCF; (None, None) for the pre-2018 one."""
    if len(ncf) in (11, 13):
        return ncf[:3], int(ncf[3:])
    return None, None


def _check_against_ranges(subtype: DocumentSubtype, ncf: str, sequence: int,
                          on_date: datetime.date, add) -> None:
    """Judge the number by the range of the series' history it falls in (a number of an
    earlier range stays valid until that range's own expiry)."""
    history = range_history(subtype, timezone.localdate())
    if not history:
        add(OUT_OF_RANGE, _("%(subtype)s has no authorised NCF range.") % {"subtype": subtype})
        return
    found = next((view for view in history if view.contains(sequence)), None)
    if found is None:
        spans = ", ".join(f"{subtype.format_number(view.range_start)}–"
                          f"{subtype.format_number(view.range_end)}" for view in history)
        add(OUT_OF_RANGE, _("%(ncf)s is outside the authorised ranges of %(subtype)s "
                            "(%(ranges)s).")
            % {"ncf": ncf, "subtype": subtype.name, "ranges": spans})
        # Still say whether the series' current range has expired.
        found = next((view for view in history if view.range_start == subtype.range_start),
                     history[-1])
    if found.valid_until is not None and on_date > found.valid_until:
        add(EXPIRED, _("The range of %(subtype)s that %(ncf)s belongs to expired on "
                       "%(date)s.") % {"subtype": subtype, "ncf": ncf,
                                       "date": found.valid_until.strftime("%d/%m/%Y")}
            if found.contains(sequence) else
            _("The range of %(subtype)s expired on %(date)s.")
            % {"subtype": subtype, "date": found.valid_until.strftime("%d/%m/%Y")})


def validate_ncf(*, workspace, ncf: str, subtype: DocumentSubtype,
                 on_date: datetime.date | None = None,
                 exclude_invoice_id: int | None = None) -> NcfValidation:
    """Check `ncf` against `subtype` of `workspace` (see the module docstring).

    `on_date` (default today) is the date the expiry is judged on; `exclude_invoice_id`
    lets an invoice's own number pass the duplicate check. A subtype of another workspace
    is NotFound.
    """
    if subtype.workspace_id != workspace.pk:
        raise NotFound(_("Document type not found."))
    on_date = on_date or timezone.localdate()
    normalised = normalise_ncf(ncf)
    errors: list[dict] = []

    def add(code: str, message: str) -> None:
        errors.append({"code": code, "message": str(message)})

    try:
        stdnum_ncf.validate(normalised)
    except StdnumValidationError:
        add(INVALID_FORMAT, _("%(ncf)s is not a valid NCF: it is the letter B and 10 digits "
                              "(B0100000001), or E and 12 digits for an e-CF "
                              "(E310000000001), with a DGII type code.")
            % {"ncf": normalised or "—"})
        return NcfValidation(valid=False, ncf_normalised=normalised, errors=errors)

    code, sequence = _split(normalised)
    if not subtype.is_fiscal:
        add(TYPE_MISMATCH, _("%(subtype)s is not a fiscal series; it does not use NCFs.")
            % {"subtype": subtype})
    elif code != subtype.ncf_type:
        info = ncf_type(code)
        add(TYPE_MISMATCH, _("%(ncf)s is of type %(type)s, not %(expected)s (%(subtype)s).")
            % {"ncf": normalised, "type": f"{code} – {info.name}" if info else
               _("an old (pre-2018) format"),
               "expected": subtype.ncf_type, "subtype": subtype.name})
    else:
        _check_against_ranges(subtype, normalised, sequence, on_date, add)

    invoices = apps.get_model("invoices", "Invoice").objects.filter(
        workspace_id=workspace.pk, document_number=normalised)
    if exclude_invoice_id is not None:
        invoices = invoices.exclude(pk=exclude_invoice_id)
    notes = apps.get_model("notes", "Note").objects.filter(workspace_id=workspace.pk,
                                                          document_number=normalised)
    if invoices.exists() or notes.exists():
        add(DUPLICATE, _("%(ncf)s is already on an invoice of this workspace.")
            % {"ncf": normalised})
    return NcfValidation(valid=not errors, ncf_normalised=normalised, errors=errors)
