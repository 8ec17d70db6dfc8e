"""Report parameters: a month (`YYYYMM`), dates, and the moment a month ends."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import InvalidInput


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def code(self) -> str:
        return f"{self.year:04d}{self.month:02d}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def next_start(self) -> datetime.date:
        return (datetime.date(self.year + 1, 1, 1) if self.month == 12
                else datetime.date(self.year, self.month + 1, 1))

    @property
    def end(self) -> datetime.date:
        return self.next_start - datetime.timedelta(days=1)

    @property
    def ends_at(self) -> datetime.datetime:
        """The first instant after the month, in the deployment's time zone."""
        return end_of_day(self.end)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    @classmethod
    def of(cls, day: datetime.date) -> Period:
        return cls(day.year, day.month)


def end_of_day(day: datetime.date) -> datetime.datetime:
    after = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(after)


def parse_period(value: str | None, *, field: str = "period") -> Period:
    """`YYYYMM`, not in the future; the current month when absent."""
    today = timezone.localdate()
    if not value:
        return Period.of(today)
    match = re.fullmatch(r"(\d{4})(\d{2})", value.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        raise InvalidInput(_("Give the month as YYYYMM, e.g. 202611."), field=field)
    period = Period(int(match[1]), int(match[2]))
    if period.start > today:
        raise InvalidInput(_("That month has not begun yet."), field=field)
    return period


def parse_date(value: str | None, *, field: str, default: datetime.date) -> datetime.date:
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(_("Give the date as YYYY-MM-DD."), field=field) from None


def recent_periods(count: int = 12) -> list[Period]:
    period, found = Period.of(timezone.localdate()), []
    for _i in range(count):
        found.append(period)
        period = period.previous()
    return found
