"""Entering the ranges DGII authorises for a fiscal series (API.md, document subtypes): a new
range is added to the series' history (`NcfRange`), never typed over the current one, and
takes over when that one is used up or expires; once numbers were handed out, the counter
and the current range only move by issuing and by adding ranges. The series' other writes
are in series.py, which calls the checks here."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.services import activity_record

from .models import DocumentSubtype, NcfRange
from .ncf_types import ncf_type
from .numbering import default_valid_until, take_over
from .ranges import highest_number, stored_ranges
from .selectors import max_issued_sequence

RANGE_FIELDS = ("range_start", "range_end", "valid_until")


def _as_int(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(_("A whole number is required."), field=field)
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise InvalidInput(_("A whole number is required."), field=field) from None
    return number


def range_expiry(info, valid_until: datetime.date | None, *, given: bool, changed: bool,
                 replace: bool, today: datetime.date) -> datetime.date | None:
    """The expiry of a range being entered: none for E32/E34 (their sequences do not
    expire), else the date given (not already past) or, by default, 31 December of next
    year (DGII ranges are valid until 31 December of the year after authorisation)."""
    if not info.has_expiry:
        if valid_until is not None and given:
            raise InvalidInput(_("%(code)s sequences have no expiry date (DGII's e-CF carries "
                                 "none for them); leave it empty.") % {"code": info.code},
                               field="valid_until")
        return None
    if valid_until is None or replace:
        return default_valid_until(today)
    if changed and valid_until < today:
        raise InvalidInput(_("This date has passed. A DGII range is valid until 31 December "
                             "of the year after it was authorised."), field="valid_until")
    return valid_until


def has_handed_out_numbers(subtype: DocumentSubtype) -> bool:
    """Whether the series handed out a number (issued, or voided and reported): a document
    carries its number, its counter has moved past the current range's first number, or an
    earlier range was left behind. From then on its counter and ranges move only by issuing
    and by adding ranges (API.md: "next_number never moves by hand once a number was
    issued")."""
    if subtype.is_fiscal and subtype.range_start is not None:
        if subtype.next_number > subtype.range_start:
            return True
        if any(row.range_start < subtype.range_start for row in stored_ranges(subtype)):
            return True
    return max_issued_sequence(workspace_id=subtype.workspace_id, ncf_type=subtype.ncf_type,
                               prefix=subtype.prefix) > 0


def check_counter_locked(subtype: DocumentSubtype, fields: dict) -> None:
    """409 for typing over the counter or the current range of a series that has handed
    out numbers (a skipped number would be neither issued nor voided)."""
    moves_next = "next_number" in fields and \
        _as_int(fields["next_number"], "next_number") != subtype.next_number
    retyped = [name for name in RANGE_FIELDS if name in fields and (
        _as_int(fields[name], name) if name != "valid_until" else fields[name] or None)
        != getattr(subtype, name)]
    if not (moves_next or retyped) or not has_handed_out_numbers(subtype):
        return
    if moves_next:
        raise Conflict(_("%(subtype)s has issued numbers, so its next number only moves by "
                         "issuing: a skipped number would be neither issued nor voided.")
                       % {"subtype": subtype}, field="next_number", code="next_number_locked")
    raise Conflict(_("%(subtype)s has issued numbers from this range, so the range is kept as "
                     "DGII authorised it. Add the new range DGII authorised instead (Settings "
                     "→ Document types → Enter new range, or POST …/ranges); it takes over "
                     "when this one is used up or expires.") % {"subtype": subtype},
                   field=retyped[0], code="range_in_use")


def _overlap_message(subtype: DocumentSubtype, row) -> str:
    return _("This range overlaps the range %(first)s–%(last)s already entered for "
             "%(subtype)s; a new range starts after %(last)s.") % {
        "first": subtype.format_number(row.range_start),
        "last": subtype.format_number(row.range_end), "subtype": subtype}


def check_below_waiting(subtype: DocumentSubtype, before: dict) -> None:
    """A first range retyped (nothing issued yet) stays below the ranges waiting after it."""
    if subtype.range_start is None or (subtype.range_start == before["range_start"] and \
            subtype.range_end == before["range_end"]):
        return
    for row in stored_ranges(subtype):
        if row.range_start != before["range_start"] and subtype.range_end >= row.range_start:
            raise InvalidInput(_overlap_message(subtype, row), field="range_end")


def sync_current_range(subtype: DocumentSubtype, before: dict | None) -> None:
    """Keep the current range's row in the history (the series' own columns are the
    current range). Only reached while nothing was issued (`_check_counter_locked`), so a
    retyped first range replaces its row."""
    old_start = before["range_start"] if before else None
    unchanged = before is not None and all(getattr(subtype, name) == before[name]
                                           for name in RANGE_FIELDS)
    if unchanged or (not subtype.is_fiscal and old_start is None):
        return
    if old_start is not None:
        NcfRange.objects.filter(subtype_id=subtype.pk, range_start=old_start).delete()
    if subtype.range_start is not None:
        NcfRange.objects.update_or_create(
            subtype_id=subtype.pk, range_start=subtype.range_start,
            defaults={"workspace_id": subtype.workspace_id, "range_end": subtype.range_end,
                      "valid_until": subtype.valid_until, "entered_at": timezone.now(),
                      "ended_as": ""})


def check_range_bounds(info, start: int, end: int) -> None:
    """A range DGII could have authorised: from 1, within the series' digits, in order."""
    if start < 1:
        raise InvalidInput(_("NCF sequences start at 1."), field="range_start")
    largest = 10 ** info.sequence_digits - 1
    if end > largest:
        raise InvalidInput(_("%(series)s-series NCFs have %(digits)s digits: the range ends "
                             "at %(largest)s at most.")
                           % {"series": info.series, "digits": info.sequence_digits,
                              "largest": largest}, field="range_end")
    if end < start:
        raise InvalidInput(_("The range ends before it starts."), field="range_end")


@requires("subtype_enter_range")
@transaction.atomic
def subtype_add_range(*, subtype: DocumentSubtype, actor: Any, range_start: Any,
                      range_end: Any, valid_until: datetime.date | None = None) -> NcfRange:
    """Add a range DGII authorised to a fiscal series (API.md `POST
    /document-subtypes/{id}/ranges`). It is kept beside the earlier ones, never typed over
    them: it starts after every number of the series' ranges and of its issued documents,
    and takes over when the current range is used up or expires — at once if it already
    is, or if the series had none. `valid_until` defaults to 31 December of next year (none
    for E32/E34). The series' row is locked, so this waits for a document being numbered."""
    subtype = DocumentSubtype.objects.select_for_update().get(pk=subtype.pk)
    info = ncf_type(subtype.ncf_type)
    if info is None:
        raise InvalidInput(_("Only fiscal (NCF) series have an authorised range."),
                           field="range_start")
    start, end = _as_int(range_start, "range_start"), _as_int(range_end, "range_end")
    if start is None:
        raise InvalidInput(_("An authorised range has a first and a last number."),
                           field="range_start")
    if end is None:
        raise InvalidInput(_("An authorised range has a first and a last number."),
                           field="range_end")
    check_range_bounds(info, start, end)
    today = timezone.localdate()
    until = range_expiry(info, valid_until, given=valid_until is not None, changed=True,
                         replace=False, today=today)
    issued = max_issued_sequence(workspace_id=subtype.workspace_id, ncf_type=subtype.ncf_type,
                                 prefix=subtype.prefix)
    if start <= issued:
        raise InvalidInput(_("This range collides with numbers already issued (up to "
                             "%(last)s); enter a range that starts after it.")
                           % {"last": subtype.format_number(issued)}, field="range_start")
    rows = stored_ranges(subtype)
    if start <= highest_number(subtype, rows):
        overlapping = max((row for row in rows), key=lambda row: row.range_end, default=None)
        if overlapping is None or (subtype.range_end or 0) > overlapping.range_end:
            overlapping = NcfRange(range_start=subtype.range_start or 1,
                                   range_end=subtype.range_end)
        raise InvalidInput(_overlap_message(subtype, overlapping), field="range_start")
    if subtype.range_start is not None and not any(
            row.range_start == subtype.range_start for row in rows):
        # A current range written straight into the columns: keep it in the history.
        NcfRange.objects.create(workspace_id=subtype.workspace_id, subtype=subtype,
                                range_start=subtype.range_start, range_end=subtype.range_end,
                                valid_until=subtype.valid_until,
                                entered_at=subtype.updated_at or timezone.now())
    added = NcfRange.objects.create(workspace_id=subtype.workspace_id, subtype=subtype,
                                    range_start=start, range_end=end, valid_until=until,
                                    entered_at=timezone.now())
    took_over = take_over(subtype, today)
    subtype.refresh_from_db()
    activity_record(
        workspace=subtype.workspace, actor=actor, verb="range_entered", target=subtype,
        description=_("%(subtype)s: range %(first)s–%(last)s added, valid until %(date)s")
        % {"subtype": subtype, "first": subtype.format_number(start),
           "last": subtype.format_number(end),
           "date": until.strftime("%d/%m/%Y") if until else "—"},
        data={"range_start": start, "range_end": end,
              "valid_until": until.isoformat() if until else None,
              "current": took_over and subtype.range_start == start})
    added.subtype = subtype
    return added


def subtype_enter_range(*, subtype: DocumentSubtype, actor: Any, range_start: int,
                        range_end: int, valid_until: datetime.date | None = None
                        ) -> DocumentSubtype:
    """Enter a range DGII authorised (the settings page, the demo): `subtype_add_range`,
    answering with the series as it now stands."""
    return subtype_add_range(subtype=subtype, actor=actor, range_start=range_start,
                             range_end=range_end, valid_until=valid_until).subtype
