"""The follow-up policy as rules: categories, windows, misses, status and fines.

Days are handled as ordinals (date.toordinal()) inside the loops, because a
workbook at Excel's row limit means a million windows to walk. Each client is
walked once, in date order, so the cost grows linearly with its follow-ups.
Standard library only: the xlwings Lite bundle runs this same code inside Excel.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field

from workbook import layout
from workbook.records import Book, Client, Rules
from workbook.values import add_months, month_bounds

CLAUSE_ORDER = ("designer", "manager", "specialist", "supervisor")
CLAUSE_ROLES = {
    "designer": layout.ROLE_DESIGNER,
    "manager": layout.ROLE_MANAGER,
    "specialist": layout.ROLE_SPECIALIST,
    "supervisor": layout.ROLE_SUPERVISOR,
}


@dataclass(frozen=True)
class Miss:
    client_id: str
    deadline: dt.date
    date: dt.date  # the first overdue day, deadline + 1
    category: str  # the category on the deadline


@dataclass(frozen=True)
class Status:
    client_id: str
    client_name: str
    designer: str
    category: str
    last_follow_up: dt.date | None
    deadline: dt.date | None
    days_overdue: int | None
    state: str


@dataclass(frozen=True)
class FineLine:
    person: str
    role: str
    department: str
    client_id: str
    client_name: str
    category: str
    deadline: dt.date | None
    date: dt.date
    amount: float
    clause: str


@dataclass
class MonthFines:
    month: str
    lines: list[FineLine]
    misses: list[Miss]
    unfined_misses: int

    @property
    def total(self) -> float:
        return sum(line.amount for line in self.lines)


class Schedule:
    """One client's categories over time and the deadline of any window."""

    def __init__(self, client: Client, rules: Rules, start: dt.date):
        self.rules = rules
        self.handover = _ordinal(client.handover_date)
        self.soon = None
        if client.handover_date is not None:
            soon_from = add_months(client.handover_date, -rules.handover_soon_months)
            self.soon = soon_from.toordinal()
        self.long_term = None
        if client.long_term:
            # Without 转长期日期 the client counts as long-term from the start.
            since = client.long_term_since or client.assigned_date or start
            self.long_term = since.toordinal()
        self.intervals = {
            layout.HANDED_OVER: rules.interval_handed_over,
            layout.HANDOVER_SOON: rules.interval_handover_soon,
            layout.OFF_PLAN: rules.interval_off_plan,
        }
        self.changes = self._change_days()

    def category_on(self, day: int) -> str:
        if self.long_term is not None and day >= self.long_term:
            return layout.LONG_TERM
        if self.handover is None:
            return layout.OFF_PLAN
        if day >= self.handover:
            return layout.HANDED_OVER
        if day >= self.soon:
            return layout.HANDOVER_SOON
        return layout.OFF_PLAN

    def _change_days(self) -> list[int]:
        candidates = {self.long_term, self.soon, self.handover} - {None}
        return sorted(
            day
            for day in candidates
            if self.category_on(day) != self.category_on(day - 1)
        )

    def window_end(self, day: int, category: str) -> int:
        if category == layout.LONG_TERM:
            months = self.rules.interval_long_term_months
            return add_months(dt.date.fromordinal(day), months).toordinal()
        return day + self.intervals[category]

    def deadline_after(self, anchor: int) -> int:
        """The deadline of the window starting at anchor, shortened by any
        category change inside it to that change's own deadline."""
        deadline = self.window_end(anchor, self.category_on(anchor))
        for change in self.changes:
            if change <= anchor:
                continue
            if change > deadline:
                break
            deadline = min(deadline, self.window_end(change, self.category_on(change)))
        return deadline


@dataclass
class Track:
    misses: list  # (deadline, category) ordinals
    deadline: int | None  # deadline of the window open at the end of the walk
    first_missed: int | None  # first deadline missed since the last follow-up
    ended: bool  # tracking stopped by 结束日期
    # Days of the follow-ups that closed a window on time (each one met window);
    # the compliance picture counts them next to the misses of the same walk.
    met: list = field(default_factory=list)


def clock_start(client: Client, days: list[int], rules: Rules) -> dt.date | None:
    """Where the clock starts: 分配日期, else the first follow-up; never before
    生效日期. None means the client cannot be judged (资料不全)."""
    start = client.assigned_date
    if start is None:
        if not days:
            return None
        start = dt.date.fromordinal(days[0])
    if rules.effective_date is not None and rules.effective_date > start:
        start = rules.effective_date
    return start


def end_day(client: Client) -> int | None:
    """The 结束日期 of a signed or lost client; without it the client is tracked."""
    if client.status == layout.STATUS_ACTIVE or client.closed_date is None:
        return None
    return client.closed_date.toordinal()


def walk(
    schedule: Schedule,
    start: int,
    days: list[int],
    until: int,
    ended_on: int | None,
    resume: int | None = None,
) -> Track:
    """Walk the windows from start up to the day `until`, using the follow-up
    days (sorted, unique ordinals). Misses dated up to `until` are collected.

    Every follow-up after the clock start becomes an anchor sooner or later, so
    nothing after a follow-up depends on what came before it. With `resume`,
    the walk starts at the last follow-up on or before that day, and only what
    comes after it is collected: a month or a status then costs the windows
    since then, not the client's whole history.
    """
    anchor = start
    if resume is not None:
        before = bisect_right(days, resume)
        if before and days[before - 1] > start:
            anchor = days[before - 1]
    index = bisect_right(days, anchor)
    count = len(days)
    misses, met, first_missed = [], [], None
    while True:
        deadline = schedule.deadline_after(anchor)
        if ended_on is not None and deadline >= ended_on:
            return Track(misses, deadline, first_missed, True, met)
        if index < count and days[index] <= deadline and days[index] <= until:
            anchor = days[index]
            met.append(anchor)
            index += 1
            first_missed = None
            continue
        if deadline >= until:
            return Track(misses, deadline, first_missed, False, met)
        misses.append((deadline, schedule.category_on(deadline)))
        if first_missed is None:
            first_missed = deadline
        anchor = deadline


def follow_up_days(book: Book, until: dt.date) -> dict[str, list[int]]:
    """The follow-up days that count, per client: on or after its 分配日期 and
    not after `until`, sorted and unique. Built once per book and day: fines,
    compliance and the checks of one command ask for the same one."""
    key = ("follow_up_days", until, len(book.follow_ups), len(book.clients))
    if key not in book.derived:
        book.derived[key] = _follow_up_days(book, until)
    return book.derived[key]


def _follow_up_days(book: Book, until: dt.date) -> dict[str, list[int]]:
    # The earliest day that counts, per client; a client without 分配日期 counts
    # every follow-up. This loop runs once per record of the log.
    earliest = {
        client.client_id: client.assigned_date or dt.date.min for client in book.clients
    }
    days: dict[str, set] = {}
    for follow_up in book.follow_ups:
        start = earliest.get(follow_up.client_id)
        day = follow_up.date
        if start is None or day > until or day < start:
            continue
        found = days.get(follow_up.client_id)
        if found is None:
            found = days[follow_up.client_id] = set()
        found.add(day)
    return {
        client_id: sorted(day.toordinal() for day in found)
        for client_id, found in days.items()
    }


def unique_clients(book: Book) -> list[Client]:
    """Clients with a duplicated 客户编号 are judged by their first row only."""
    seen, clients = set(), []
    for client in book.clients:
        if client.client_id not in seen:
            seen.add(client.client_id)
            clients.append(client)
    return clients


def client_track(
    client: Client,
    days: list[int],
    rules: Rules,
    until: dt.date,
    since: dt.date | None = None,
) -> Track | None:
    """One client's walk up to `until` (from its last follow-up before `since`,
    when given); None when it cannot be judged (资料不全)."""
    start = clock_start(client, days, rules)
    if start is None:
        return None
    schedule = Schedule(client, rules, start)
    # A follow-up on `since` itself may come after a miss dated that day, so the
    # walk resumes at the last follow-up before it.
    resume = since.toordinal() - 1 if since is not None else None
    return walk(
        schedule, start.toordinal(), days, until.toordinal(), end_day(client), resume
    )


def client_misses(
    client: Client,
    days: list[int],
    rules: Rules,
    until: dt.date,
    since: dt.date | None = None,
) -> list[Miss]:
    """The client's misses dated up to `until` (and, given `since`, at least all
    those dated from `since` on)."""
    track = client_track(client, days, rules, until, since)
    if track is None:
        return []
    return [
        Miss(
            client.client_id,
            dt.date.fromordinal(deadline),
            dt.date.fromordinal(deadline + 1),
            category,
        )
        for deadline, category in track.misses
    ]


def all_misses(book: Book, until: dt.date, since: dt.date | None = None) -> list[Miss]:
    """Every miss dated up to `until` (from `since` on, when given), client by
    client in sheet order."""
    days = follow_up_days(book, until)
    misses = []
    for client in unique_clients(book):
        found = client_misses(
            client, days.get(client.client_id, []), book.rules, until, since
        )
        misses.extend(m for m in found if since is None or m.date >= since)
    return misses


def client_status(
    client: Client, days: list[int], rules: Rules, as_of: dt.date
) -> Status:
    """What the add-in writes on the client's row and `status` prints."""
    last = dt.date.fromordinal(days[-1]) if days else None
    start = clock_start(client, days, rules)
    if start is None:
        return _status(client, "", last, None, None, layout.INCOMPLETE)
    ended_on = end_day(client)
    if ended_on is not None and ended_on <= as_of.toordinal():
        return _status(client, "", last, None, None, layout.CLOSED)

    schedule = Schedule(client, rules, start)
    today = as_of.toordinal()
    track = walk(schedule, start.toordinal(), days, today, ended_on, resume=today)
    shown = track.first_missed if track.first_missed is not None else track.deadline
    late = as_of.toordinal() - shown
    category = schedule.category_on(as_of.toordinal())
    deadline = dt.date.fromordinal(shown)
    return _status(
        client, category, last, deadline, max(late, 0), _state(late, rules.warning_days)
    )


def _state(late: int, warning_days: int) -> str:
    if late > 0:
        return layout.OVERDUE
    if late == 0:
        return layout.DUE_TODAY
    if -late <= warning_days:
        return layout.DUE_SOON
    return layout.ON_TRACK


def _status(client, category, last, deadline, days_overdue, state) -> Status:
    return Status(
        client.client_id,
        client.name,
        client.designer,
        category,
        last,
        deadline,
        days_overdue,
        state,
    )


def statuses(book: Book, as_of: dt.date) -> list[Status]:
    days = follow_up_days(book, as_of)
    return [
        client_status(client, days.get(client.client_id, []), book.rules, as_of)
        for client in unique_clients(book)
    ]


def month_fines(book: Book, month: str, as_of: dt.date | None = None) -> MonthFines:
    """The fine lines of a calendar month (YYYY-MM): designers' misses dated in
    the month with their managers' joint share, and verified findings with
    查实日期 in the month with the supervisors' joint share."""
    first, last = month_bounds(month)
    until = last if as_of is None else min(last, as_of)
    clients = {client.client_id: client for client in unique_clients(book)}

    misses = all_misses(book, until, since=first)
    lines, unfined = [], 0
    for miss in misses:
        if not is_fined(miss.category, book.rules):
            unfined += 1
            continue
        lines.extend(miss_lines(book, clients[miss.client_id], miss))
    for finding in book.findings:
        if (
            finding.verified
            and finding.verified_date is not None
            and first <= finding.verified_date <= until
        ):
            lines.extend(finding_lines(book, clients, finding))

    lines = [line for line in lines if line.amount]
    lines.sort(key=_line_order)
    return MonthFines(month, lines, misses, unfined)


def is_fined(category: str, rules: Rules) -> bool:
    return category != layout.LONG_TERM or rules.fine_long_term


def miss_lines(book: Book, client: Client, miss: Miss) -> list[FineLine]:
    rules = book.rules
    designer = book.staff.get(client.designer)
    lines = [
        _line(
            book,
            client.designer,
            "designer",
            client,
            miss.category,
            miss.deadline,
            miss.date,
            rules.fine_designer,
        )
    ]
    if designer is not None and designer.superior:
        lines.append(
            _line(
                book,
                designer.superior,
                "manager",
                client,
                miss.category,
                miss.deadline,
                miss.date,
                rules.fine_manager,
            )
        )
    return lines


def finding_lines(book: Book, clients: dict, finding) -> list[FineLine]:
    """A verified finding charges the specialist named on it (else the client's)
    and, jointly, that specialist's superior."""
    client = clients.get(finding.client_id)
    name = finding.specialist or (client.specialist if client else "")
    if not name:
        return []
    if client is None:
        client = Client(client_id=finding.client_id, row=0)
    rules = book.rules
    lines = [
        _line(
            book,
            name,
            "specialist",
            client,
            "",
            None,
            finding.verified_date,
            rules.fine_specialist,
        )
    ]
    specialist = book.staff.get(name)
    if specialist is not None and specialist.superior:
        lines.append(
            _line(
                book,
                specialist.superior,
                "supervisor",
                client,
                "",
                None,
                finding.verified_date,
                rules.fine_supervisor,
            )
        )
    return lines


def _line(book, person, clause, client, category, deadline, day, amount) -> FineLine:
    known = book.staff.get(person)
    return FineLine(
        person,
        CLAUSE_ROLES[clause],
        known.department if known else "",
        client.client_id,
        client.name,
        category,
        deadline,
        day,
        amount,
        clause,
    )


def _line_order(line: FineLine):
    # A stable sort on date and client keeps each joint share right after the
    # line it goes with.
    return (line.date, line.client_id)


def _ordinal(day: dt.date | None) -> int | None:
    return None if day is None else day.toordinal()
