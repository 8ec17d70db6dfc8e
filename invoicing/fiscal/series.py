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

from .models import DocumentSubtype, DocumentType
from .ncf_types import NCF_TYPES, ncf_type
from .range_entry import (  # noqa: F401 - the range services are part of this API
    RANGE_FIELDS,
    _as_int,
    check_below_waiting,
    check_counter_locked,
    check_range_bounds,
    has_handed_out_numbers,
    range_expiry,
    subtype_add_range,
    subtype_enter_range,
    sync_current_range,
)
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
NUMBERING_FIELDS = {"ncf_type", "prefix", "range_start", "next_number", "range_end"}
# A prefix that starts like an NCF type would make numbers that read as NCFs.
NCF_LIKE_PREFIX = re.compile(r"^[BE][0-9]{2}", re.IGNORECASE)
MAX_PADDING = 12


def _subtype_label(subtype: DocumentSubtype) -> str:
    return str(subtype)


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
    check_range_bounds(info, start, end)
    new_range = before is not None and start != before["range_start"]
    subtype.valid_until = range_expiry(
        info, subtype.valid_until, given="valid_until" in sent,
        changed=before is None or subtype.valid_until != before["valid_until"],
        replace=new_range and "valid_until" not in sent, today=today)


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
    sync_current_range(subtype, None)
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
    check_counter_locked(subtype, fields)
    for name, value in fields.items():
        setattr(subtype, name, value)
    if subtype.ncf_type and "prefix" not in sent and not before["ncf_type"]:
        # Becoming fiscal: the old prefix has no meaning any more.
        subtype.prefix = ""
    _clean_subtype(subtype, sent=sent, before=before, today=timezone.localdate())
    check_below_waiting(subtype, before)
    _save_subtype(subtype)
    sync_current_range(subtype, before)
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
