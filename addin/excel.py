"""Reading and writing the shared workbook through xlwings' object model.

Only engine-agnostic calls are used, so the same code runs in xlwings Lite and
in desktop xlwings: header names come from the table's column metadata (no cell
read), every block of cells is read or written in one call (never cell by cell,
xlwings issue 585), tables grow only through `table.rows.add()` (Excel inserts
the row, so nobody's row is overwritten), and ranges are sized from the table's
own address, never with `expand()` while writing (xlwings-lite issue 49).

Rows handed to `workbook.parse` are laid out as they sit on the sheet (row 1 at
index 0, column A at index 0), so the parser's cell names (客户!I12) are right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import xlwings as xw

from addin import messages
from workbook import layout
from workbook.parse import HEADER_SEARCH_ROWS
from workbook.problems import cell_name
from workbook.values import EXCEL_EPOCH, fold

# Characters that Excel reads as part of a date (2026年11月3日) rather than as words.
DATE_CHARACTERS = frozenset("年月日时分秒")


class Refusal(Exception):
    """The action cannot go ahead; str() says, in Chinese, what to do."""


@dataclass(frozen=True)
class TableArea:
    """Where a table sits: its header row, data rows and columns (1-based)."""

    sheet: xw.Sheet
    table: object  # xw.main.Table
    headers: tuple[str, ...]
    header_row: int
    first_column: int
    first_body_row: int
    body_rows: int

    @property
    def last_column(self) -> int:
        return self.first_column + len(self.headers) - 1

    @property
    def last_body_row(self) -> int:
        return self.first_body_row + self.body_rows - 1

    def holds_body_row(self, row: int) -> bool:
        return self.first_body_row <= row <= self.last_body_row

    def row_range(self, row: int, first_index: int, last_index: int) -> xw.Range:
        """Cells of one sheet row, between two 0-based table column positions."""
        return self.sheet.range(
            (row, self.first_column + first_index),
            (row, self.first_column + last_index),
        )

    def body_range(self, first_index: int, last_index: int) -> xw.Range:
        """All data rows, between two 0-based table column positions."""
        return self.sheet.range(
            (self.first_body_row, self.first_column + first_index),
            (self.last_body_row, self.first_column + last_index),
        )

    def field(self, header: str) -> int:
        """The 1-based AutoFilter field of a header."""
        wanted = fold(header)
        for index, name in enumerate(self.headers):
            if fold(name) == wanted:
                return index + 1
        raise KeyError(header)

    def parse_rows(self, body: list[list], first_row: int | None = None) -> list:
        """Rows for `workbook.parse`: the header and body rows where they are
        on the sheet, padded from A1 so that its cell names are the sheet's."""
        first_row = self.first_body_row if first_row is None else first_row
        pad = [None] * (self.first_column - 1)
        # The parser looks for the header in the first rows only; a table placed
        # further down keeps its layout but its problem cells shift up.
        lead = self.header_row - 1 if self.header_row <= HEADER_SEARCH_ROWS else 0
        rows: list = [[] for _ in range(lead)]
        rows.append(pad + list(self.headers))
        rows.extend([] for _ in range(first_row - self.header_row - 1))
        rows.extend(pad + list(row) for row in body)
        return rows

    def sheet_row(self, parsed_row: int) -> int:
        """The sheet row of a record numbered by `parse_rows()`."""
        lead = self.header_row - 1 if self.header_row <= HEADER_SEARCH_ROWS else 0
        return parsed_row + self.header_row - 1 - lead

    def cell(self, row: int, header: str) -> str:
        return cell_name(row, self.first_column + self.field(header) - 1)


# Sheets and tables


def find_sheet(book: xw.Book, name: str) -> xw.Sheet | None:
    """The sheet named so, matched after folding spaces and full-width forms."""
    wanted = fold(name)
    for sheet_name in book.sheet_names:
        if fold(sheet_name) == wanted:
            return book.sheets[sheet_name]
    return None


def require_sheet(book: xw.Book, name: str) -> xw.Sheet:
    sheet = find_sheet(book, name)
    if sheet is None:
        raise Refusal(messages.say("missing-sheet", sheet=name))
    return sheet


def find_table(sheet: xw.Sheet, layout_sheet: layout.Sheet):
    """The layout's table on the sheet, or the sheet's only table."""
    tables = list(sheet.tables)
    for table in tables:
        if table.name == layout_sheet.table:
            return table
    return tables[0] if len(tables) == 1 else None


def table_area(book: xw.Book, layout_sheet: layout.Sheet) -> TableArea:
    """The layout sheet's table, or a refusal saying how to restore it."""
    sheet = require_sheet(book, layout_sheet.name)
    table = find_table(sheet, layout_sheet)
    if table is None:
        raise Refusal(messages.say("missing-table", sheet=layout_sheet.name))
    whole = table.range
    body = table.data_body_range
    return TableArea(
        sheet=sheet,
        table=table,
        headers=tuple(column.name for column in table.columns),
        header_row=whole.row,
        first_column=whole.column,
        first_body_row=whole.row + 1,
        body_rows=body.shape[0] if body is not None else 0,
    )


def require_columns(area: TableArea, layout_sheet: layout.Sheet, keys) -> None:
    """Refuse when any of the layout columns `keys` has no header in the table."""
    present = {fold(header) for header in area.headers}
    missing = [
        layout_sheet.column(key).header
        for key in keys
        if fold(layout_sheet.column(key).header) not in present
    ]
    if missing:
        raise Refusal(
            messages.say(
                "missing-columns", sheet=layout_sheet.name, headers="、".join(missing)
            )
        )


# Reading


def read_block(rng: xw.Range) -> list[list]:
    """The cells of a range as rows, in one read."""
    return rng.options(ndim=2).value


def read_body(area: TableArea) -> list[list]:
    """All data rows of a table, in one read."""
    if not area.body_rows:
        return []
    return read_block(area.body_range(0, len(area.headers) - 1))


def read_sheet_rows(sheet: xw.Sheet, layout_sheet: layout.Sheet) -> list:
    """A small list sheet (规则) as rows from A1: its table, or its used range."""
    table = find_table(sheet, layout_sheet)
    rng = table.range if table is not None else sheet.used_range
    values = read_block(rng)
    pad = [None] * (rng.column - 1)
    return [[] for _ in range(rng.row - 1)] + [pad + list(row) for row in values]


# Writing


def column_runs(indexes) -> list[tuple[int, int]]:
    """Adjacent column positions grouped into (first, last) runs: one write each."""
    runs: list[list[int]] = []
    for index in sorted(indexes):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return [(first, last) for first, last in runs]


def excel_serial(moment: dt.date) -> float:
    """Excel's serial number of a date or date and time (1900 date system).

    `table.rows.add()` takes only text, numbers and booleans, so dates go in as
    serial numbers; the new row takes the date format of the column."""
    if isinstance(moment, dt.datetime):
        start = dt.datetime.combine(EXCEL_EPOCH, dt.time())
        return round((moment - start).total_seconds() / 86400, 8)
    return float((moment - EXCEL_EPOCH).days)


def cell_text(text: str) -> str:
    """Text as it must be written so that Excel keeps it as text.

    Excel parses written text as if it were typed: 13800138000 becomes a number,
    2026-11-03 a date, =… a formula. A leading apostrophe keeps it text, as it
    does when typed. Text with a Chinese word in it (not just 年/月/日) is never
    parsed, so it is written as it is."""
    if not text:
        return text
    has_words = any(_is_cjk(ch) and ch not in DATE_CHARACTERS for ch in text)
    if has_words and text[0] not in "=+-@'":
        return text
    return "'" + text


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def id_cell(client_id: str) -> int | str:
    """A client ID as a number when it is one (1001), else as text ("00123")."""
    if client_id.isdigit() and not client_id.startswith("0") and len(client_id) < 16:
        return int(client_id)
    return cell_text(client_id)


def announce(book: xw.Book, text: str, refused: bool = False) -> None:
    """Show a message box; in xlwings Lite it appears after the script ends."""
    book.app.alert(
        text, title=messages.ALERT_TITLE, mode="critical" if refused else "info"
    )
