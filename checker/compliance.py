"""A month's picture of compliance: windows, met windows and misses per designer.

Windows come from the same walk as the misses (rules.walk), so the misses
counted here are exactly the misses behind the month's fines, long-term ones
included. Every window the walk settles is settled once, either way:

- met: a follow-up came on or before the deadline; the window belongs to the
  month of that follow-up's day;
- missed: no follow-up by the deadline; the window belongs to the month of the
  miss date (deadline + 1), the same date the fines go by.

Windows still open on the check day, and windows cut off by 结束日期, are not
settled and not counted. The windows of a month are those settled from its first
day up to the earlier of its last day and the check day; compliance is met
windows divided by windows. A designer who follows up more often than required
closes more windows, so the rate also rewards diligence, never punishes it.
Standard library only, like rules.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from checker.rules import client_track, follow_up_days, unique_clients
from workbook.layout import CATEGORIES
from workbook.records import Book
from workbook.values import month_bounds


@dataclass
class Tally:
    """Windows settled in the month for one designer, or summed for a manager."""

    name: str
    department: str = ""
    superior: str = ""
    met: int = 0
    misses: Counter = field(default_factory=Counter)  # category -> count
    designers: int = 1

    @property
    def missed(self) -> int:
        return sum(self.misses.values())

    @property
    def windows(self) -> int:
        return self.met + self.missed

    @property
    def rate(self) -> float | None:
        return self.met / self.windows if self.windows else None

    def misses_by_category(self) -> list[int]:
        return [self.misses[category] for category in CATEGORIES]

    def add(self, other: Tally) -> None:
        self.met += other.met
        self.misses.update(other.misses)


@dataclass
class MonthCompliance:
    month: str
    designers: list[Tally]
    managers: list[Tally]

    @property
    def total(self) -> Tally:
        total = Tally("合计", designers=len(self.designers))
        for tally in self.designers:
            total.add(tally)
        return total


def month_compliance(
    book: Book, month: str, as_of: dt.date | None = None
) -> MonthCompliance:
    """Per designer (the client's designer, who is charged for its misses) and per
    manager (the designer's 上级), the windows settled in the month."""
    first, last = month_bounds(month)
    until = last if as_of is None else min(last, as_of)
    days = follow_up_days(book, until)

    tallies: dict[str, Tally] = {}
    for client in unique_clients(book):
        client_days = days.get(client.client_id, [])
        track = client_track(client, client_days, book.rules, until, since=first)
        if track is None:
            continue
        met = _count_between(track.met, first, until)
        misses = Counter(
            category
            for deadline, category in track.misses
            if first <= dt.date.fromordinal(deadline + 1) <= until
        )
        if not met and not misses:
            continue
        tally = tallies.get(client.designer)
        if tally is None:
            tally = tallies[client.designer] = _designer_tally(book, client.designer)
        tally.met += met
        tally.misses.update(misses)

    designers = sorted(tallies.values(), key=lambda t: (t.department, t.name))
    return MonthCompliance(month, designers, manager_tallies(book, designers))


def _count_between(days: list[int], first: dt.date, last: dt.date) -> int:
    low, high = first.toordinal(), last.toordinal()
    return sum(1 for day in days if low <= day <= high)


def _designer_tally(book: Book, designer: str) -> Tally:
    person = book.staff.get(designer)
    if person is None:
        return Tally(designer)
    return Tally(designer, person.department, person.superior)


def manager_tallies(book: Book, designers: list[Tally]) -> list[Tally]:
    """The sum over each manager's designers; designers without a 上级 are summed
    under a blank manager, so that no window drops out of the totals."""
    managers: dict[str, Tally] = {}
    for designer in designers:
        manager = managers.get(designer.superior)
        if manager is None:
            person = book.staff.get(designer.superior)
            department = person.department if person else designer.department
            manager = Tally(designer.superior, department, designers=0)
            managers[designer.superior] = manager
        manager.designers += 1
        manager.add(designer)
    return sorted(managers.values(), key=lambda t: (t.name == "", t.department, t.name))
