"""What the add-in's buttons do, for any xlwings engine: each action takes the
workbook (`book: xw.Book`) and shows its result, or its refusal, in a message box.

- `log_follow_up` appends one row to the 跟踪记录 table for the client selected
  on the 客户 sheet and rewrites that client's status cells.
- `refresh_status` recomputes the status columns of every client as of today.
- `filter_overdue` refreshes, then filters the 客户 table to 逾期 and 今日到期
  (and to one designer when given); `clear_filter` removes the filter again.

A client's status depends only on its last follow-up, so the actions read it
from the client row's 上次跟踪 and never read the 跟踪记录 log: in xlwings Lite a
script's sheets travel to Python in one payload, and a large log would make
every click slow or fail. Logging keeps 上次跟踪 current; the monthly checker
recomputes everything from the log and reports where the two disagree.

Record IDs (记录编号) are ``R<entry date>-<entry time>-<client ID>``, for example
``R20261103-143015-1001``, built from the entry time stamped by the tool and
the client the follow-up is for. Two designers logging at nearly the same moment
get different IDs unless they log the same client in the same second, and no
counter or snapshot of the log is needed (reading the log's last ID would be
both a big read and a race). Even then both rows are kept: rows are appended
with `table.rows.add()`, which inserts a row rather than writing into one.

Reads and writes are in blocks: a refresh reads the 客户 table body and the 规则
table once each and writes the status columns in one write per block of
adjacent status columns (one block in the template), plus the refresh time, so
the number of calls does not grow with the number of clients.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import xlwings as xw

from addin import messages
from addin.excel import (
    Refusal,
    TableArea,
    announce,
    cell_text,
    column_runs,
    excel_serial,
    find_sheet,
    id_cell,
    read_block,
    read_body,
    read_sheet_rows,
    require_columns,
    table_area,
)
from checker.rules import client_status, clock_start
from workbook import layout
from workbook.parse import read_clients, read_rules
from workbook.records import Client, Rules
from workbook.values import as_date, as_name, fold, is_blank

CLIENT_TABLE = layout.CLIENT_SHEET
FOLLOW_UP_TABLE = layout.FOLLOW_UP_SHEET
STATUS_DATE_KEYS = ("last_follow_up", "deadline")
CLOSED_STATUSES = (layout.STATUS_SIGNED, layout.STATUS_LOST)


@dataclass(frozen=True)
class Outcome:
    """What an action did: whether it went ahead, and the message it showed."""

    done: bool
    message: str


def current_time() -> dt.datetime:
    """Now, to the second: 记录时间 and the refresh time come from here."""
    return dt.datetime.now().replace(microsecond=0)


def _run(book: xw.Book, work) -> Outcome:
    """Do the work and show its message; a refusal is shown instead and changes
    nothing, because every check comes before the first write."""
    try:
        message = work()
    except Refusal as refusal:
        announce(book, str(refusal), refused=True)
        return Outcome(False, str(refusal))
    announce(book, message)
    return Outcome(True, message)


def _clock(now, today) -> tuple[dt.datetime, dt.date]:
    now = now or current_time()
    return now, today or now.date()


# 记录跟踪


def log_follow_up(
    book: xw.Book,
    method: str,
    content: str,
    date: dt.date | str | None = None,
    next_plan: str | None = "",
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """Append a follow-up for the selected client and recolour its row."""
    now, today = _clock(now, today)
    return _run(
        book, lambda: _log(book, method, content, date, next_plan or "", now, today)
    )


def _log(book, method, content, date, next_plan, now, today) -> str:
    clients = table_area(book, CLIENT_TABLE)
    require_columns(
        clients, CLIENT_TABLE, ("client_id", "designer", *layout.STATUS_KEYS)
    )
    row = selected_row(book, clients)
    client, row_problems = read_selected_client(clients, row)
    rules, rule_warnings = read_rules_sheet(book)

    method = checked_method(method)
    content = checked_content(content)
    day = checked_day(date, today)
    refuse_closed(client, clients, row)
    refuse_incomplete(client, clients, row, rules, today)
    refuse_before_assignment(client, day, clients, row)

    follow_ups = table_area(book, FOLLOW_UP_TABLE)
    require_columns(
        follow_ups, FOLLOW_UP_TABLE, [c.key for c in FOLLOW_UP_TABLE.columns]
    )

    # Append first: if Excel cannot add the row, the status stays as it was.
    entry = follow_up_entry(client, method, content, day, next_plan, now)
    follow_ups.table.rows.add(entry_values(follow_ups, entry))

    shown = usable_days(client, [client.last_follow_up_shown, day], today)
    status = client_status(client, shown, rules, today)
    write_statuses(clients, row, [status_cells(status)])

    lines = [
        messages.say(
            "logged",
            client=client_label(client),
            day=day.isoformat(),
            method=method,
        ),
        next_step(status, rules),
    ]
    if (today - day).days > rules.backfill_days:
        lines.append(messages.say("backfilled", days=(today - day).days))
    lines.extend(warning_lines(row_problems + rule_warnings))
    return "\n".join(lines)


def selected_row(book: xw.Book, clients: TableArea) -> int:
    """The sheet row of the one 客户 data row the designer selected."""
    button = messages.BUTTON_LOG
    try:
        selection = book.selection
    except Exception:  # Lite cannot describe every selection (e.g. several areas)
        selection = None
    if selection is None:
        raise Refusal(messages.say("no-selection", sheet=layout.CLIENTS, button=button))
    if fold(selection.sheet.name) != fold(clients.sheet.name):
        raise Refusal(
            messages.say("not-clients-sheet", sheet=layout.CLIENTS, button=button)
        )
    address = selection.address.replace("$", "")
    if "," in address:
        raise Refusal(messages.say("several-areas", button=button))
    rows, columns = selection.shape
    if rows != 1:
        raise Refusal(
            messages.say("several-rows", count=rows, cells=address, button=button)
        )
    inside_columns = (
        selection.column <= clients.last_column
        and selection.column + columns - 1 >= clients.first_column
    )
    if not (clients.holds_body_row(selection.row) and inside_columns):
        raise Refusal(messages.say("outside-table", cell=address, button=button))
    return selection.row


def read_selected_client(clients: TableArea, row: int) -> tuple[Client, list]:
    """The client on one sheet row (one read), with the problems of its cells."""
    values = read_block(clients.row_range(row, 0, len(clients.headers) - 1))[0]
    problems: list = []
    parsed, _ = read_clients(clients.parse_rows([values], row), problems)
    if not parsed:
        cell = clients.cell(row, CLIENT_TABLE.column("client_id").header)
        raise Refusal(messages.say("no-client-id", row=row, cell=cell))
    digits = str(row)
    in_row = [p for p in problems if re.sub(r"\D", "", p.cell) == digits]
    return parsed[0], in_row


def read_rules_sheet(book: xw.Book) -> tuple[Rules, list]:
    """The 规则 sheet (one read); an unusable value stops the action, because
    a silent default could mark the wrong clients overdue."""
    problems: list = []
    sheet = find_sheet(book, layout.RULES)
    rows = None if sheet is None else read_sheet_rows(sheet, layout.RULES_SHEET)
    rules = read_rules(rows, problems)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise Refusal(
            messages.say("bad-rules", problems=messages.problem_lines(errors))
        )
    return rules, problems


def checked_method(method: str) -> str:
    name = as_name(method)
    if name not in layout.METHODS:
        raise Refusal(
            messages.say("bad-method", value=method, choices="、".join(layout.METHODS))
        )
    return name


def checked_content(content: str) -> str:
    text = (content or "").strip()
    if not text:
        raise Refusal(messages.say("empty-content", button=messages.BUTTON_LOG))
    return text


def checked_day(date, today: dt.date) -> dt.date:
    """跟踪日期: today when left empty; never after today."""
    day = today if is_blank(date) else as_date(date)
    if not isinstance(day, dt.date):
        raise Refusal(messages.say("bad-date", value=date))
    if day > today:
        raise Refusal(
            messages.say("future-date", day=day.isoformat(), today=today.isoformat())
        )
    return day


def refuse_closed(client: Client, clients: TableArea, row: int) -> None:
    if client.status in CLOSED_STATUSES:
        raise Refusal(
            messages.say(
                "closed-client",
                client=client_label(client),
                status=client.status,
                cell=clients.cell(row, CLIENT_TABLE.column("status").header),
            )
        )


def refuse_incomplete(
    client: Client, clients: TableArea, row: int, rules: Rules, today: dt.date
) -> None:
    """资料不全: no designer, or neither 分配日期 nor 上次跟踪 to start the clock."""
    if not client.designer:
        raise Refusal(
            messages.say(
                "no-designer",
                client=client_label(client),
                cell=clients.cell(row, CLIENT_TABLE.column("designer").header),
            )
        )
    shown = usable_days(client, [client.last_follow_up_shown], today)
    if clock_start(client, shown, rules) is None:
        raise Refusal(
            messages.say(
                "incomplete-client",
                client=client_label(client),
                cell=clients.cell(row, CLIENT_TABLE.column("assigned_date").header),
            )
        )


def refuse_before_assignment(
    client: Client, day: dt.date, clients: TableArea, row: int
) -> None:
    if client.assigned_date is not None and day < client.assigned_date:
        raise Refusal(
            messages.say(
                "before-assignment",
                day=day.isoformat(),
                client=client_label(client),
                assigned=client.assigned_date.isoformat(),
                cell=clients.cell(row, CLIENT_TABLE.column("assigned_date").header),
            )
        )


def record_id(client: Client, now: dt.datetime) -> str:
    """R<entry date>-<entry time>-<client ID>; see the module docstring."""
    return f"R{now:%Y%m%d-%H%M%S}-{client.client_id}"


def follow_up_entry(client, method, content, day, next_plan, now) -> dict:
    """The new 跟踪记录 row by column key, as cell values rows.add() accepts."""
    return {
        "record_id": cell_text(record_id(client, now)),
        "entered_at": excel_serial(now),
        "date": excel_serial(day),
        "client_id": id_cell(client.client_id),
        "client_name": cell_text(client.name) or None,
        "designer": cell_text(client.designer),
        "method": method,
        "content": cell_text(content),
        "next_plan": cell_text(next_plan.strip()) or None,
        "source": layout.SOURCE_ADDIN,
    }


def entry_values(follow_ups: TableArea, entry: dict) -> list:
    """The entry in the table's own column order; extra columns stay empty."""
    keys = {fold(column.header): column.key for column in FOLLOW_UP_TABLE.columns}
    return [entry.get(keys.get(fold(header))) for header in follow_ups.headers]


def next_step(status, rules: Rules) -> str:
    """What the designer must do next, from the client's new status."""
    deadline = status.deadline.isoformat() if status.deadline else ""
    if status.state == layout.OVERDUE:
        return messages.say(
            "still-overdue", days=status.days_overdue, deadline=deadline
        )
    if status.state == layout.DUE_TODAY:
        return messages.say("still-due-today", deadline=deadline)
    return messages.say(
        "next-deadline",
        deadline=deadline,
        category=status.category,
        interval=interval_text(status.category, rules),
    )


def interval_text(category: str, rules: Rules) -> str:
    if category == layout.LONG_TERM:
        return messages.INTERVAL_MONTHS.format(count=rules.interval_long_term_months)
    days = {
        layout.HANDED_OVER: rules.interval_handed_over,
        layout.HANDOVER_SOON: rules.interval_handover_soon,
        layout.OFF_PLAN: rules.interval_off_plan,
    }[category]
    return messages.INTERVAL_DAYS.format(count=days)


def client_label(client: Client) -> str:
    return f"{client.client_id} {client.name}".strip()


def warning_lines(problems: list) -> list[str]:
    if not problems:
        return []
    return [messages.say("warnings", problems=messages.problem_lines(problems))]


# Status cells


def usable_days(client: Client, shown: list, today: dt.date) -> list[int]:
    """Follow-up days that count, as the rules engine takes them: dates from
    上次跟踪 (and a new entry) on or after 分配日期 and not after today. The
    checker counts the log the same way."""
    days = set()
    for value in shown:
        day = as_date(value)
        if not isinstance(day, dt.date) or day > today:
            continue
        if client.assigned_date is not None and day < client.assigned_date:
            continue
        days.add(day.toordinal())
    return sorted(days)


def status_cells(status) -> dict:
    """The five status cells of a client row, blank where there is nothing."""
    return {
        "category": status.category or None,
        "last_follow_up": _as_datetime(status.last_follow_up),
        "deadline": _as_datetime(status.deadline),
        "days_overdue": status.days_overdue or None,
        "state": status.state,
    }


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    # Every engine writes a datetime as a real date; a plain date is not
    # converted the same way everywhere.
    return None if day is None else dt.datetime.combine(day, dt.time())


def status_positions(clients: TableArea) -> dict[str, int]:
    """0-based table positions of the status columns."""
    return {
        key: clients.field(CLIENT_TABLE.column(key).header) - 1
        for key in layout.STATUS_KEYS
    }


def write_statuses(clients: TableArea, first_row: int, rows: list[dict]) -> None:
    """Write status cells for consecutive sheet rows from first_row: one write
    per block of adjacent status columns, whatever the number of rows. The
    row colours follow from the template's conditional formatting on 跟踪状态."""
    positions = status_positions(clients)
    key_at = {index: key for key, index in positions.items()}
    last_row = first_row + len(rows) - 1
    for first, last in column_runs(positions.values()):
        keys = [key_at[index] for index in range(first, last + 1)]
        format_date_columns(clients, keys, first, first_row, last_row)
        block = clients.sheet.range(
            (first_row, clients.first_column + first),
            (last_row, clients.first_column + last),
        )
        block.value = [[cells.get(key) for key in keys] for cells in rows]


def format_date_columns(clients, keys, first, first_row, last_row) -> None:
    """Give the date columns of a block a date format before dates go in."""
    dated = [first + i for i, key in enumerate(keys) if key in STATUS_DATE_KEYS]
    for start, end in column_runs(dated):
        clients.sheet.range(
            (first_row, clients.first_column + start),
            (last_row, clients.first_column + end),
        ).number_format = layout.DATE_FORMAT


# 刷新逾期标记 and 筛选逾期


@dataclass
class Refresh:
    """Statuses computed for every row of the 客户 table, not yet written."""

    clients: TableArea
    body: list[list]
    rows: list[dict]
    rule_warnings: list
    counted: int

    def count(self, *states: str) -> int:
        return sum(1 for cells in self.rows if cells.get("state") in states)


def refresh_status(
    book: xw.Book, today: dt.date | None = None, now: dt.datetime | None = None
) -> Outcome:
    """Recompute and write the status columns of every client as of today."""
    now, today = _clock(now, today)

    def work() -> str:
        refresh = compute_refresh(book, today)
        note = write_refresh(book, refresh, now)
        return refresh_message(refresh, today, note)

    return _run(book, work)


def compute_refresh(book: xw.Book, today: dt.date) -> Refresh:
    """Read the 客户 table and the rules (one read each) and judge every row."""
    clients = table_area(book, CLIENT_TABLE)
    require_columns(
        clients, CLIENT_TABLE, ("client_id", "designer", *layout.STATUS_KEYS)
    )
    rules, rule_warnings = read_rules_sheet(book)
    body = read_body(clients)

    parsed, _ = read_clients(clients.parse_rows(body), [])
    by_row = {clients.sheet_row(client.row): client for client in parsed}
    status_indexes = set(status_positions(clients).values())
    rows = []
    for offset, values in enumerate(body):
        client = by_row.get(clients.first_body_row + offset)
        has_input = any(
            not is_blank(value)
            for index, value in enumerate(values)
            if index not in status_indexes
        )
        rows.append(row_status(client, has_input, rules, today))
    return Refresh(clients, body, rows, rule_warnings, len(parsed))


def row_status(client: Client | None, has_input: bool, rules, today) -> dict:
    """The status cells of one row: blank for an empty row, 资料不全 for a row
    that has data but no usable 客户编号."""
    if client is None:
        return {"state": layout.INCOMPLETE} if has_input else {}
    days = usable_days(client, [client.last_follow_up_shown], today)
    return status_cells(client_status(client, days, rules, today))


def write_refresh(book: xw.Book, refresh: Refresh, now: dt.datetime) -> str:
    """Write the status block and the refresh time; returns a note when the
    time had nowhere to go."""
    if refresh.rows:
        write_statuses(refresh.clients, refresh.clients.first_body_row, refresh.rows)
    guide = find_sheet(book, layout.REFRESH_NOTE_SHEET)
    if guide is None:
        return messages.say("no-refresh-note", sheet=layout.REFRESH_NOTE_SHEET)
    guide[layout.REFRESH_NOTE_CELL].value = now
    return ""


def refresh_message(refresh: Refresh, today: dt.date, note: str) -> str:
    lines = [
        messages.say(
            "refreshed",
            count=refresh.counted,
            today=today.isoformat(),
            overdue=refresh.count(layout.OVERDUE),
            due_today=refresh.count(layout.DUE_TODAY),
            due_soon=refresh.count(layout.DUE_SOON),
            incomplete=refresh.count(layout.INCOMPLETE),
        )
    ]
    if note:
        lines.append(note)
    lines.extend(warning_lines(refresh.rule_warnings))
    return "\n".join(lines)


def filter_overdue(
    book: xw.Book,
    designer: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """Refresh, then show only the 逾期 and 今日到期 rows (of one designer)."""
    now, today = _clock(now, today)

    def work() -> str:
        refresh = compute_refresh(book, today)
        shown_names = designer_texts(refresh, designer)
        write_refresh(book, refresh, now)
        count = apply_filter(refresh, shown_names)
        return filter_message(designer, count)

    return _run(book, work)


def designer_texts(refresh: Refresh, designer: str | None) -> list[str] | None:
    """The 设计师 cell texts that match the designer asked for (None: everyone).
    An unknown name is refused before anything is written."""
    wanted = as_name(designer)
    if not wanted:
        return None
    index = refresh.clients.field(CLIENT_TABLE.column("designer").header) - 1
    texts = {
        value if isinstance(value, str) else as_name(value)
        for value in (row[index] for row in refresh.body)
        if as_name(value) == wanted
    }
    if not texts:
        raise Refusal(messages.say("unknown-designer", designer=designer.strip()))
    return sorted(texts)


def apply_filter(refresh: Refresh, designer_texts: list[str] | None) -> int:
    """Filter the 客户 table on 跟踪状态 (and 设计师); returns the rows shown."""
    clients = refresh.clients
    autofilter = clients.table.autofilter
    state_field = clients.field(CLIENT_TABLE.column("state").header)
    designer_field = clients.field(CLIENT_TABLE.column("designer").header)
    autofilter.apply_values(state_field, list(layout.NEEDS_ACTION))
    if designer_texts is None:
        # Filters a manager set on other columns stay; only ours are replaced.
        autofilter.clear(designer_field)
    else:
        autofilter.apply_values(designer_field, designer_texts)

    wanted = set(designer_texts or ())
    return sum(
        1
        for values, cells in zip(refresh.body, refresh.rows, strict=True)
        if cells.get("state") in layout.NEEDS_ACTION
        and (designer_texts is None or values[designer_field - 1] in wanted)
    )


def filter_message(designer: str | None, count: int) -> str:
    who = (
        messages.say("filter-who", designer=designer.strip())
        if as_name(designer)
        else ""
    )
    code = "filtered" if count else "filtered-none"
    return messages.say(code, count=count, who=who, clear=messages.BUTTON_CLEAR)


# 清除筛选


def clear_filter(book: xw.Book) -> Outcome:
    """Remove every filter criterion from the 客户 table; all rows show again."""

    def work() -> str:
        table_area(book, CLIENT_TABLE).table.autofilter.clear()
        return messages.say("cleared")

    return _run(book, work)
