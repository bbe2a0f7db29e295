"""Turn cell values, as Excel, WPS or a reader hands them over, into typed values.

Every function looks at one cell on its own: guessing a whole column's format from
its first value is how day and month get swapped. A value that cannot be read
unambiguously comes back as a `Bad` carrying a problem code, never as a guess.
Standard library only, because the xlwings Lite bundle carries this module.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# Excel's own limits for serial day numbers (1900 date system), and the range
# we accept as a plausible date in this policy's workbook.
EXCEL_EPOCH = dt.date(1899, 12, 30)
LAST_SERIAL = 2958466  # 10000-01-01: Excel has no later day
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
    }
)


@dataclass(frozen=True)
class Bad:
    """A value that could not be used; code names the reason. A reader may
    put one in a cell it knows more about (a merged cell, a formula without
    its result), with what the problem should show as value and extra."""

    code: str
    value: str = ""
    extra: str = ""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fold(text: str) -> str:
    """Fold full-width characters to their plain form and drop all white space."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split())


def error_value(value: object) -> str | None:
    """The Excel error literal (#N/A, #REF! …) a cell holds, if any."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    return None


def as_text(value: object) -> str:
    """Text of a cell: numbers lose a trailing .0, everything else is str()."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows a logical value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def as_name(value: object) -> str:
    """A person's or choice's name: folded, so 张 三 and 张三 are one person."""
    return fold(as_text(value))


def as_person(value: object) -> str | Bad:
    """A person's name. A number is read as its digits (a staff number used
    as a name still matches the 人员 sheet); TRUE/FALSE, a date or a time is
    never a name."""
    if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
        return Bad("not-a-name")
    return as_name(value)


_INTEGRAL_TEXT = re.compile(r"^\d+\.0+$")


def as_id(value: object) -> str | Bad | None:
    """A client or record ID: 1001, 1001.0 and "1001" are one ID; "00123" stays."""
    if value.__class__ is float:  # how every number arrives from Excel
        return str(int(value)) if value.is_integer() else Bad("bad-id")
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad("bad-id")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return Bad("bad-id")
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return Bad("bad-id")
    text = fold(str(value))
    if _INTEGRAL_TEXT.match(text):
        return text.split(".")[0]
    return text


_ISO_LIKE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DAY_FIRST_OR_US = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def as_date(value: object) -> dt.date | Bad | None:
    """A calendar date from a real date, an Excel serial number or typed text."""
    moment = _as_moment(value)
    if isinstance(moment, dt.datetime):
        return moment.date()
    return moment


def as_datetime(value: object) -> dt.datetime | Bad | None:
    """A date and time, as 记录时间 holds it; a bare date means midnight."""
    moment = _as_moment(value)
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        return dt.datetime.combine(moment, dt.time())
    return moment


def _as_moment(value: object) -> dt.date | dt.datetime | Bad | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad("bad-date")
    if isinstance(value, (dt.datetime, dt.date)):
        return _plausible(value)
    if isinstance(value, dt.time):
        return Bad("bad-date")
    if isinstance(value, (int, float)):
        return _from_number(value)
    if error_value(value):
        return Bad("error-value")
    return _from_text(unicodedata.normalize("NFKC", str(value)).strip())


def _plausible(moment: dt.date) -> dt.date | Bad:
    if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return moment
    return Bad("date-out-of-range")


def _from_number(number: float) -> dt.date | dt.datetime | Bad:
    # 20261103 typed as a number is unambiguous; anything else is a serial day.
    if float(number).is_integer() and 19000101 <= number <= 21001231:
        return _from_text(str(int(number)))
    if not number >= 1:  # also NaN
        return Bad("bad-date")
    if number >= LAST_SERIAL:  # beyond what a date can hold (and infinity)
        return Bad("date-out-of-range")
    moment = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=number)
    moment = moment.replace(microsecond=0)
    if moment.time() == dt.time():
        return _plausible(moment.date())
    return _plausible(moment)


def _from_text(text: str) -> dt.date | dt.datetime | Bad:
    match = _ISO_LIKE.match(text) or _COMPACT.match(text)
    if match:
        return _build(*match.groups())
    if _NO_YEAR.match(text):
        return Bad("date-without-year")
    if _DAY_FIRST_OR_US.match(text):
        return Bad("ambiguous-date")
    return Bad("bad-date")


def _build(year, month, day, hour=None, minute=None, second=None):
    try:
        day_value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return Bad("impossible-date")
    if hour is None:
        return _plausible(day_value)
    try:
        clock = dt.time(int(hour), int(minute), int(second or 0))
    except ValueError:
        return Bad("bad-date")
    return _plausible(dt.datetime.combine(day_value, clock))


def as_yes_no(value: object) -> bool | Bad | None:
    """是/否 (also a real TRUE/FALSE); blank is None so the caller picks the default."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = as_name(value)
    if text in ("是", "Y", "y", "YES", "Yes", "yes", "TRUE", "True", "true"):
        return True
    if text in ("否", "N", "n", "NO", "No", "no", "FALSE", "False", "false"):
        return False
    return Bad("bad-yes-no")


def as_number(value: object) -> float | Bad | None:
    """A non-negative amount or count, typed as a number or as digits."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad("bad-number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(fold(str(value)))
        except ValueError:
            return Bad("bad-number")
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        return Bad("bad-number")
    return number


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day n calendar months later, clamped to the month's end (01-31 → 02-28)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a YYYY-MM month."""
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    return first, dt.date(year, number, calendar.monthrange(year, number)[1])
