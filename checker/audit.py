"""Suspects (疑点): follow-up records that customer service should check are real.

The tool flags, people decide: a suspect is evidence to look at, never a fine,
and nothing here changes what rules.py counts. What customer service verifies
goes into the 监管记录 sheet. Every threshold is read from the 规则 sheet
(book.rules); every Chinese text is in LABELS and MESSAGES below.

Which suspects belong to the month audited (`audit --month`, default the
previous calendar month):

- backfilled, manual, other-designer, before-assignment, and future's
  "recorded before it happened": the record's 跟踪日期 or its 记录时间 falls in the
  month (a November follow-up typed in on 12-01 belongs to November's audit).
- bulk: the burst has at least one record whose 跟踪日期 or 记录时间 falls in the
  month; then every record of the burst is listed, so a burst around midnight
  of the month's last day is seen whole.
- same-content: the records whose 跟踪日期 falls in the month, grouped by
  designer and folded text; the month is the unit the rule counts clients in.
- future (跟踪日期 after the check day) and stale-last-follow-up: whatever the
  month, because they describe the workbook as it is on the check day.

Choices the issue leaves open, made so that a workbook whose every entry came
through the add-in on its own day, with varied content, has no suspects:

- bulk counts only records entered on a later day than their 跟踪日期; a
  designer logging the day's calls in one sitting is normal.
- before-assignment lists records of the client's own designer (or with no
  设计师) dated before the 分配日期: a later 分配日期 shortens the clock. Records
  of the previous designer before a reassignment are history, not suspects, and
  other-designer looks only at records on or after the 分配日期 for that reason.
- stale-last-follow-up lists a client whose 上次跟踪 is not a date, or names a
  day on which the log has no record of that client (edited by hand, or a
  record lost). A blank 上次跟踪, or one older than the latest record, only
  means the status columns were not refreshed since, and is not listed.

The cost is linear in the number of follow-ups, apart from sorting each
designer's entry times once for bulk (a sliding window, never pairwise).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace

from checker.rules import unique_clients
from workbook import layout
from workbook.records import Book, Client, FollowUp
from workbook.values import as_date, as_text, is_blank, month_bounds

CODES = (
    "backfilled",
    "manual",
    "bulk",
    "same-content",
    "other-designer",
    "before-assignment",
    "future",
    "stale-last-follow-up",
)

LABELS = {
    "backfilled": "补录",
    "manual": "手工录入",
    "bulk": "集中补录",
    "same-content": "内容雷同",
    "other-designer": "他人记录",
    "before-assignment": "早于分配",
    "future": "未来日期",
    "stale-last-follow-up": "上次跟踪不符",
}

# Message templates, by message id (a code may have more than one wording).
MESSAGES = {
    "backfilled": (
        "跟踪日期 {date}，记录时间 {entered}，晚了 {late} 天才录入"
        "（补录判定：超过 {limit} 天）；请向客户核实这次跟踪"
    ),
    "manual-no-time": (
        "没有记录时间（来源“{source}”），看不出是哪天录入的；请向客户核实这次跟踪"
    ),
    "manual-not-addin": "来源是“{source}”，不是插件录入；请向客户核实这次跟踪",
    "bulk": (
        "{designer}在 {start} 至 {end} 之间集中录入了 {count} 条以前的跟踪"
        "（{first} 至 {last}；集中补录判定：{minutes} 分钟内 {entries} 条）；"
        "请抽查这些客户"
    ),
    "same-content": (
        "跟踪内容“{content}”与{designer}本月给另外 {others} 位客户（{clients}）"
        "写的相同（内容雷同判定：{limit} 位客户）；请抽查是否如实填写"
    ),
    "other-designer": (
        "记录的设计师“{recorded}”不是该客户的设计师“{designer}”，这条仍计入；"
        "请核实是否确为代为跟踪"
    ),
    "before-assignment": (
        "跟踪日期 {date} 早于该客户的分配日期 {assigned}，这条不计入；"
        "请核实分配日期是否被改动过，或跟踪日期是否填错"
    ),
    "future": "跟踪日期 {date} 晚于检查日 {as_of}，这条暂不计入；请核实日期是否填错",
    "future-before-entry": (
        "跟踪日期 {date} 晚于记录时间 {entered}：录入时这次跟踪还没有发生；"
        "请核实日期是否填错"
    ),
    "stale-not-a-date": (
        "客户表的上次跟踪“{shown}”不是日期；这一列由插件写入，可能被手工改过，"
        "请点“刷新逾期标记”后核实"
    ),
    "stale-no-record": (
        "客户表的上次跟踪是 {shown}，但跟踪记录里没有这位客户这一天的记录"
        "（截至 {as_of}，{latest}）；可能被手工改过，或有记录被删除，请核实"
    ),
    "latest": "最近一次是 {date}",
    "latest-none": "没有计入的跟踪记录",
    "blank-source": "空白",
    "more-clients": "{shown} 等 {count} 位",
    "no-designer": "（未填设计师）",
    "client": "客户 {client_id}",
    "no-client": "客户（无编号）",
    "line": "[{label}] {cells} {client} {designer}：{message}",
}

SHORT_CONTENT = 30  # characters of a note quoted in a message
LISTED_CLIENTS = 5  # client IDs named in a same-content message

# Spaces, punctuation and symbols of every script, and the underscore; what is
# left (letters, digits, Chinese characters) is what the note says.
_NOT_WORDS = re.compile(r"[\W_]+")


def say(message_id: str, **values) -> str:
    return MESSAGES[message_id].format(**values)


@dataclass(frozen=True)
class Suspect:
    code: str
    client_id: str
    designer: str
    cells: tuple[str, ...]  # A1 names with the sheet, as 跟踪记录!B12
    message: str
    row: int = 0  # the sheet row it is about, to keep the list in sheet order

    @property
    def label(self) -> str:
        return LABELS[self.code]

    def render(self) -> str:
        """One line for the terminal: label, cells, client, designer, message."""
        client = (
            say("client", client_id=self.client_id)
            if self.client_id
            else say("no-client")
        )
        return say(
            "line",
            label=self.label,
            cells="、".join(self.cells),
            client=client,
            designer=self.designer or say("no-designer"),
            message=self.message,
        )

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "client_id": self.client_id,
            "designer": self.designer,
            "cells": list(self.cells),
            "message": self.message,
        }


def audit_json(month: str, suspects: list[Suspect]) -> dict:
    return {"month": month, "suspects": [suspect.as_json() for suspect in suspects]}


def fold_content(text: str) -> str:
    """A note as compared for 内容雷同: full-width folded, case folded, with spaces
    and punctuation dropped, so "好的，下周联系。" and "好的 下周联系" are one text."""
    return _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text).casefold())


class Audit:
    """One workbook audited for one month, as of the check day."""

    def __init__(self, book: Book, month: str, as_of: dt.date):
        self.book = book
        self.rules = book.rules
        self.as_of = as_of
        self.first, self.last = month_bounds(month)
        self.clients = {client.client_id: client for client in unique_clients(book)}

    def cell(self, sheet: str, row: int, key: str) -> str:
        return f"{sheet}!{self.book.cell(sheet, row, key)}"

    def client_of(self, follow_up: FollowUp) -> Client | None:
        return self.clients.get(follow_up.client_id)

    def recorded_by(self, follow_up: FollowUp) -> str:
        """Who made the record: its 设计师, else the client's designer."""
        if follow_up.designer:
            return follow_up.designer
        client = self.client_of(follow_up)
        return client.designer if client else ""

    def in_month(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def touches_month(self, follow_up: FollowUp) -> bool:
        """Dated in the month, or entered in it."""
        entered = follow_up.entered_at
        return self.in_month(follow_up.date) or (
            entered is not None and self.in_month(entered.date())
        )

    def record(
        self, code: str, follow_up: FollowUp, keys: tuple, message: str
    ) -> Suspect:
        """A suspect about one follow-up record, pointing at the cells of keys."""
        cells = tuple(self.cell(layout.FOLLOW_UPS, follow_up.row, k) for k in keys)
        return Suspect(
            code,
            follow_up.client_id,
            self.recorded_by(follow_up),
            cells,
            message,
            follow_up.row,
        )


def find_suspects(book: Book, month: str, as_of: dt.date) -> list[Suspect]:
    """Every suspect of the month (YYYY-MM) as of the check day, by code then row."""
    audit = Audit(book, month, as_of)
    found = []
    for find in (
        backfilled,
        manual,
        bulk,
        same_content,
        other_designer,
        before_assignment,
        future,
        stale_last_follow_up,
    ):
        found.extend(find(audit))
    return sorted(found, key=lambda s: (CODES.index(s.code), s.row, s.client_id))


def _moment(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def backfilled(audit: Audit) -> list[Suspect]:
    limit = audit.rules.backfill_days
    found = []
    for follow_up in audit.book.follow_ups:
        entered = follow_up.entered_at
        if entered is None:
            continue
        late = (entered.date() - follow_up.date).days
        if late <= limit or not audit.touches_month(follow_up):
            continue
        message = say(
            "backfilled",
            date=follow_up.date.isoformat(),
            entered=_moment(entered),
            late=late,
            limit=limit,
        )
        found.append(
            audit.record("backfilled", follow_up, ("entered_at", "date"), message)
        )
    return found


def manual(audit: Audit) -> list[Suspect]:
    found = []
    for follow_up in audit.book.follow_ups:
        without_time = follow_up.entered_at is None
        if not without_time and follow_up.source == layout.SOURCE_ADDIN:
            continue
        if not audit.touches_month(follow_up):
            continue
        source = follow_up.source or say("blank-source")
        if without_time:
            keys, message = (
                ("entered_at", "source"),
                say("manual-no-time", source=source),
            )
        else:
            keys, message = ("source",), say("manual-not-addin", source=source)
        found.append(audit.record("manual", follow_up, keys, message))
    return found


def bulk(audit: Audit) -> list[Suspect]:
    """Bursts of late entries by one designer: at least 集中补录条数 entries whose
    记录时间 lie within 集中补录分钟 minutes of each other."""
    entries_needed = audit.rules.bulk_entries
    minutes = audit.rules.bulk_minutes
    late_entries = defaultdict(list)
    for follow_up in audit.book.follow_ups:
        entered = follow_up.entered_at
        if entered is not None and entered.date() > follow_up.date:
            late_entries[audit.recorded_by(follow_up)].append(follow_up)

    found = []
    span = dt.timedelta(minutes=minutes)
    for designer, entries in late_entries.items():
        entries.sort(key=lambda f: (f.entered_at, f.row))
        for burst in bursts(entries, entries_needed, span):
            if any(audit.touches_month(f) for f in burst):
                found.extend(_burst_suspects(audit, designer, burst, minutes))
    return found


def bursts(entries: list[FollowUp], needed: int, span: dt.timedelta) -> list[list]:
    """Maximal runs of entries (sorted by 记录时间) in which every entry lies in
    some window of `span` holding at least `needed` entries; overlapping windows
    make one run. Each entry is looked at a bounded number of times."""
    runs: list[list] = []
    start, marked_to = 0, -1  # marked_to: index of the last entry put in a run
    for end, entry in enumerate(entries):
        while entry.entered_at - entries[start].entered_at > span:
            start += 1
        if end - start + 1 < needed:
            continue
        if start > marked_to:
            runs.append([])  # this window does not overlap the previous run
        runs[-1].extend(entries[max(start, marked_to + 1) : end + 1])
        marked_to = end
    return runs


def _burst_suspects(audit, designer, burst, minutes) -> list[Suspect]:
    first, last = burst[0], burst[-1]
    message = say(
        "bulk",
        designer=designer or say("no-designer"),
        start=_moment(first.entered_at),
        end=_moment(last.entered_at),
        count=len(burst),
        first=audit.cell(layout.FOLLOW_UPS, first.row, "entered_at"),
        last=audit.cell(layout.FOLLOW_UPS, last.row, "entered_at"),
        minutes=minutes,
        entries=audit.rules.bulk_entries,
    )
    return [
        audit.record("bulk", follow_up, ("entered_at", "date"), message)
        for follow_up in burst
    ]


def same_content(audit: Audit) -> list[Suspect]:
    """One designer, one month, one folded text, at least 内容雷同客户数 clients."""
    limit = audit.rules.same_content_clients
    groups: dict[tuple[str, str], list[FollowUp]] = defaultdict(list)
    for follow_up in audit.book.follow_ups:
        if not audit.in_month(follow_up.date):
            continue
        text = fold_content(follow_up.content)
        if text:
            groups[(audit.recorded_by(follow_up), text)].append(follow_up)

    found = []
    for (designer, _), records in groups.items():
        clients = sorted({f.client_id for f in records})
        if len(clients) < limit:
            continue
        for follow_up in records:
            message = say(
                "same-content",
                content=_short(follow_up.content),
                designer=designer or say("no-designer"),
                others=len(clients) - 1,
                clients=_others(clients, follow_up.client_id),
                limit=limit,
            )
            found.append(audit.record("same-content", follow_up, ("content",), message))
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHORT_CONTENT else text[:SHORT_CONTENT] + "…"


def _others(client_ids: list[str], own: str) -> str:
    """The other clients of a group, the first few by ID (not the whole group:
    a note used for hundreds of clients would make every message huge)."""
    shown = [c for c in client_ids[: LISTED_CLIENTS + 1] if c != own]
    shown = shown[:LISTED_CLIENTS]
    if len(client_ids) - 1 <= LISTED_CLIENTS:
        return "、".join(shown)
    return say("more-clients", shown="、".join(shown), count=len(client_ids) - 1)


def other_designer(audit: Audit) -> list[Suspect]:
    found = []
    for follow_up in audit.book.follow_ups:
        client = audit.client_of(follow_up)
        if client is None or not follow_up.designer or not client.designer:
            continue
        if follow_up.designer == client.designer or _before_assignment(
            follow_up, client
        ):
            continue
        if not audit.touches_month(follow_up):
            continue
        message = say(
            "other-designer", recorded=follow_up.designer, designer=client.designer
        )
        suspect = audit.record("other-designer", follow_up, ("designer",), message)
        client_cell = audit.cell(layout.CLIENTS, client.row, "designer")
        found.append(_with_cell(suspect, client_cell))
    return found


def _before_assignment(follow_up: FollowUp, client: Client) -> bool:
    return client.assigned_date is not None and follow_up.date < client.assigned_date


def _with_cell(suspect: Suspect, cell: str) -> Suspect:
    return replace(suspect, cells=(*suspect.cells, cell))


def before_assignment(audit: Audit) -> list[Suspect]:
    found = []
    for follow_up in audit.book.follow_ups:
        client = audit.client_of(follow_up)
        if client is None or not _before_assignment(follow_up, client):
            continue
        if follow_up.designer and follow_up.designer != client.designer:
            continue  # the previous designer's history
        if not audit.touches_month(follow_up):
            continue
        message = say(
            "before-assignment",
            date=follow_up.date.isoformat(),
            assigned=client.assigned_date.isoformat(),
        )
        suspect = audit.record("before-assignment", follow_up, ("date",), message)
        client_cell = audit.cell(layout.CLIENTS, client.row, "assigned_date")
        found.append(_with_cell(suspect, client_cell))
    return found


def future(audit: Audit) -> list[Suspect]:
    found = []
    for follow_up in audit.book.follow_ups:
        entered = follow_up.entered_at
        day = follow_up.date.isoformat()
        if follow_up.date > audit.as_of:
            message = say("future", date=day, as_of=audit.as_of.isoformat())
            found.append(audit.record("future", follow_up, ("date",), message))
        elif (
            entered is not None
            and entered.date() < follow_up.date
            and audit.touches_month(follow_up)
        ):
            message = say("future-before-entry", date=day, entered=_moment(entered))
            found.append(
                audit.record("future", follow_up, ("date", "entered_at"), message)
            )
    return found


def stale_last_follow_up(audit: Audit) -> list[Suspect]:
    shown_on = {
        client.client_id: client
        for client in audit.clients.values()
        if not is_blank(client.last_follow_up_shown)
    }
    if not shown_on:
        return []  # the status columns were never refreshed
    record_days, latest = _client_days(audit, shown_on)
    found = []
    for client in shown_on.values():
        shown = client.last_follow_up_shown
        day = as_date(shown)
        if isinstance(day, dt.date):
            if day.toordinal() in record_days.get(client.client_id, ()):
                continue
            message = say(
                "stale-no-record",
                shown=day.isoformat(),
                as_of=audit.as_of.isoformat(),
                latest=_latest_text(latest.get(client.client_id)),
            )
        else:
            message = say("stale-not-a-date", shown=as_text(shown))
        cells = [audit.cell(layout.CLIENTS, client.row, "last_follow_up")]
        if client.client_id in latest:
            cells.append(
                audit.cell(layout.FOLLOW_UPS, latest[client.client_id].row, "date")
            )
        found.append(
            Suspect(
                "stale-last-follow-up",
                client.client_id,
                client.designer,
                tuple(cells),
                message,
                client.row,
            )
        )
    return found


def _client_days(audit: Audit, clients: dict[str, Client]) -> tuple[dict, dict]:
    """Every day the log has a record of each of these clients, and each one's
    latest record that counts (on or after the 分配日期, not after the check day)."""
    record_days: dict[str, set[int]] = defaultdict(set)
    latest: dict[str, FollowUp] = {}
    for follow_up in audit.book.follow_ups:
        client = clients.get(follow_up.client_id)
        if client is None:
            continue
        record_days[follow_up.client_id].add(follow_up.date.toordinal())
        if follow_up.date > audit.as_of or _before_assignment(follow_up, client):
            continue
        known = latest.get(follow_up.client_id)
        if known is None or follow_up.date >= known.date:
            latest[follow_up.client_id] = follow_up
    return record_days, latest


def _latest_text(follow_up: FollowUp | None) -> str:
    if follow_up is None:
        return say("latest-none")
    return say("latest", date=follow_up.date.isoformat())
