"""Turn a sheet's rows of cell values into typed records and problems.

The rows come from whichever program opened the file — python-calamine in the
checker, xlwings inside Excel in the add-in — as rows starting at cell A1 (any
iterable of lists; blanks as None or ""). Columns are found by their header, so
their order does not matter and extra columns are left alone.

Each column is read by a small function made once per sheet (`Table.reader`):
the follow-up log can hold a million rows, so the per-cell path is kept short
and values that repeat (IDs, names, dates) are converted once.
Standard library only (the Lite bundle carries it).
"""

from __future__ import annotations

import datetime as dt
from itertools import chain, islice

from workbook import layout
from workbook.problems import cell_name, problem
from workbook.records import Book, Client, Finding, FollowUp, Person, Rules
from workbook.values import (
    Bad,
    as_date,
    as_datetime,
    as_id,
    as_name,
    as_number,
    as_person,
    as_text,
    as_yes_no,
    error_value,
    fold,
    is_blank,
)

# People put a title or a blank line above the header; look this far down for it.
HEADER_SEARCH_ROWS = 20


def _checked(value, convert):
    """convert(value), after the values no conversion can use: a formula
    without its result (a Bad put there by the reader), or an Excel error."""
    kind = value.__class__
    if kind is Bad:
        return value
    if kind is str and value.lstrip()[:1] == "#" and error_value(value):
        return Bad("error-value")
    return convert(value)


def _choice_of(choices: tuple):
    def convert(value):
        name = as_name(value)
        if name and name not in choices:
            return Bad("bad-choice")
        return name

    return convert


def _absent(row, number):
    return None


class Table:
    """A sheet's rows with the position of each known column."""

    def __init__(self, sheet: layout.Sheet, rows, problems: list):
        self.sheet = sheet
        self.problems = problems
        # ((top, left), (bottom, right)), 0-based, when the reader knows them.
        self.merged = getattr(rows, "merged_ranges", None) or ()
        iterator = iter(rows)
        self.head = list(islice(iterator, HEADER_SEARCH_ROWS))
        self.rest = iterator
        self.header_row, self.columns = self._find_header()

    def _find_header(self) -> tuple[int | None, dict]:
        wanted = {fold(column.header): column.key for column in self.sheet.columns}
        best_row, best_hits = None, 0
        for index, row in enumerate(self.head):
            hits = sum(1 for value in row if _header_key(value, wanted))
            if hits > best_hits:
                best_row, best_hits = index, hits
        if best_row is None:
            return None, {}
        return best_row, self._map_columns(self.head[best_row], best_row, wanted)

    def _map_columns(self, header: list, row_index: int, wanted: dict) -> dict:
        columns: dict[str, int] = {}
        for index, value in enumerate(header):
            key = _header_key(value, wanted)
            if key is None:
                continue
            if key in columns:
                first = cell_name(row_index + 1, columns[key] + 1)
                here = cell_name(row_index + 1, index + 1)
                shown = as_text(value)
                self.problems.append(
                    problem(
                        "duplicate-header",
                        self.sheet.name,
                        here,
                        shown,
                        header=shown,
                        extra=first,
                    )
                )
                continue
            columns[key] = index
        return columns

    def require(self, *keys: str, money: tuple = ()) -> bool:
        """Report missing columns; True when the sheet can be read at all.

        Columns in `money` can be done without, but their absence changes what
        is charged, so it is an error and not a reminder."""
        if self.header_row is None:
            header = self.sheet.columns[0].header
            self.problems.append(
                problem("no-header", self.sheet.name, "A1", header=header)
            )
            return False
        usable = True
        for column in self.sheet.columns:
            if column.key in self.columns or column.kind == "computed":
                continue
            required = column.key in keys
            serious = required or column.key in money
            code = "missing-column" if serious else "missing-column-optional"
            header_cell = cell_name(self.header_row + 1, 1)
            self.problems.append(
                problem(code, self.sheet.name, header_cell, header=column.header)
            )
            usable = usable and not required
        return usable

    def data_rows(self):
        """(sheet row number, row) for every row below the header with a value
        in any known column."""
        if self.header_row is None:
            return
        indices = tuple(self.columns.values())
        number = self.header_row + 1
        rows = chain(self.head[self.header_row + 1 :], self.rest)
        if self.merged:
            rows = marked_merges(rows, self.merged, number, self._input_columns())
        for row in rows:
            number += 1
            width = len(row)
            for index in indices:
                if index < width:
                    value = row[index]
                    # is_blank, inlined: this runs for every row of the log.
                    if (
                        value is not None
                        and value != ""
                        and (value.__class__ is not str or value.strip())
                    ):
                        yield number, row
                        break

    def _input_columns(self) -> list[int]:
        """Indices of the known columns that are read as input."""
        return sorted(
            index
            for key, index in self.columns.items()
            if self.sheet.column(key).kind != "computed"
        )

    def cell(self, key: str, number: int) -> str:
        index = self.columns.get(key)
        return cell_name(number, index + 1) if index is not None else f"A{number}"

    def raw(self, key: str):
        """A function giving the cell of this column in a row, as found."""
        index = self.columns.get(key)
        if index is None:
            return _absent
        return lambda row, number: row[index] if index < len(row) else None

    def report(self, code: str, key: str, number: int, value="", extra="") -> None:
        header = self.sheet.column(key).header
        self.problems.append(
            problem(code, self.sheet.name, self.cell(key, number), value, header, extra)
        )

    def reader(self, key: str, convert, cached: bool = True, ready: tuple = ()):
        """A function (row, number) -> the converted cell, or None after
        reporting why the cell cannot be used. Values of a type in `ready`
        are used as they are."""
        index = self.columns.get(key)
        if index is None:
            return _absent
        cache: dict = {}
        choices = self.sheet.column(key).choices
        extra = "、".join(choices)

        def read(row, number):
            value = row[index] if index < len(row) else None
            if value.__class__ in ready:
                return value
            if cached:
                # Text is its own key; other types carry their type, because
                # True, 1 and 1.0 are one key in a dict.
                marker = value if value.__class__ is str else (value.__class__, value)
                try:
                    result = cache[marker]
                except KeyError:
                    result = cache[marker] = _checked(value, convert)
                except TypeError:
                    result = _checked(value, convert)
            else:
                result = _checked(value, convert)
            if result.__class__ is Bad:
                self._report_bad(key, number, value, result, extra)
                return None
            return result

        return read

    def _report_bad(self, key: str, number: int, value, bad: Bad, choices: str):
        if value.__class__ is Bad:
            # Put in the cell by the reader, which knows what to show.
            self.report(bad.code, key, number, bad.value, bad.extra)
            return
        extra = choices if bad.code == "bad-choice" else ""
        self.report(bad.code, key, number, as_text(value), extra)

    def text(self, key: str):
        """A reader for free text: kept as typed, trimmed."""
        index = self.columns.get(key)
        if index is None:
            return lambda row, number: ""
        slow = self.reader(key, as_text, cached=False)

        def read(row, number):
            value = row[index] if index < len(row) else None
            if value.__class__ is str and value[:1] != "#":
                return value.strip()
            return slow(row, number) or ""

        return read

    def name(self, key: str):
        read = self.reader(key, as_person)
        return lambda row, number: read(row, number) or ""

    def choice(self, key: str, default: str = ""):
        read = self.reader(key, _choice_of(self.sheet.column(key).choices))
        return lambda row, number: read(row, number) or default


def marked_merges(rows, merged, first: int, columns: list[int]):
    """The rows, with Bad("merged-cell") in each blank cell that a merge covers
    below its top-left cell, in the given columns of rows that hold data.

    People merge a 设计师 or a 跟踪日期 over the rows it applies to, but the
    value lives in the top-left cell only: Excel's sort and filter, xlwings and
    this reader all see the cells below it as blank. Saying so on each of them
    beats a bare "为空". first is the 0-based index of the first row given.
    """
    starting: dict[int, list] = {}
    for (top, left), (bottom, right) in merged:
        if top >= first and bottom > top:
            starting.setdefault(top, []).append((left, right, bottom))
    active: list[tuple] = []  # (left, right, bottom, A1 range) below a value
    for index, row in enumerate(rows, start=first):
        if active:
            active = [merge for merge in active if merge[2] >= index]
            row = _cover(row, active, columns)
        for left, right, bottom in starting.get(index, ()):
            if left < len(row) and not is_blank(row[left]):
                span = _range_name(index, left, bottom, right)
                active.append((left, right, bottom, span))
        yield row


def _range_name(top: int, left: int, bottom: int, right: int) -> str:
    """A1:B2 name of a range given by 0-based indices."""
    return f"{cell_name(top + 1, left + 1)}:{cell_name(bottom + 1, right + 1)}"


def _cover(row, active: list[tuple], columns: list[int]):
    def span_of(index):
        for left, right, _bottom, span in active:
            if left <= index <= right:
                return span
        return None

    width = len(row)
    spans = {index: span_of(index) for index in columns}
    has_data = any(
        span is None and index < width and not is_blank(row[index])
        for index, span in spans.items()
    )
    if not has_data:
        return row  # a merge reaching below the data is not a row of its own
    row = list(row) + [None] * max(0, max(columns) + 1 - width)
    for index, span in spans.items():
        if span is not None and is_blank(row[index]):
            row[index] = Bad("merged-cell", "", span)
    return row


def _header_key(value: object, wanted: dict) -> str | None:
    if not isinstance(value, str):
        return None
    return wanted.get(fold(value))


def _readable(raw):
    """A raw reader giving None, not the reader's Bad, for a cell that holds
    no value to look at (a formula without its result)."""

    def read(row, number):
        value = raw(row, number)
        return None if value.__class__ is Bad else value

    return read


# Client columns whose absence changes the fines: without them every client is
# judged as if the cell were blank on every row.
MONEY_COLUMNS = (
    "handover_date",
    "assigned_date",
    "long_term",
    "long_term_since",
    "status",
    "closed_date",
)


def read_clients(rows, problems: list) -> tuple[list[Client], dict]:
    table = Table(layout.CLIENT_SHEET, rows, problems)
    if not table.require("client_id", "designer", money=MONEY_COLUMNS):
        return [], table.columns
    client_id, raw_id = table.reader("client_id", as_id), table.raw("client_id")
    name, estate, room, phone = (
        table.text(key) for key in ("name", "estate", "room", "phone")
    )
    handover, assigned, since, closed = (
        table.reader(key, as_date)
        for key in ("handover_date", "assigned_date", "long_term_since", "closed_date")
    )
    designer, specialist = table.name("designer"), table.name("specialist")
    raw_designer = table.raw("designer")
    long_term = table.reader("long_term", as_yes_no)
    status = table.choice("status", layout.STATUS_ACTIVE)
    last_shown = _readable(table.raw("last_follow_up"))

    clients = []
    for number, row in table.data_rows():
        found_id = client_id(row, number)
        if found_id is None:
            if is_blank(raw_id(row, number)):
                table.report("missing-id", "client_id", number)
            continue
        client = Client(
            client_id=found_id,
            row=number,
            name=name(row, number),
            estate=estate(row, number),
            room=room(row, number),
            handover_date=handover(row, number),
            designer=designer(row, number),
            specialist=specialist(row, number),
            assigned_date=assigned(row, number),
            long_term=bool(long_term(row, number)),
            long_term_since=since(row, number),
            status=status(row, number),
            closed_date=closed(row, number),
            last_follow_up_shown=last_shown(row, number),
            phone=phone(row, number),
        )
        if not client.designer and is_blank(raw_designer(row, number)):
            table.report("missing-value", "designer", number)
        clients.append(client)
    return clients, table.columns


def read_follow_ups(rows, problems: list) -> tuple[list[FollowUp], dict]:
    table = Table(layout.FOLLOW_UP_SHEET, rows, problems)
    if not table.require("date", "client_id"):
        return [], table.columns
    date, raw_date = table.reader("date", as_date), table.raw("date")
    client_id, raw_id = table.reader("client_id", as_id), table.raw("client_id")
    record_id = table.reader("record_id", as_id, cached=False)
    entered_at = table.reader(
        "entered_at", as_datetime, cached=False, ready=(dt.datetime,)
    )
    content = table.text("content")
    designer = table.name("designer")
    method, source = table.choice("method"), table.choice("source")

    follow_ups = []
    for number, row in table.data_rows():
        day, found_id = date(row, number), client_id(row, number)
        if day is None and is_blank(raw_date(row, number)):
            table.report("missing-value", "date", number)
        if found_id is None and is_blank(raw_id(row, number)):
            table.report("missing-id", "client_id", number)
        if day is None or found_id is None:
            continue
        follow_ups.append(
            FollowUp(
                row=number,
                date=day,
                client_id=found_id,
                record_id=record_id(row, number) or "",
                entered_at=entered_at(row, number),
                designer=designer(row, number),
                method=method(row, number),
                content=content(row, number),
                source=source(row, number),
            )
        )
    return follow_ups, table.columns


def read_staff(rows, problems: list) -> tuple[dict[str, Person], dict]:
    table = Table(layout.STAFF_SHEET, rows, problems)
    if not table.require("name"):
        return {}, table.columns
    name, superior = table.name("name"), table.name("superior")
    raw_name = table.raw("name")
    role, department = table.choice("role"), table.text("department")
    active = table.reader("active", as_yes_no)

    staff: dict[str, Person] = {}
    for number, row in table.data_rows():
        person = name(row, number)
        if not person:
            if is_blank(raw_name(row, number)):
                table.report("missing-value", "name", number)
            continue
        if person in staff:
            first = table.cell("name", staff[person].row)
            table.report("duplicate-person", "name", number, person, first)
            continue
        working = active(row, number)
        staff[person] = Person(
            name=person,
            row=number,
            role=role(row, number),
            department=department(row, number),
            superior=superior(row, number),
            active=True if working is None else working,
        )
    return staff, table.columns


def read_findings(rows, problems: list) -> tuple[list[Finding], dict]:
    table = Table(layout.FINDING_SHEET, rows, problems)
    if not table.require("verified_date", "verified"):
        return [], table.columns
    verified_date, raw_date = (
        table.reader("verified_date", as_date),
        table.raw("verified_date"),
    )
    verified = table.reader("verified", as_yes_no)
    client_id = table.reader("client_id", as_id)
    specialist, verifier = table.name("specialist"), table.name("verifier")
    kind, description = table.choice("kind"), table.text("description")

    findings = []
    for number, row in table.data_rows():
        finding = Finding(
            row=number,
            verified_date=verified_date(row, number),
            client_id=client_id(row, number) or "",
            specialist=specialist(row, number),
            kind=kind(row, number),
            description=description(row, number),
            verifier=verifier(row, number),
            verified=bool(verified(row, number)),
        )
        if (
            finding.verified
            and finding.verified_date is None
            and is_blank(raw_date(row, number))
        ):
            table.report("finding-without-date", "verified_date", number)
        findings.append(finding)
    return findings, table.columns


def read_rules(rows, problems: list) -> Rules:
    """The 规则 sheet; a missing sheet or row means its default, with a warning."""
    defaults = Rules()
    if rows is None:
        problems.append(
            problem("missing-sheet-default", layout.RULES, "", extra=layout.RULES)
        )
        return defaults
    table = Table(layout.RULES_SHEET, rows, problems)
    if not table.require("name", "value"):
        return defaults
    by_name = {fold(p.name): p for p in layout.RULE_PARAMETERS}
    name, value = table.text("name"), table.raw("value")

    values, seen = {}, {}
    for number, row in table.data_rows():
        parameter = by_name.get(fold(name(row, number)))
        if parameter is None:
            table.report("unknown-rule", "name", number, name(row, number))
            continue
        if parameter.key in seen:
            table.report(
                "duplicate-rule", "name", number, parameter.name, seen[parameter.key]
            )
            continue
        seen[parameter.key] = table.cell("name", number)
        values[parameter.key] = _rule_value(
            table, parameter, number, value(row, number)
        )
    for parameter in layout.RULE_PARAMETERS:
        if parameter.key not in seen:
            problems.append(
                problem(
                    "missing-rule",
                    layout.RULES,
                    "",
                    _shown_default(parameter.default),
                    header=parameter.name,
                )
            )
    usable = {key: found for key, found in values.items() if found is not None}
    return defaults.replace(**usable)


def _shown_default(value) -> str:
    if value is None:
        return "（空白）"
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    return str(value)


# Upper limits keep the dates the rules compute inside what a date can hold; each
# is far beyond any sensible setting (the policy's own values are 3 to 50).
RULE_LIMITS = {
    # kind: (smallest allowed, largest allowed, what to write instead)
    "days": (1, 365, "请填写 1 到 365 之间的整数天数"),
    "months": (1, 24, "请填写 1 到 24 之间的整数月数"),
    "days0": (0, 365, "请填写 0 到 365 之间的整数天数"),
    "count": (1, 10000, "请填写 1 到 10000 之间的整数"),
    "minutes": (1, 1440, "请填写 1 到 1440 之间的整数分钟数"),
    "yuan": (0, 10000, "请填写 0 到 10000 之间的金额"),
}


def _rule_value(table: Table, parameter: layout.RuleParameter, number: int, raw):
    """The typed value of one rule row; None (after an error) keeps the default."""
    unreadable = _checked(raw, _unchanged)
    if unreadable.__class__ is Bad:
        return _unreadable_rule(table, parameter, number, raw, unreadable)
    if parameter.kind == "date":
        if is_blank(raw):
            return None
        day = _checked(raw, as_date)
        if day.__class__ is Bad:
            return _bad_rule(
                table,
                parameter,
                number,
                raw,
                "请按 2026-11-03 的格式填写日期，或留空表示不限",
            )
        return day
    if is_blank(raw):
        return _bad_rule(table, parameter, number, raw, "值为空，请填写")
    if parameter.kind == "yes_no":
        answer = _checked(raw, as_yes_no)
        if answer.__class__ is Bad:
            return _bad_rule(table, parameter, number, raw, "请填写“是”或“否”")
        return answer
    return _rule_number(table, parameter, number, raw)


def _rule_number(table: Table, parameter, number: int, raw):
    smallest, largest, reason = RULE_LIMITS[parameter.kind]
    amount = _checked(raw, as_number)
    whole_only = parameter.kind != "yuan"
    if (
        amount.__class__ is Bad
        or not smallest <= amount <= largest
        or (whole_only and not amount.is_integer())
    ):
        return _bad_rule(table, parameter, number, raw, reason)
    return int(amount) if amount.is_integer() else round(amount, 2)


def _unchanged(value):
    return value


def _unreadable_rule(table: Table, parameter, number: int, raw, bad: Bad) -> None:
    """A rule value that is an error value, a formula without its result or
    part of a merged cell: reported as such, under the parameter's name."""
    shown = bad.value if raw.__class__ is Bad else as_text(raw)
    table.problems.append(
        problem(
            bad.code,
            layout.RULES,
            table.cell("value", number),
            shown,
            header=parameter.name,
            extra=bad.extra,
        )
    )
    return None


def _bad_rule(table: Table, parameter, number: int, raw, reason) -> None:
    shown = "" if raw.__class__ is Bad else as_text(raw)
    table.problems.append(
        problem(
            "bad-rule",
            layout.RULES,
            table.cell("value", number),
            shown,
            header=parameter.name,
            extra=reason,
        )
    )
    return None


def read_book(sheets) -> Book:
    """Build a Book from a mapping {sheet name: rows}; missing sheets are reported."""
    book = Book()
    # Looked up by folded name, and fetched only when needed: a reader may
    # load each sheet lazily.
    names = {fold(name): name for name in sheets}

    def rows_of(name: str, required: bool):
        if fold(name) in names:
            return sheets[names[fold(name)]]
        if required:
            book.problems.append(problem("missing-sheet", name, "", extra=name))
        return None

    clients = rows_of(layout.CLIENTS, True)
    if clients is not None:
        book.clients, book.columns[layout.CLIENTS] = read_clients(
            clients, book.problems
        )
    follow_ups = rows_of(layout.FOLLOW_UPS, True)
    if follow_ups is not None:
        book.follow_ups, book.columns[layout.FOLLOW_UPS] = read_follow_ups(
            follow_ups, book.problems
        )
    staff = rows_of(layout.STAFF, True)
    if staff is not None:
        book.staff, book.columns[layout.STAFF] = read_staff(staff, book.problems)
    book.rules = read_rules(rows_of(layout.RULES, False), book.problems)
    findings = rows_of(layout.FINDINGS, False)
    if findings is None:
        book.problems.append(
            problem("missing-sheet-default", layout.FINDINGS, "", extra=layout.FINDINGS)
        )
    else:
        book.findings, book.columns[layout.FINDINGS] = read_findings(
            findings, book.problems
        )
    return book
