"""Turn a sheet's rows of cell values into typed records and problems.

The rows come from whichever program opened the file — python-calamine in the
checker, xlwings inside Excel in the add-in — as a list of rows starting at cell
A1. Columns are found by their header, so their order does not matter and extra
columns are left alone. Standard library only (the Lite bundle carries it).
"""

from __future__ import annotations

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
    as_text,
    as_yes_no,
    error_value,
    fold,
    is_blank,
)

# People put a title or a blank line above the header; look this far down for it.
HEADER_SEARCH_ROWS = 20


class Table:
    """A sheet's rows with the position of each known column."""

    def __init__(self, sheet: layout.Sheet, rows: list, problems: list):
        self.sheet = sheet
        self.rows = rows
        self.problems = problems
        self.header_row, self.columns = self._find_header()

    def _find_header(self) -> tuple[int, dict]:
        wanted = {fold(column.header): column.key for column in self.sheet.columns}
        best_row, best_hits = None, 0
        for index, row in enumerate(self.rows[:HEADER_SEARCH_ROWS]):
            hits = sum(1 for value in row if _header_key(value, wanted))
            if hits > best_hits:
                best_row, best_hits = index, hits
        if best_row is None:
            return None, {}
        return best_row, self._map_columns(self.rows[best_row], best_row, wanted)

    def _map_columns(self, header: list, row_index: int, wanted: dict) -> dict:
        columns: dict[str, int] = {}
        for index, value in enumerate(header):
            key = _header_key(value, wanted)
            if key is None:
                continue
            if key in columns:
                first = cell_name(row_index + 1, columns[key] + 1)
                self.problems.append(
                    problem(
                        "duplicate-header",
                        self.sheet.name,
                        cell_name(row_index + 1, index + 1),
                        as_text(value),
                        header=as_text(value),
                        extra=first,
                    )
                )
                continue
            columns[key] = index
        return columns

    def require(self, *keys: str) -> bool:
        """Report missing columns; True when the sheet can be read at all."""
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
            code = "missing-column" if required else "missing-column-optional"
            self.problems.append(
                problem(
                    code, self.sheet.name, self._header_cell(), header=column.header
                )
            )
            usable = usable and not required
        return usable

    def _header_cell(self) -> str:
        return cell_name(self.header_row + 1, 1)

    def records(self):
        """Yield a Cells reader for every data row that has any value."""
        if self.header_row is None:
            return
        for index in range(self.header_row + 1, len(self.rows)):
            row = self.rows[index]
            if any(not is_blank(row[i]) for i in self.columns.values() if i < len(row)):
                yield Cells(self, row, index + 1)


def _header_key(value: object, wanted: dict) -> str | None:
    if not isinstance(value, str):
        return None
    return wanted.get(fold(value))


class Cells:
    """One data row; each accessor converts a cell and reports what it cannot use."""

    def __init__(self, table: Table, row: list, number: int):
        self.table = table
        self.row = row
        self.number = number

    def cell(self, key: str) -> str:
        return cell_name(self.number, self.table.columns[key] + 1)

    def raw(self, key: str):
        index = self.table.columns.get(key)
        if index is None or index >= len(self.row):
            return None
        return self.row[index]

    def report(self, code: str, key: str, value="", extra="") -> None:
        header = self.table.sheet.column(key).header
        self.table.problems.append(
            problem(code, self.table.sheet.name, self.cell(key), value, header, extra)
        )

    def _usable(self, key: str):
        """The raw value, or None after reporting a formula or error value."""
        value = self.raw(key)
        if isinstance(value, Bad):
            self.report(value.code, key, "")
            return None
        if error_value(value):
            self.report("error-value", key, error_value(value))
            return None
        return value

    def text(self, key: str) -> str:
        return as_text(self._usable(key))

    def name(self, key: str) -> str:
        return as_name(self._usable(key))

    def converted(self, key: str, convert):
        value = self._usable(key)
        result = convert(value)
        if isinstance(result, Bad):
            self.report(result.code, key, as_text(value))
            return None
        return result

    def date(self, key: str):
        return self.converted(key, as_date)

    def datetime(self, key: str):
        return self.converted(key, as_datetime)

    def id(self, key: str):
        return self.converted(key, as_id)

    def yes_no(self, key: str):
        return self.converted(key, as_yes_no)

    def choice(self, key: str, default: str = "") -> str:
        value = self.name(key)
        if not value:
            return default
        choices = self.table.sheet.column(key).choices
        if value not in choices:
            self.report("bad-choice", key, value, "、".join(choices))
            return default
        return value


def read_clients(rows: list, problems: list) -> tuple[list[Client], dict]:
    table = Table(layout.CLIENT_SHEET, rows, problems)
    if not table.require("client_id", "designer"):
        return [], table.columns
    clients = []
    for cells in table.records():
        client_id = cells.id("client_id")
        if client_id is None:
            if cells.raw("client_id") is None or is_blank(cells.raw("client_id")):
                cells.report("missing-id", "client_id")
            continue
        clients.append(
            Client(
                client_id=client_id,
                row=cells.number,
                name=cells.text("name"),
                estate=cells.text("estate"),
                room=cells.text("room"),
                handover_date=cells.date("handover_date"),
                designer=cells.name("designer"),
                specialist=cells.name("specialist"),
                assigned_date=cells.date("assigned_date"),
                long_term=bool(cells.yes_no("long_term")),
                long_term_since=cells.date("long_term_since"),
                status=cells.choice("status", layout.STATUS_ACTIVE),
                closed_date=cells.date("closed_date"),
                last_follow_up_shown=cells.raw("last_follow_up"),
                phone=cells.text("phone"),
            )
        )
        if not clients[-1].designer:
            cells.report("missing-value", "designer")
    return clients, table.columns


def read_follow_ups(rows: list, problems: list) -> tuple[list[FollowUp], dict]:
    table = Table(layout.FOLLOW_UP_SHEET, rows, problems)
    if not table.require("date", "client_id"):
        return [], table.columns
    follow_ups = []
    for cells in table.records():
        day = cells.date("date")
        client_id = cells.id("client_id")
        if day is None and is_blank(cells.raw("date")):
            cells.report("missing-value", "date")
        if client_id is None and is_blank(cells.raw("client_id")):
            cells.report("missing-id", "client_id")
        if day is None or client_id is None:
            continue
        follow_ups.append(
            FollowUp(
                row=cells.number,
                date=day,
                client_id=client_id,
                record_id=cells.id("record_id") or "",
                entered_at=cells.datetime("entered_at"),
                client_name=cells.text("client_name"),
                designer=cells.name("designer"),
                method=cells.choice("method"),
                content=cells.text("content"),
                next_plan=cells.text("next_plan"),
                source=cells.choice("source"),
            )
        )
    return follow_ups, table.columns


def read_staff(rows: list, problems: list) -> dict[str, Person]:
    table = Table(layout.STAFF_SHEET, rows, problems)
    if not table.require("name"):
        return {}
    staff: dict[str, Person] = {}
    for cells in table.records():
        name = cells.name("name")
        if not name:
            cells.report("missing-value", "name")
            continue
        if name in staff:
            first = cell_name(staff[name].row, table.columns["name"] + 1)
            cells.report("duplicate-person", "name", name, first)
            continue
        active = cells.yes_no("active")
        staff[name] = Person(
            name=name,
            row=cells.number,
            role=cells.choice("role"),
            department=cells.text("department"),
            superior=cells.name("superior"),
            active=True if active is None else active,
        )
    return staff


def read_findings(rows: list, problems: list) -> list[Finding]:
    table = Table(layout.FINDING_SHEET, rows, problems)
    if not table.require("verified_date", "verified"):
        return []
    findings = []
    for cells in table.records():
        verified = bool(cells.yes_no("verified"))
        finding = Finding(
            row=cells.number,
            verified_date=cells.date("verified_date"),
            client_id=cells.id("client_id") or "",
            specialist=cells.name("specialist"),
            kind=cells.choice("kind"),
            description=cells.text("description"),
            verifier=cells.name("verifier"),
            verified=verified,
        )
        if (
            verified
            and finding.verified_date is None
            and is_blank(cells.raw("verified_date"))
        ):
            cells.report("finding-without-date", "verified_date")
        findings.append(finding)
    return findings


def read_rules(rows: list | None, problems: list) -> Rules:
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
    by_name = {fold(parameter.name): parameter for parameter in layout.RULE_PARAMETERS}
    values, seen = {}, {}
    for cells in table.records():
        name = fold(cells.text("name"))
        parameter = by_name.get(name)
        if parameter is None:
            cells.report("unknown-rule", "name", cells.text("name"))
            continue
        if parameter.key in seen:
            cells.report("duplicate-rule", "name", parameter.name, seen[parameter.key])
            continue
        seen[parameter.key] = cells.cell("name")
        values[parameter.key] = _rule_value(parameter, cells)
    for parameter in layout.RULE_PARAMETERS:
        if parameter.key not in seen:
            shown = _shown_default(parameter.default)
            problems.append(
                problem("missing-rule", layout.RULES, "", shown, header=parameter.name)
            )
    values = {key: value for key, value in values.items() if value is not None}
    return defaults.replace(**values)


def _shown_default(value) -> str:
    if value is None:
        return "（空白）"
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    return str(value)


RULE_LIMITS = {
    # kind: (smallest allowed, reason shown when below it)
    "days": (1, "请填写不小于 1 的整数天数"),
    "months": (1, "请填写不小于 1 的整数月数"),
    "days0": (0, "请填写不小于 0 的整数天数"),
    "count": (1, "请填写不小于 1 的整数"),
    "minutes": (1, "请填写不小于 1 的整数分钟数"),
    "yuan": (0, "请填写不小于 0 的金额"),
}


def _rule_value(parameter: layout.RuleParameter, cells: Cells):
    """The typed value of one rule row; None (after an error) keeps the default."""
    raw = cells.raw("value")
    if parameter.kind == "date":
        return cells.date("value") if not is_blank(raw) else None
    if is_blank(raw):
        _bad_rule(cells, parameter, raw, "值为空，请填写")
        return None
    if parameter.kind == "yes_no":
        answer = as_yes_no(raw)
        if isinstance(answer, Bad):
            _bad_rule(cells, parameter, raw, "请填写“是”或“否”")
            return None
        return answer
    return _rule_number(parameter, cells, raw)


def _rule_number(parameter, cells, raw):
    smallest, reason = RULE_LIMITS[parameter.kind]
    number = as_number(raw)
    whole_only = parameter.kind != "yuan"
    if (
        isinstance(number, Bad)
        or number < smallest
        or (whole_only and not number.is_integer())
    ):
        _bad_rule(cells, parameter, raw, reason)
        return None
    if number.is_integer():
        return int(number)
    return round(number, 2)


def _bad_rule(cells, parameter, raw, reason) -> None:
    cells.table.problems.append(
        problem(
            "bad-rule",
            layout.RULES,
            cells.cell("value"),
            as_text(raw),
            header=parameter.name,
            extra=reason,
        )
    )


def read_book(sheets: dict) -> Book:
    """Build a Book from {sheet name: rows}; missing sheets are reported."""
    book = Book()
    found = {fold(name): rows for name, rows in sheets.items()}

    def rows_of(name: str, required: bool):
        rows = found.get(fold(name))
        if rows is None and required:
            book.problems.append(problem("missing-sheet", name, "", extra=name))
        return rows

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
        book.staff = read_staff(staff, book.problems)
    book.rules = read_rules(rows_of(layout.RULES, False), book.problems)
    findings = rows_of(layout.FINDINGS, False)
    if findings is None:
        book.problems.append(
            problem("missing-sheet-default", layout.FINDINGS, "", extra=layout.FINDINGS)
        )
    else:
        book.findings = read_findings(findings, book.problems)
    return book
