"""Gapless document numbering (DESIGN.md "Numbering"), and the state of each series.

`allocate_number` is the only code that hands out document numbers. Call it inside the
transaction that writes the document, after locking the document row (lock order: document,
then subtype, everywhere, so two services never deadlock):

    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        allocated = allocate_number(workspace_id=invoice.workspace_id,
                                    subtype_id=invoice.document_subtype_id,
                                    on_date=invoice.issue_date)
        invoice.document_number = allocated.document_number
        invoice.sequence_number = allocated.sequence
        invoice.ncf_valid_until = allocated.valid_until
        invoice.save()

- it advances the counter with one conditional `UPDATE … RETURNING`, which takes the row
  lock (on SQLite the IMMEDIATE transaction already holds the write lock), so concurrent
  callers queue instead of racing;
- it checks, in that same statement, that the subtype is active and, for a fiscal (NCF) series,
  that it has an authorised range, that the range is not used up and that neither `on_date`
  nor today is after the range's expiry (a back-dated document cannot use an expired
  range); when a later authorised range waits, it takes over (`fiscal.ranges`); otherwise
  it raises `NumberingRefused` (a `Conflict`, 409 in the API) whose message names the
  series and says what to do, with a stable `code`:
  `subtype_inactive`, `ncf_range_missing`, `ncf_range_exhausted`, `ncf_range_expired`;
- in a fiscal series it numbers nothing dated before the latest document it numbered
  (`last_issue_date`, advanced by the same statement): 400 `issue_date_before_previous`;
- it advances the counter in the same transaction, so a rollback gives the number back and
  the next caller gets it: no gaps, no repeats.

`UniqueConstraint(workspace, document_number)` on each document table is the backstop.
Drafts take no number. The caller checks that the subtype's `document_type` suits the
document (an invoice is not numbered from a quotation series).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput, NotFound

from .models import DocumentSubtype, NcfRange, RangeStatus

# Warn ahead of time (DOMAIN.md): this many days before expiry, and when fewer numbers
# remain than min(LOW_NUMBERS_MAX, LOW_NUMBERS_PERCENT % of the range).
EXPIRY_WARNING_DAYS = 30
LOW_NUMBERS_MAX = 100
LOW_NUMBERS_PERCENT = 10


@dataclass(frozen=True)
class AllocatedNumber:
    subtype: DocumentSubtype
    sequence: int
    document_number: str
    valid_until: datetime.date | None  # the NCF's expiry ("Válido hasta"); None if not fiscal


class NumberingRefused(Conflict):
    code = "numbering_refused"


def default_valid_until(authorised_on: datetime.date) -> datetime.date:
    """DGII ranges are valid until 31 December of the year after they were authorised."""
    return datetime.date(authorised_on.year + 1, 12, 31)


def check_day(on_date: datetime.date) -> datetime.date:
    """The day a range's expiry is judged on: the issue date and today, so a back-dated
    document cannot take a number from a range that has expired since."""
    return max(on_date, timezone.localdate())


def check_can_issue(subtype: DocumentSubtype, on_date: datetime.date) -> None:
    """Raise NumberingRefused if `subtype` cannot hand out its next number on `on_date`
    (the range's expiry is judged against `on_date` and today).

    No query: the allocator calls it under the row lock; forms may call it earlier to
    tell the user before they try (the allocator still has the last word). A series whose
    current range is done but whose next range waits can issue (the next one takes over);
    that is seen when the caller prefetched the series' `ranges`.
    """
    from .ranges import waiting_successor

    label = str(subtype)
    if not subtype.is_active:
        raise NumberingRefused(
            _("The document type %(subtype)s is inactive; activate it or choose another.")
            % {"subtype": label}, code="subtype_inactive")
    if not subtype.is_fiscal:
        return
    day = check_day(on_date)
    if waiting_successor(subtype, day) is not None:
        return
    if subtype.range_end is None:
        raise NumberingRefused(
            _("%(subtype)s has no authorised NCF range. Enter the range DGII authorised "
              "(Settings → Document types) before issuing.") % {"subtype": label},
            code="ncf_range_missing")
    if subtype.next_number > subtype.range_end:
        raise NumberingRefused(
            _("%(subtype)s has used its whole authorised range (last number %(last)s). "
              "Request a new range from DGII and enter it in Settings → Document types.")
            % {"subtype": label, "last": subtype.format_number(subtype.range_end)},
            code="ncf_range_exhausted")
    if subtype.valid_until is not None and day > subtype.valid_until:
        raise NumberingRefused(
            _("The NCF range of %(subtype)s expired on %(date)s. Enter the new range DGII "
              "authorised (Settings → Document types) before issuing.")
            % {"subtype": label, "date": subtype.valid_until.strftime("%d/%m/%Y")},
            code="ncf_range_expired")


_SUBTYPE_COLUMNS = ("id", "workspace_id", "name", "document_type", "ncf_type", "prefix",
                    "padding", "range_start", "next_number", "range_end", "valid_until",
                    "last_issue_date", "is_active")


def _advance_if_issuable(*, workspace_id: int, subtype_id: int,
                         on_date: datetime.date) -> DocumentSubtype | None:
    """One statement: advance the counter if, and only if, the series may issue on `on_date`,
    and return the row as it now stands. The UPDATE takes the row lock itself, and PostgreSQL
    re-checks the conditions on the latest row version after waiting for it, so concurrent
    callers queue and each gets the next number; SQLite's IMMEDIATE transaction already
    holds the write lock."""
    connection = transaction.get_connection()
    opts = DocumentSubtype._meta
    qn = connection.ops.quote_name

    def col(name: str) -> str:
        return qn(opts.get_field(name).column)

    returning = ", ".join(qn(opts.get_field(n.removesuffix("_id")).column)
                          for n in _SUBTYPE_COLUMNS)
    last = col("last_issue_date")
    sql = (
        f"UPDATE {qn(opts.db_table)} SET {col('next_number')} = {col('next_number')} + 1, "
        f"{last} = CASE WHEN {last} IS NULL OR {last} < %s THEN %s ELSE {last} END "
        f"WHERE {col('id')} = %s AND {col('workspace')} = %s AND {col('is_active')} = %s "
        f"AND ({col('ncf_type')} IS NULL OR ({col('range_end')} IS NOT NULL "
        f"AND {col('next_number')} <= {col('range_end')} "
        f"AND ({col('valid_until')} IS NULL OR {col('valid_until')} >= %s) "
        f"AND ({last} IS NULL OR {last} <= %s))) "
        f"RETURNING {returning}"
    )
    date = connection.ops.adapt_datefield_value(on_date)
    params = [date, date, subtype_id, workspace_id, True,
              connection.ops.adapt_datefield_value(check_day(on_date)), date]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_SUBTYPE_COLUMNS, row, strict=True))
    for name in ("valid_until", "last_issue_date"):
        if isinstance(values[name], str):  # SQLite hands dates back as text
            values[name] = datetime.date.fromisoformat(values[name])
    values["is_active"] = bool(values["is_active"])
    return DocumentSubtype(**values)


def check_after_previous(subtype: DocumentSubtype, on_date: datetime.date) -> None:
    """Numbers and dates go together (API.md, product rule): a fiscal series does not number
    a document dated before the latest one it numbered. No query (`last_issue_date` is on
    the row); the allocator's UPDATE applies the same condition under the row lock."""
    last = subtype.last_issue_date
    if subtype.is_fiscal and last is not None and on_date < last:
        raise InvalidInput(
            _("%(subtype)s issued its previous number on %(date)s: a document of this series "
              "cannot be dated before it.") % {"subtype": subtype,
                                               "date": last.strftime("%d/%m/%Y")},
            field="issue_date", code="issue_date_before_previous")


def take_over(current: DocumentSubtype, day: datetime.date) -> bool:
    """Under the series' row lock: when its current range cannot issue on `day` (used up,
    expired, or none) and a later range waits, that range becomes the current one. The old
    range is marked as it ended (used up or expired). True if a range took over."""
    from .ranges import successor

    following = successor(current, day)
    if following is None:
        return False
    if current.range_end is not None:
        ended = RangeStatus.FINISHED if current.next_number > current.range_end \
            else RangeStatus.EXPIRED
        NcfRange.objects.filter(subtype_id=current.pk, range_start=current.range_start) \
            .update(ended_as=ended)
    DocumentSubtype.objects.filter(pk=current.pk).update(
        range_start=following.range_start, range_end=following.range_end,
        valid_until=following.valid_until, next_number=following.range_start,
        updated_at=timezone.now())
    return True


def allocate_number(*, workspace_id: int, subtype_id: int,
                    on_date: datetime.date) -> AllocatedNumber:
    """Take the next number of a subtype inside the caller's transaction (see the module
    docstring). Raises NotFound for a subtype of another workspace, NumberingRefused (409)
    when the series cannot issue on `on_date`.

    When the current range is used up or has expired and a later authorised range waits,
    that range takes over under the row lock and the number comes from it; callers queued
    on the lock then see the new range (PostgreSQL re-checks the UPDATE's conditions on the
    row version the taker committed)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside the document's transaction")
    day = check_day(on_date)
    for _attempt in range(3):
        subtype = _advance_if_issuable(workspace_id=workspace_id, subtype_id=subtype_id,
                                       on_date=on_date)
        if subtype is not None:
            sequence = subtype.next_number - 1
            return AllocatedNumber(
                subtype=subtype, sequence=sequence,
                document_number=subtype.format_number(sequence),
                valid_until=subtype.valid_until if subtype.is_fiscal else None,
            )
        # Refused (or not found): read the row under its lock to say exactly why, or let
        # the next range take over.
        current = (DocumentSubtype.objects.select_for_update()
                   .filter(workspace_id=workspace_id, pk=subtype_id).first())
        if current is None:
            raise NotFound(_("Document type not found."))
        if current.is_active and take_over(current, day):
            continue
        check_can_issue(current, on_date)
        check_after_previous(current, on_date)
        # The series changed between the two statements (a new range was entered): retry.
    raise NumberingRefused(_("The document type could not issue a number; try again."),
                           code="numbering_busy")


# --- Warnings ahead of time --------------------------------------------------------------
@dataclass(frozen=True)
class SubtypeWarning:
    code: str  # ncf_range_missing, ncf_range_expired, ncf_range_expiring,
    #            ncf_range_exhausted, ncf_range_low
    message: str
    blocking: bool  # True when the series cannot issue at all (shown as an error)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def subtype_warnings(subtype: DocumentSubtype,
                     today: datetime.date) -> list[SubtypeWarning]:
    """What the staff must act on before a fiscal series stops issuing (no query).

    Inactive and non-fiscal series carry none. Messages are in the active language.
    """
    from .ranges import next_waiting

    if not subtype.is_active or not subtype.is_fiscal:
        return []
    if next_waiting(subtype, today) is not None:
        return []  # the next authorised range is entered: it takes over when this one ends
    label = str(subtype)
    found: list[SubtypeWarning] = []
    if subtype.range_end is None:
        return [SubtypeWarning(
            "ncf_range_missing",
            _("%(subtype)s has no authorised NCF range yet; enter the range DGII authorised "
              "to issue with it.") % {"subtype": label}, True)]

    if subtype.valid_until is not None:
        days = (subtype.valid_until - today).days
        date = subtype.valid_until.strftime("%d/%m/%Y")
        if days < 0:
            found.append(SubtypeWarning(
                "ncf_range_expired",
                _("The NCF range of %(subtype)s expired on %(date)s; enter the new range DGII "
                  "authorised.") % {"subtype": label, "date": date}, True))
        elif days <= EXPIRY_WARNING_DAYS:
            found.append(SubtypeWarning(
                "ncf_range_expiring",
                _("The NCF range of %(subtype)s expires on %(date)s (in %(days)s days); "
                  "request a new range from DGII.")
                % {"subtype": label, "date": date, "days": days}, False))

    remaining = subtype.remaining or 0
    if remaining == 0:
        found.append(SubtypeWarning(
            "ncf_range_exhausted",
            _("%(subtype)s has used its whole authorised range; enter the new range DGII "
              "authorised.") % {"subtype": label}, True))
    else:
        # Fewer than min(100, 10% of the range), compared exactly in integers.
        size = subtype.range_end - (subtype.range_start or 1) + 1
        if remaining < LOW_NUMBERS_MAX and remaining * 100 < size * LOW_NUMBERS_PERCENT:
            found.append(SubtypeWarning(
                "ncf_range_low",
                _("Only %(remaining)s numbers left in the range of %(subtype)s (up to "
                  "%(last)s); request a new range from DGII.")
                % {"remaining": remaining, "subtype": label,
                   "last": subtype.format_number(subtype.range_end)}, False))
    return found
