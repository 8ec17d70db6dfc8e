"""Writes for document subtypes (numbering series) and their NCF ranges."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .models import DocumentSubtype, DocumentType, NcfRange
from .ncf_types import NCF_TYPES, ncf_type
from .numbering import default_valid_until, take_over
from .ranges import highest_number, stored_ranges
from .selectors import (
    max_issued_sequence,
    subtype_has_documents,
)


def _unknown_fields(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))


SUBTYPE_FIELDS = {"name", "document_type", "ncf_type", "prefix", "padding", "range_start",
                  "next_number", "range_end", "valid_until", "is_active"}
RANGE_FIELDS = ("range_start", "range_end", "valid_until")
NUMBERING_FIELDS = {"ncf_type", "prefix", "range_start", "next_number", "range_end"}
# A prefix that starts like an NCF type would make numbers that read as NCFs.
NCF_LIKE_PREFIX = re.compile(r"^[BE][0-9]{2}", re.IGNORECASE)
MAX_PADDING = 12


def _subtype_label(subtype: DocumentSubtype) -> str:
    return str(subtype)


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


def _clean_subtype(subtype: DocumentSubtype, *, sent: set[str], before: dict | None,
                   today: datetime.date) -> None:
    """Check a subtype's merged state (`before` is None on create) and derive what follows
    from it (padding of a fiscal series, next number of a new range, default expiry)."""
    creating = before is None
    subtype.name = (subtype.name or "").strip()
    if not subtype.name:
        raise InvalidInput(_("A document type needs a name."), field="name")
    if len(subtype.name) > 100:
        raise InvalidInput(_("Use at most 100 characters."), field="name")
    if subtype.document_type not in DocumentType.values:
        raise InvalidInput(_("Unknown document type %(value)s. Use one of: %(values)s.")
                           % {"value": subtype.document_type,
                              "values": ", ".join(DocumentType.values)},
                           field="document_type")

    code = (subtype.ncf_type or "").strip().upper() or None
    subtype.ncf_type = code
    subtype.prefix = (subtype.prefix or "").strip()
    for name in ("padding", "range_start", "next_number", "range_end"):
        setattr(subtype, name, _as_int(getattr(subtype, name), name))

    if not creating:
        for name in ("ncf_type", "document_type"):
            if getattr(subtype, name) != before[name] and subtype_has_documents(subtype):
                raise Conflict(
                    _("Documents already use %(subtype)s, so its %(field)s cannot change; "
                      "create a new document type instead.")
                    % {"subtype": before["label"],
                       "field": DocumentSubtype._meta.get_field(name).verbose_name},
                    field=name)

    if code is not None:
        _clean_fiscal(subtype, sent=sent, before=before, today=today)
    else:
        _clean_plain(subtype, sent=sent)

    if subtype.is_active is None:
        subtype.is_active = True
    _clean_numbering(subtype, sent=sent, before=before)


def _clean_fiscal(subtype: DocumentSubtype, *, sent: set[str], before: dict | None,
                  today: datetime.date) -> None:
    info = ncf_type(subtype.ncf_type)
    if info is None:
        raise InvalidInput(_("%(code)s is not a DGII NCF type. Use one of: %(codes)s.")
                           % {"code": subtype.ncf_type, "codes": ", ".join(sorted(NCF_TYPES))},
                           field="ncf_type")
    if not info.is_sales and (before is None or before["ncf_type"] != info.code):
        raise InvalidInput(
            _("%(code)s (%(name)s) is issued by a buyer for its own purchases, not for what "
              "it sells: it is not offered as a sales series.")
            % {"code": info.code, "name": info.name}, field="ncf_type",
            code="purchase_series")
    if info.document_type != subtype.document_type:
        raise InvalidInput(
            _("%(code)s (%(name)s) numbers %(expected)s, not %(actual)s.")
            % {"code": info.code, "name": info.name,
               "expected": DocumentType(info.document_type).label.lower(),
               "actual": DocumentType(subtype.document_type).label.lower()},
            field="ncf_type" if "ncf_type" in sent or "document_type" not in sent
            else "document_type")
    clash = (DocumentSubtype.objects.filter(workspace_id=subtype.workspace_id,
                                            ncf_type=info.code).exclude(pk=subtype.pk).first())
    if clash is not None:
        raise InvalidInput(_("This workspace already has a %(code)s series (%(name)s).")
                           % {"code": info.code, "name": clash.name}, field="ncf_type")
    if subtype.prefix:
        raise InvalidInput(_("A fiscal series has no prefix: its numbers are the NCF type "
                             "and %(digits)s digits (%(example)s).")
                           % {"digits": info.sequence_digits,
                              "example": subtype.format_number(1)}, field="prefix")
    if "padding" in sent and subtype.padding != info.sequence_digits:
        raise InvalidInput(_("%(series)s-series NCFs have %(digits)s digits.")
                           % {"series": info.series, "digits": info.sequence_digits},
                           field="padding")
    subtype.padding = info.sequence_digits

    start, end = subtype.range_start, subtype.range_end
    if (start is None) != (end is None):
        missing = "range_start" if start is None else "range_end"
        raise InvalidInput(_("An authorised range has a first and a last number."),
                           field=missing)
    if start is None:
        if subtype.valid_until is not None and "valid_until" in sent:
            raise InvalidInput(_("Enter the authorised range this expiry date belongs to."),
                               field="valid_until")
        subtype.valid_until = None
        return
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
    new_range = before is not None and start != before["range_start"]
    subtype.valid_until = range_expiry(
        info, subtype.valid_until, given="valid_until" in sent,
        changed=before is None or subtype.valid_until != before["valid_until"],
        replace=new_range and "valid_until" not in sent, today=today)


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


def _clean_plain(subtype: DocumentSubtype, *, sent: set[str]) -> None:
    if not subtype.prefix:
        raise InvalidInput(_("A series without an NCF type needs a prefix, e.g. INV-."),
                           field="prefix")
    if len(subtype.prefix) > 20 or any(ch.isspace() for ch in subtype.prefix):
        raise InvalidInput(_("Use up to 20 characters without spaces."), field="prefix")
    if NCF_LIKE_PREFIX.match(subtype.prefix):
        raise InvalidInput(_("This prefix would make numbers that look like NCFs; choose "
                             "another or set the NCF type instead."), field="prefix")
    if subtype.padding is None or not 1 <= subtype.padding <= MAX_PADDING:
        raise InvalidInput(_("Padding is the number of digits, from 1 to %(max)s.")
                           % {"max": MAX_PADDING}, field="padding")
    for name in RANGE_FIELDS:
        if getattr(subtype, name) is not None:
            if name in sent:
                raise InvalidInput(_("Only fiscal (NCF) series have an authorised range and "
                                     "expiry."), field=name)
            setattr(subtype, name, None)
    clash = (DocumentSubtype.objects.filter(
        workspace_id=subtype.workspace_id, ncf_type__isnull=True,
        document_type=subtype.document_type, prefix=subtype.prefix,
    ).exclude(pk=subtype.pk).first())
    if clash is not None:
        raise InvalidInput(_("%(name)s already uses the prefix %(prefix)s.")
                           % {"name": clash.name, "prefix": subtype.prefix}, field="prefix")


def _clean_numbering(subtype: DocumentSubtype, *, sent: set[str], before: dict | None) -> None:
    """The next number: a new range starts at its first number; it stays inside the range
    and never goes back to (or below) a number already issued in this series."""
    new_range = subtype.range_start is not None and (
        before is None or subtype.range_start != before["range_start"])
    if "next_number" in sent and subtype.next_number is not None:
        next_field = "next_number"
    elif new_range:
        subtype.next_number = subtype.range_start
        next_field = "range_start"
    else:
        if subtype.next_number is None:
            subtype.next_number = before["next_number"] if before else 1
        next_field = "next_number"
    if subtype.next_number < 1:
        raise InvalidInput(_("Numbers start at 1."), field=next_field)
    if subtype.range_start is not None:
        if subtype.next_number < subtype.range_start:
            raise InvalidInput(_("The next number must be inside the authorised range "
                                 "(from %(first)s).")
                               % {"first": subtype.format_number(subtype.range_start)},
                               field=next_field)
        if subtype.next_number > subtype.range_end + 1:
            field = next_field if next_field in sent else "range_end"
            raise InvalidInput(
                _("Numbers up to %(last)s were already handed out; the range cannot end "
                  "before that.") % {"last": subtype.format_number(subtype.next_number - 1)}
                if field == "range_end" else
                _("The next number must be inside the authorised range (up to %(last)s).")
                % {"last": subtype.format_number(subtype.range_end)},
                field=field)

    numbering_changed = before is None or any(
        getattr(subtype, name) != before[name] for name in NUMBERING_FIELDS)
    if not numbering_changed:
        return
    issued = max_issued_sequence(workspace_id=subtype.workspace_id,
                                 ncf_type=subtype.ncf_type, prefix=subtype.prefix)
    if issued and subtype.next_number <= issued:
        last = subtype.format_number(issued)
        if next_field == "range_start" and "next_number" not in sent:
            message = _("This range collides with numbers already issued (up to %(last)s); "
                        "enter a range that starts after it.") % {"last": last}
        else:
            message = _("Numbers up to %(last)s were already issued in this series; "
                        "numbering must continue from %(next)s.") \
                % {"last": last, "next": subtype.format_number(issued + 1)}
        field = next_field
        if next_field == "next_number" and "next_number" not in sent:
            # The series' form (type or prefix) reaches documents already numbered.
            field = "ncf_type" if subtype.ncf_type else "prefix"
        raise InvalidInput(message, field=field)


def _snapshot(subtype: DocumentSubtype) -> dict:
    snap = {name: getattr(subtype, name) for name in SUBTYPE_FIELDS}
    snap["label"] = _subtype_label(subtype)
    return snap


def _describe(subtype: DocumentSubtype) -> str:
    if subtype.is_fiscal and subtype.range_end is not None:
        return _("%(subtype)s: %(first)s–%(last)s, valid until %(date)s") % {
            "subtype": subtype, "first": subtype.format_number(subtype.range_start or 1),
            "last": subtype.format_number(subtype.range_end),
            "date": subtype.valid_until.strftime("%d/%m/%Y") if subtype.valid_until else "—"}
    return str(subtype)


def _save_subtype(subtype: DocumentSubtype) -> None:
    try:
        with transaction.atomic():
            subtype.save()
    except IntegrityError:
        # A concurrent writer took the same NCF type or prefix between our check and save.
        field = "ncf_type" if subtype.ncf_type else "prefix"
        raise InvalidInput(_("Another document type already uses this series."),
                           field=field) from None


@requires("subtype_create")
@transaction.atomic
def subtype_create(*, workspace: Workspace, actor: Any, **fields: Any) -> DocumentSubtype:
    """Create a numbering series. A fiscal one (`ncf_type`) has no prefix and may come
    with its authorised range (`range_start`, `range_end`, and `valid_until`, which
    defaults to 31 December of next year); a plain one needs a prefix."""
    _unknown_fields(fields, SUBTYPE_FIELDS)
    subtype = DocumentSubtype(workspace=workspace, padding=None, next_number=None)
    for name, value in fields.items():
        setattr(subtype, name, value)
    if subtype.padding is None and not subtype.ncf_type:
        subtype.padding = 4
    _clean_subtype(subtype, sent=set(fields), before=None, today=timezone.localdate())
    _save_subtype(subtype)
    _sync_current_range(subtype, None)
    activity_record(workspace=workspace, actor=actor, verb="created", target=subtype,
                    description=_describe(subtype))
    return subtype


@requires("subtype_update")
@transaction.atomic
def subtype_update(*, subtype: DocumentSubtype, actor: Any, **fields: Any) -> DocumentSubtype:
    """Change a series. Entering a new range (a new `range_start`) moves the next number to
    its start unless `next_number` is given; either way the next number never reaches back
    to a number already issued in this series (400 naming the field). The row is locked, so
    this waits for any document being numbered from it right now."""
    _unknown_fields(fields, SUBTYPE_FIELDS)
    subtype = DocumentSubtype.objects.select_for_update().get(pk=subtype.pk)
    before = _snapshot(subtype)
    sent = set(fields)
    if "ncf_type" in fields and not fields["ncf_type"]:
        fields["ncf_type"] = None
    _check_counter_locked(subtype, fields)
    for name, value in fields.items():
        setattr(subtype, name, value)
    if subtype.ncf_type and "prefix" not in sent and not before["ncf_type"]:
        # Becoming fiscal: the old prefix has no meaning any more.
        subtype.prefix = ""
    _clean_subtype(subtype, sent=sent, before=before, today=timezone.localdate())
    _check_below_waiting(subtype, before)
    _save_subtype(subtype)
    _sync_current_range(subtype, before)
    changed = sorted(name for name in SUBTYPE_FIELDS if getattr(subtype, name) != before[name])
    range_entered = subtype.range_start is not None and \
        subtype.range_start != before["range_start"]
    activity_record(
        workspace=subtype.workspace, actor=actor,
        verb="range_entered" if range_entered else "updated", target=subtype,
        description=_describe(subtype),
        data={"fields": changed, "before": {name: None if before[name] is None
                                            else str(before[name]) for name in changed}},
    )
    return subtype


# --- The history of authorised ranges --------------------------------------------------------
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


def _check_counter_locked(subtype: DocumentSubtype, fields: dict) -> None:
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


def _check_below_waiting(subtype: DocumentSubtype, before: dict) -> None:
    """A first range retyped (nothing issued yet) stays below the ranges waiting after it."""
    if subtype.range_start is None or (subtype.range_start == before["range_start"] and \
            subtype.range_end == before["range_end"]):
        return
    for row in stored_ranges(subtype):
        if row.range_start != before["range_start"] and subtype.range_end >= row.range_start:
            raise InvalidInput(_overlap_message(subtype, row), field="range_end")


def _sync_current_range(subtype: DocumentSubtype, before: dict | None) -> None:
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


@requires("subtype_delete")
@transaction.atomic
def subtype_delete(*, subtype: DocumentSubtype, actor: Any) -> None:
    """Delete a series no document uses; one in use is kept (409) and can be deactivated."""
    subtype = DocumentSubtype.objects.select_for_update().get(pk=subtype.pk)
    message = _("Documents use %(subtype)s; deactivate it instead.") % {"subtype": subtype}
    if subtype_has_documents(subtype):
        raise Conflict(message, code="subtype_in_use")
    activity_record(workspace=subtype.workspace, actor=actor, verb="deleted", target=subtype,
                    description=str(subtype))
    try:
        with transaction.atomic():
            subtype.delete()
    except (IntegrityError, models.ProtectedError):
        raise Conflict(message, code="subtype_in_use") from None
