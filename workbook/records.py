"""Typed records of the workbook, as the rules engine and the add-in use them.

Each record remembers the sheet row it came from, so that anything said about it
can point at a cell. Records use slots: a full log is a million of them.
Standard library only (the Lite bundle carries it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from workbook.layout import RULE_PARAMETERS, STATUS_ACTIVE
from workbook.problems import cell_name


@dataclass(slots=True)
class Client:
    client_id: str
    row: int
    name: str = ""
    estate: str = ""
    room: str = ""
    handover_date: dt.date | None = None
    designer: str = ""
    specialist: str = ""
    assigned_date: dt.date | None = None
    long_term: bool = False
    long_term_since: dt.date | None = None
    status: str = STATUS_ACTIVE
    closed_date: dt.date | None = None
    last_follow_up_shown: object = None  # the 上次跟踪 cell as found, for the audit
    # The phone number is read so that nothing else is mistaken for it, but kept
    # out of repr() so it never lands in a log or a traceback.
    phone: str = field(default="", repr=False)


@dataclass(slots=True)
class FollowUp:
    """One row of 跟踪记录; 客户姓名 and 下次计划 are for people and are not read."""

    row: int
    date: dt.date
    client_id: str
    record_id: str = ""
    entered_at: dt.datetime | None = None
    designer: str = ""
    method: str = ""
    content: str = ""
    source: str = ""


@dataclass(slots=True)
class Person:
    name: str
    row: int
    role: str = ""
    department: str = ""
    superior: str = ""
    active: bool = True


@dataclass(slots=True)
class Finding:
    row: int
    verified_date: dt.date | None
    client_id: str = ""
    specialist: str = ""
    kind: str = ""
    description: str = ""
    verifier: str = ""
    verified: bool = False


def _rule_defaults() -> dict:
    return {parameter.key: parameter.default for parameter in RULE_PARAMETERS}


@dataclass(frozen=True)
class Rules:
    """The 规则 sheet's values; defaults are SPEC's, kept in layout.RULE_PARAMETERS."""

    values: dict = field(default_factory=_rule_defaults)

    def __getattr__(self, key: str):
        try:
            return self.__dict__["values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def replace(self, **changes) -> Rules:
        return Rules({**self.values, **changes})


@dataclass
class Book:
    """Everything read from one workbook, plus the problems found while reading."""

    clients: list[Client] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    staff: dict[str, Person] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    rules: Rules = field(default_factory=Rules)
    problems: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # sheet -> {key: column index}
    # Indexes computed from the records once per book (see checker.rules), for
    # the several checks of one command that need the same one.
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def cell(self, sheet: str, row: int, key: str) -> str:
        """The A1 name of a record's field, found by the column read; a column
        the sheet lacks points at the row's first cell."""
        column = self.columns.get(sheet, {}).get(key)
        return cell_name(row, column + 1) if column is not None else f"A{row}"
