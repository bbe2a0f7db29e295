"""One checked workbook and the JSON views of what was found.

The same objects feed the terminal, `--json`, the fines workbook and the tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from checker.checks import cross_checks
from checker.rules import MonthFines, Status
from workbook import layout
from workbook.reader import read_workbook
from workbook.records import Book

REQUIRED_SHEETS = (layout.CLIENTS, layout.FOLLOW_UPS)


@dataclass
class Checked:
    """A workbook read and cross-checked as of a day."""

    path: Path
    sha256: str
    book: Book
    as_of: dt.date
    problems: list

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if not p.is_error]

    def missing_required_sheets(self) -> list[str]:
        return [
            p.sheet
            for p in self.problems
            if p.code == "missing-sheet" and p.sheet in REQUIRED_SHEETS
        ]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_workbook(path: Path, as_of: dt.date) -> Checked:
    """Read the workbook (read-only) and collect every problem, as of a day."""
    path = Path(path)
    book = read_workbook(path)
    problems = book.problems + cross_checks(book, as_of)
    return Checked(path, file_sha256(path), book, as_of, problems)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def yuan(amount: float) -> str:
    """An amount as people read it: 1,234 or 1,234.50, never 1.2e+06."""
    if float(amount).is_integer():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def rule_errors(checked: Checked) -> list:
    """Unusable values in 规则: no amount computed from them can be trusted."""
    return [p for p in checked.problems if p.sheet == layout.RULES and p.is_error]


def _amount(value: float):
    return int(value) if float(value).is_integer() else round(value, 2)


def validation_json(checked: Checked) -> dict:
    return {
        "ok": not checked.errors,
        "problems": [p.as_json() for p in checked.problems],
    }


def fines_json(fines: MonthFines, checked: Checked) -> dict:
    return {
        "month": fines.month,
        "total": _amount(fines.total),
        "lines": [
            {
                "person": line.person,
                "role": line.role,
                "department": line.department,
                "client_id": line.client_id,
                "client_name": line.client_name,
                "category": line.category,
                "deadline": _day(line.deadline),
                "date": _day(line.date),
                "amount": _amount(line.amount),
                "clause": line.clause,
            }
            for line in fines.lines
        ],
        "unfined_misses": fines.unfined_misses,
        "problems": [p.as_json() for p in checked.problems],
    }


def status_json(as_of: dt.date, statuses: list[Status]) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "clients": [
            {
                "client_id": status.client_id,
                "client_name": status.client_name,
                "designer": status.designer,
                "category": status.category,
                "last_follow_up": _day(status.last_follow_up),
                "deadline": _day(status.deadline),
                "days_overdue": status.days_overdue,
                "state": status.state,
            }
            for status in statuses
        ],
    }
