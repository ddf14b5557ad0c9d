"""Date literals of the format: an ISO date, `today`, or `today+30d` / `today-1y`.

A literal is parsed once at load time into a `DateLiteral`; it is resolved against
a given day only when a form is checked, so `today` means the day of submission.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_RELATIVE = re.compile(r"^today(?:([+-])(\d{1,4})([dwmy]))?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Both forms as one pattern, for the JSON Schema (which cannot check the calendar).
DATE_LITERAL_PATTERN = r"^\s*(today([+-][0-9]{1,4}[dwmy])?|[0-9]{4}-[0-9]{2}-[0-9]{2})\s*$"


@dataclass(frozen=True)
class DateLiteral:
    """Either a fixed day or an offset from today (in days, weeks, months or years)."""

    fixed: dt.date | None = None
    sign: int = 0
    amount: int = 0
    unit: str = "d"

    def resolve(self, today: dt.date) -> dt.date:
        if self.fixed is not None:
            return self.fixed
        n = self.sign * self.amount
        if self.unit == "d":
            return today + dt.timedelta(days=n)
        if self.unit == "w":
            return today + dt.timedelta(weeks=n)
        months = n * (12 if self.unit == "y" else 1)
        year, month = divmod(today.month - 1 + months, 12)
        year += today.year
        day = min(today.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)

    def approx_days(self) -> int | None:
        """Offset from today in days, roughly, for comparing two relative literals."""
        if self.fixed is not None:
            return None
        per = {"d": 1, "w": 7, "m": 30, "y": 365}[self.unit]
        return self.sign * self.amount * per


def parse_date_literal(text: object) -> DateLiteral:
    """Parse a literal; raise ValueError with a sentence saying what was expected."""
    if isinstance(text, dt.date):
        return DateLiteral(fixed=text)
    if not isinstance(text, str):
        raise ValueError(f"expected a date (YYYY-MM-DD, 'today', or 'today+30d'), got {text!r}")
    match = _RELATIVE.match(text.strip())
    if match:
        sign, amount, unit = match.groups()
        if sign is None:
            return DateLiteral(sign=1, amount=0)
        return DateLiteral(sign=1 if sign == "+" else -1, amount=int(amount), unit=unit)
    try:
        if not _ISO.match(text.strip()):
            raise ValueError(text)  # fromisoformat also takes 20240229 and week dates
        return DateLiteral(fixed=dt.date.fromisoformat(text.strip()))
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date: write YYYY-MM-DD, 'today', or an offset such as "
            "'today+30d', 'today-2w', 'today+6m', 'today-1y'"
        ) from None


def literals_in_order(low: DateLiteral, high: DateLiteral) -> bool:
    """False only when `low` is certainly after `high` (both fixed, or both relative)."""
    if low.fixed is not None and high.fixed is not None:
        return low.fixed <= high.fixed
    lo, hi = low.approx_days(), high.approx_days()
    if lo is not None and hi is not None:
        return lo <= hi
    return True
