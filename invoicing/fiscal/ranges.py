"""The history of a fiscal series' authorised ranges (API.md, document subtypes): reading it,
with each range's status, and choosing the range that takes over (no writes here; the
series' services and the allocator write).

A series' current range is the one in its own columns (`range_start`, `range_end`,
`valid_until`, advanced by `next_number`); every range it was ever given is an `NcfRange`
row. Ranges of a series never overlap and go up: a later range starts after every number of
the earlier ones, so numbers keep their order across ranges.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import DocumentSubtype, NcfRange, RangeStatus


@dataclass(frozen=True)
class RangeView:
    range_start: int
    range_end: int
    valid_until: datetime.date | None
    entered_at: datetime.datetime | None
    status: str

    def as_dict(self) -> dict:
        return {"range_start": self.range_start, "range_end": self.range_end,
                "valid_until": self.valid_until, "entered_at": self.entered_at,
                "status": self.status}

    def contains(self, sequence: int) -> bool:
        return self.range_start <= sequence <= self.range_end


def expired_on(valid_until: datetime.date | None, day: datetime.date) -> bool:
    return valid_until is not None and day > valid_until


def stored_ranges(subtype: DocumentSubtype) -> list[NcfRange]:
    """The series' NcfRange rows, from a prefetch when the caller made one."""
    cache = getattr(subtype, "_prefetched_objects_cache", {})
    if "ranges" in cache:
        return sorted(cache["ranges"], key=lambda r: (r.range_start, r.pk or 0))
    if subtype.pk is None:
        return []
    return list(NcfRange.objects.filter(subtype_id=subtype.pk).order_by("range_start", "id"))


def range_history(subtype: DocumentSubtype, today: datetime.date,
                  rows: list[NcfRange] | None = None) -> list[RangeView]:
    """Every authorised range of the series, lowest first, with its status:
    `current` (issuing now), `next` (waiting to take over), `finished` (used up), `expired`.
    A current range written straight into the series' columns (by older code or a fixture)
    is shown too."""
    if not subtype.is_fiscal:
        return []
    rows = stored_ranges(subtype) if rows is None else rows
    views: list[RangeView] = []
    current_start = subtype.range_start if subtype.range_end is not None else None
    seen_current = False
    for row in rows:
        if current_start is not None and row.range_start == current_start:
            seen_current = True
            views.append(_current_view(subtype, row.entered_at, today))
        elif current_start is not None and row.range_start > (subtype.range_end or 0):
            views.append(RangeView(row.range_start, row.range_end, row.valid_until,
                                   row.entered_at, RangeStatus.EXPIRED
                                   if expired_on(row.valid_until, today) else RangeStatus.NEXT))
        elif current_start is None:
            # No current range (it was cleared before anything was issued): all are waiting.
            views.append(RangeView(row.range_start, row.range_end, row.valid_until,
                                   row.entered_at, RangeStatus.EXPIRED
                                   if expired_on(row.valid_until, today) else RangeStatus.NEXT))
        else:
            views.append(RangeView(row.range_start, row.range_end, row.valid_until,
                                   row.entered_at, row.ended_as or RangeStatus.FINISHED))
    if current_start is not None and not seen_current:
        views.append(_current_view(subtype, None, today))
        views.sort(key=lambda view: view.range_start)
    return views


def _current_view(subtype: DocumentSubtype, entered_at, today: datetime.date) -> RangeView:
    if subtype.next_number > subtype.range_end:
        status = RangeStatus.FINISHED
    elif expired_on(subtype.valid_until, today):
        status = RangeStatus.EXPIRED
    else:
        status = RangeStatus.CURRENT
    return RangeView(subtype.range_start, subtype.range_end, subtype.valid_until, entered_at,
                     status)


def highest_number(subtype: DocumentSubtype, rows: list[NcfRange] | None = None) -> int:
    """The last number of every range the series was given (0 if none): a new range starts
    after it."""
    rows = stored_ranges(subtype) if rows is None else rows
    ends = [row.range_end for row in rows]
    if subtype.range_end is not None:
        ends.append(subtype.range_end)
    return max(ends, default=0)


def successor(subtype: DocumentSubtype, on_date: datetime.date) -> NcfRange | None:
    """The range that takes over from the series' current one, when that one cannot issue on
    `on_date` (used up, expired, or none): the lowest waiting range above it that has not
    expired. None when the current one can still issue, or nothing waits."""
    if not subtype.is_fiscal:
        return None
    if subtype.range_end is not None and subtype.next_number <= subtype.range_end \
            and not expired_on(subtype.valid_until, on_date):
        return None
    waiting = NcfRange.objects.filter(subtype_id=subtype.pk)
    if subtype.range_end is not None:
        waiting = waiting.filter(range_start__gt=subtype.range_end)
    for row in waiting.order_by("range_start", "id"):
        if not expired_on(row.valid_until, on_date):
            return row
    return None


def next_waiting(subtype: DocumentSubtype, on_date: datetime.date) -> NcfRange | None:
    """The first prefetched range above the current one that has not expired on `on_date`,
    whether or not the current one can still issue (None when the caller did not prefetch
    the series' `ranges`)."""
    cache = getattr(subtype, "_prefetched_objects_cache", {})
    if "ranges" not in cache or not subtype.is_fiscal:
        return None
    floor = subtype.range_end if subtype.range_end is not None else 0
    for row in sorted(cache["ranges"], key=lambda r: (r.range_start, r.pk or 0)):
        if row.range_start > floor and not expired_on(row.valid_until, on_date):
            return row
    return None


def waiting_successor(subtype: DocumentSubtype, on_date: datetime.date) -> NcfRange | None:
    """`successor` without a query: from the series' prefetched `ranges` (None when the
    caller did not prefetch them, or nothing waits). For pages and forms, which tell the
    user whether a series can issue; the allocator asks `successor` under the lock."""
    if subtype.range_end is not None and subtype.next_number <= subtype.range_end \
            and not expired_on(subtype.valid_until, on_date):
        return None
    return next_waiting(subtype, on_date)
