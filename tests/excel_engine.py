"""An xlwings engine backed by openpyxl, so that tests run add-in scripts without Excel.

`open_book()` returns a real `xlwings.Book` whose `impl` is this module's book
implementation. Scripts use xlwings' public object model unchanged, and every
`Range.value` read and write goes through xlwings' own conversion layer
(`xlwings.conversion`), so shaping, `options(ndim=2)`, `dates=`, `numbers=`,
`empty=`, `transpose=` and chunking behave as in xlwings. Only the openpyxl
workbook underneath is ours.

Public API
----------
open_book(path_or_workbook, *, lite=True, name=None) -> xw.Book
save(book, path)                         write the openpyxl workbook to a file
select(book, sheet_name, address)        the user selects cells (before a script)
start_run(book)                          a new button click: see "Lite mode" below
stats(book) -> Stats                     counters, also `book.impl.stats`
alerts(book) -> list[Alert]              messages shown, also `book.impl.app.alerts`
answer_alerts(book, *answers)            buttons the user presses (lite=False only)
cell_values(book, sheet_name, address)   2-D values as Excel returns them, uncounted
hidden_rows(book, sheet_name)            worksheet rows that are hidden

Values are what Excel hands to xlwings: every number a float (1001 reads 1001.0),
a cell with a date number format a `datetime.datetime`, empty cells None, text str,
booleans bool, error values None (their text with `err_to_str=True`). A formula
cell raises NotImplementedError: the engine cannot evaluate formulas. Writing a
`date`/`datetime` stores a real date; a General cell then gets openpyxl's date
format, an existing date format is kept. `Range.number_format = ...` is stored in
the cells and saved.

Excel parses text written as a value as if it were typed, so "13800138000" becomes
a number and "2026-11-03" a date. Instead of guessing what Excel would make of it,
writing such text into a cell that is not text-formatted raises TextCoercionError.
Write a number or date, set `number_format = "@"` first, or prefix an apostrophe
("'13800138000" stores the text 13800138000, as in Excel).

Appending a row to a table
--------------------------
xlwings 0.37.8 has an engine-agnostic call for this, and it is the path the add-in
should use: `table.rows.add(values)` (Excel's ListRows.Add, Office.js
`table.rows.add` in xlwings Lite). Excel inserts the row: cells below the table, in
the table's columns, move down, so no row is ever overwritten, even when someone
else appended meanwhile. This engine does the same: it shifts any cells below
the table down by one row (refusing with NotImplementedError if that block holds
merged cells or another table), copies the formatting of the row above (as Excel
does, so a date column stays a date column), then checks that the new row is
empty before writing `values` into it and raises OverwriteError if it is not.
Once the shift has run, the row is always empty. The check fires on a table
flagged as empty (insertRow) whose insert row holds data. xlwings only
accepts str, int, float, bool and None in `values`: pass dates as Excel serial
numbers (the copied column format shows them as dates), or write the date cells
afterwards (in Lite `TableRow.range` needs `await`; the row is the snapshot's last
table row + 1). `table.resize()` followed by a write
to the new last row also works here, but it is not guarded. It reads the table's
size from the snapshot, so two people can end up writing the same row. Do not
append that way. Writing values into the row just below a table or the column just
right of it raises NotImplementedError, because Excel may or may not grow the
table there. `table.columns.add(name)` appends a column in the same way.

Filtering
---------
xlwings 0.37.8 has an engine-agnostic AutoFilter: `table.autofilter.apply_values(
field, values)`, `.apply_comparison(field, operator, value1, value2)` and
`.clear(field=None)`, plus `table.show_autofilter`. The engine evaluates the
criteria on the current cell values, hides the data rows that fail them
(openpyxl `row_dimensions[r].hidden`, what Excel saves) and stores the criteria in
the table's openpyxl `autoFilter` (`filterColumn` with `filters` for value lists,
`customFilters` for comparisons), so a saved file opens filtered in Excel. Tests
read visibility with `hidden_rows()`. Value filters compare the cell's text
case-insensitively (numbers as Excel's General format shows them, dates as ISO
dates). Comparisons with text support Excel's * and ? wildcards. Top/bottom
filters are not implemented. `Range.autofilter` works on a plain range that is
not part of a table.

Counting
--------
`book.impl.stats` (a Stats) counts every `Range.value`/`raw_value` read (`reads`,
`read_addresses`) and every change of cell values (`writes`, `write_addresses`, one
per write call: a value write, `clear_contents()` or `table.rows.add()`), with
addresses like "客户!A2:S10001". `actions` lists every change in order as
(kind, address), including formats, filters, resizes and selections.
`stats.reset()` clears them. A block write counts once unless xlwings chunks it
(more than 100,000 cells), as it does with Excel.

Lite mode (the default, `lite=True`)
------------------------------------
The add-in runs in xlwings Lite, where a script reads a snapshot taken when the
button is clicked and its writes are applied after it returns. In lite mode, then:

- reading cells that the same run already wrote raises StaleReadError (Lite would
  return the old values). This covers values, `expand()` and `end()`. Call
  `start_run(book)` to simulate the next click; test assertions should use
  `cell_values()`.
- `table.range`, `header_row_range`, `data_body_range` and `sheet.used_range` report
  the size the table or sheet had when the run started. Lite does the same.
- `Range.select()` and `Sheet.activate()` take effect at the next `start_run()`.
- `app.alert()` records the message and returns None. Lite shows alerts after
  the script and cannot wait for an answer.
- what Lite cannot do synchronously raises LiteUnsupportedError (a
  NotImplementedError): reading `Range.number_format`, `Range.table`,
  `rows.hidden`, `TableRow.range`, `TableColumn.range` and `data_body_range`,
  `Table.insert_row_range`, `AutoFilter.criteria` and `app.screen_updating`;
  `book.save(path)` (Lite saves in place only); `answer_alerts()`.

With `lite=False` the engine behaves like desktop Excel for those.

Strictness
----------
Any attribute of an engine object that is not implemented raises
`NotImplementedError("test engine: <Class>.<name> not implemented")`, and so does
setting one. That covers `.api` (xlwings' write stage needs it to be truthy, so
`Range.api` returns an object that raises on any use), formulas, colours, fonts,
notes, names, sorting and sheet changes. `name in book.sheets` raises too: in
xlwings it is always False. Use `name in book.sheet_names`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator
from copy import copy
from dataclasses import dataclass, field
from os import PathLike, fspath
from pathlib import Path
from types import MemberDescriptorType
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, to_excel
from openpyxl.worksheet.filters import AutoFilter as XlAutoFilter
from openpyxl.worksheet.filters import (
    CustomFilter,
    CustomFilters,
    FilterColumn,
    Filters,
)
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableColumn as XlTableColumn
from openpyxl.worksheet.views import Selection
from openpyxl.worksheet.worksheet import Worksheet
from xlwings.base_classes import (
    DEFAULT_MAX_CELLS_PER_READ,
    DEFAULT_MAX_CELLS_PER_WRITE,
    empty_autofilter_criteria,
)

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
EXCEL_EPOCH_TIME = dt.datetime(1899, 12, 30)

Rect = tuple[int, int, int, int]  # first row, first column, last row, last column


# --- Errors and small records --------------------------------------------------


class LiteUnsupportedError(NotImplementedError):
    """xlwings Lite cannot do this synchronously (raised in lite mode only)."""


class StaleReadError(RuntimeError):
    """A lite-mode script read cells it wrote itself: Lite would return old values."""


class TextCoercionError(ValueError):
    """Excel would turn the text being written into a number, date or formula."""


class OverwriteError(RuntimeError):
    """A table row about to be filled is not empty."""


class CellError(str):
    """An Excel error value such as #N/A, as read from a cell."""


@dataclass
class Alert:
    prompt: str
    title: str | None
    buttons: str
    mode: str | None
    callback: str | None


@dataclass
class Stats:
    reads: int = 0
    writes: int = 0
    read_addresses: list[str] = field(default_factory=list)
    write_addresses: list[str] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)

    def record_read(self, where: str) -> None:
        self.reads += 1
        self.read_addresses.append(where)

    def record_write(self, kind: str, where: str) -> None:
        self.writes += 1
        self.write_addresses.append(where)
        self.actions.append((kind, where))

    def record_action(self, kind: str, where: str) -> None:
        self.actions.append((kind, where))

    def reset(self) -> None:
        self.reads = self.writes = 0
        self.read_addresses.clear()
        self.write_addresses.clear()
        self.actions.clear()


# --- Strict base: anything not implemented says so -----------------------------


class _Strict:
    """Raise NotImplementedError for any public attribute that is not defined.

    Without this, a script could read a dummy value or set an attribute that does
    nothing, and a test would pass although the script was never tested."""

    __slots__ = ()
    _xl_name = "object"

    def __getattr__(self, name: str) -> Any:
        # Private names and attributes that exist but raised AttributeError inside
        # the engine must keep Python's meaning (hasattr, copy, pytest's repr).
        if name.startswith("_") or hasattr(type(self), name):
            raise AttributeError(name)
        raise NotImplementedError(
            f"test engine: {self._xl_name}.{name} not implemented"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        attr = getattr(type(self), name, None)
        is_slot = isinstance(attr, MemberDescriptorType)
        has_setter = isinstance(attr, property) and attr.fset is not None
        if not (is_slot or has_setter):
            raise NotImplementedError(
                f"test engine: setting {self._xl_name}.{name} not implemented"
            )
        object.__setattr__(self, name, value)


class _NoApi:
    """Stands in for Range.api. xlwings' write stage checks that `rng.api` is
    truthy, but any real use of it would be engine-specific COM or Office.js."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise _no_api()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise _no_api()

    def __repr__(self) -> str:
        return "<test engine: Range.api not implemented>"


def _no_api() -> NotImplementedError:
    return NotImplementedError(
        "test engine: Range.api is engine-specific and not implemented; "
        "use xlwings' public API"
    )


_NO_API = _NoApi()


def _lite_unsupported(book: _BookImpl, what: str, hint: str) -> None:
    if book.lite:
        raise LiteUnsupportedError(
            f"test engine (lite mode): {what} can't be read synchronously in "
            f"xlwings Lite; {hint}"
        )


# --- Addresses -------------------------------------------------------------------

_A1 = re.compile(
    r"\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?"
    r"|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}"
    r"|\$?\d+:\$?\d+"
)


def _parse_a1(address: str) -> Rect | None:
    if not _A1.fullmatch(address):
        return None
    min_col, min_row, max_col, max_row = range_boundaries(address.replace("$", ""))
    rows = (min_row or 1, max_row or MAX_ROWS)
    columns = (min_col or 1, max_col or MAX_COLUMNS)
    # "B2:A1" means the same cells as "A1:B2".
    return (min(rows), min(columns), max(rows), max(columns))


def _a1(rect: Rect, absolute: bool = False) -> str:
    r1, c1, r2, c2 = rect
    dollar = "$" if absolute else ""

    def cell(row: int, column: int) -> str:
        return f"{dollar}{get_column_letter(column)}{dollar}{row}"

    if (r1, c1) == (r2, c2):
        return cell(r1, c1)
    return f"{cell(r1, c1)}:{cell(r2, c2)}"


def _where(ws: Worksheet, rect: Rect) -> str:
    return f"{ws.title}!{_a1(rect)}"


def _intersects(a: Rect, b: Rect) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _union(a: Rect, b: Rect) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _check_bounds(rect: Rect) -> Rect:
    r1, c1, r2, c2 = rect
    if not (1 <= r1 <= r2 <= MAX_ROWS and 1 <= c1 <= c2 <= MAX_COLUMNS):
        raise ValueError(f"test engine: range {rect} is outside the sheet or empty")
    return rect


# --- Cell values: openpyxl -> what Excel returns ---------------------------------


def _existing_cell(ws: Worksheet, row: int, column: int) -> Any:
    # ws.cell() would create the cell and grow the used range; reading must not.
    return ws._cells.get((row, column))


def _excel_value(cell: Any, epoch: dt.datetime) -> Any:
    """The value Excel hands to xlwings for one openpyxl cell (None if missing)."""
    if cell is None:
        return None
    if cell.data_type == "f":
        raise NotImplementedError(
            f"test engine: {cell.parent.title}!{cell.coordinate} holds a formula; "
            "evaluating formulas is not implemented"
        )
    if cell.data_type == "e":
        return CellError(cell.value)
    value = cell.value
    # Text, booleans and blanks don't depend on the number format: skip looking
    # it up, which is most of the cost of a big read.
    if isinstance(value, str):
        return value or None  # Excel has no empty-text cells
    if value is None or isinstance(value, bool):
        return value
    return _excel_scalar(value, _is_date_format(cell.number_format), epoch)


@functools.cache
def _is_date_format(number_format: str) -> bool:
    # A sheet has few distinct formats; parsing each once keeps big reads fast.
    return is_date_format(number_format)


def _excel_scalar(value: Any, date_formatted: bool, epoch: dt.datetime) -> Any:
    """A number or date as Excel returns it, which depends on the number format."""
    if isinstance(value, int | float):
        return _serial_to_datetime(value, epoch) if date_formatted else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        moment = _as_datetime(value)
        return moment if date_formatted else float(to_excel(moment, epoch))
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return str(value)  # str, or openpyxl rich text


def _serial_to_datetime(serial: float, epoch: dt.datetime) -> dt.datetime | float:
    try:
        moment = from_excel(serial, epoch)
    except (ValueError, OverflowError):
        return float(serial)  # not a date Excel can show; it returns the number
    return _as_datetime(moment)  # from_excel gives a time for serials below 1


def _as_datetime(value: dt.datetime | dt.date | dt.time) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return dt.datetime.combine(EXCEL_EPOCH_TIME.date(), value)


def _clean_element(
    value: Any,
    datetime_builder: Any,
    empty_as: Any,
    number_builder: Any,
    err_to_str: bool,
) -> Any:
    if isinstance(value, CellError):
        return str(value) if err_to_str else None
    if value is None:
        return empty_as
    if isinstance(value, dt.datetime) and datetime_builder is not dt.datetime:
        return datetime_builder(
            year=value.year,
            month=value.month,
            day=value.day,
            hour=value.hour,
            minute=value.minute,
            second=value.second,
            microsecond=value.microsecond,
            tzinfo=None,
        )
    if number_builder is not None and isinstance(value, float):
        return number_builder(value)
    return value


# --- Cell values: Python -> what gets stored ------------------------------------


def _prepare_value(value: Any) -> Any:
    """Check a value can go into a cell and normalise it (NaN -> empty)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if math.isinf(value):
            raise ValueError("test engine: Excel cannot store an infinite number")
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"test engine: cannot write a {type(value).__name__} to a cell")


_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_TIME = r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[ap]m?)?|\d{1,2}时(\d{1,2}分(\d{1,2}秒)?)?"
_DATE = (
    r"\d{1,4}\s*[-/.]\s*\d{1,2}(\s*[-/.]\s*\d{1,4})?"
    r"|(\d{2,4}\s*年\s*)?\d{1,2}\s*月(\s*\d{1,2}\s*日)?"
    r"|\d{2,4}\s*年"
    rf"|\d{{1,2}}[-\s]?({_MONTHS})[a-z]*([-\s]?\d{{2,4}})?"
    rf"|({_MONTHS})[a-z]*[-\s]\d{{1,4}}"
)
_EXCEL_PARSES = {
    "number": re.compile(
        r"[+-]?[$¥￥]?[+-]?(\d+(,\d{3})*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?"
        r"|\([$¥￥]?\d+(,\d{3})*(\.\d*)?\)|\d+\s+\d+/\d+"
    ),
    "date": re.compile(rf"({_DATE})(\s+({_TIME}))?", re.IGNORECASE),
    "time": re.compile(_TIME, re.IGNORECASE),
    "boolean": re.compile("true|false", re.IGNORECASE),
    "error value": re.compile(r"#(NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A)"),
}


def _excel_would_convert(text: str) -> str | None:
    """What Excel might turn `text` into when it is written as a value, if anything."""
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] in "=+-" and not _is_number(stripped):
        return "formula"
    for kind, pattern in _EXCEL_PARSES.items():
        if pattern.fullmatch(stripped):
            return kind
    return None


def _is_number(text: str) -> bool:
    return bool(_EXCEL_PARSES["number"].fullmatch(text))


def _check_text(text: str, number_format: str, where: str) -> None:
    if text.startswith("'") or number_format == "@":
        return
    kind = _excel_would_convert(text)
    if kind:
        raise TextCoercionError(
            f"test engine: Excel would turn the text {text!r} written to {where} "
            f"into a {kind}; write a real value, set number_format '@' first, or "
            "prefix the text with an apostrophe"
        )


def _number_format_at(ws: Worksheet, row: int, column: int) -> str:
    cell = _existing_cell(ws, row, column)
    if cell is not None:
        return cell.number_format
    column_format = ws.column_dimensions.get(get_column_letter(column))
    return column_format.number_format if column_format is not None else "General"


def _cell_for_write(ws: Worksheet, row: int, column: int) -> Any:
    """The cell to write to. A new cell takes its column's style, as in Excel."""
    if (row, column) in ws._cells:
        return ws._cells[(row, column)]
    cell = ws.cell(row, column)
    column_format = ws.column_dimensions.get(get_column_letter(column))
    if column_format is not None and column_format.has_style:
        cell._style = copy(column_format._style)
    return cell


def _store(ws: Worksheet, row: int, column: int, value: Any) -> None:
    cell = _cell_for_write(ws, row, column)
    if isinstance(value, str):
        _store_text(cell, value)
    else:
        cell.value = value  # openpyxl gives a date in a General cell a date format


def _store_text(cell: Any, text: str) -> None:
    if text.startswith("'"):
        # Excel keeps a leading apostrophe as the cell's prefix, not as data.
        cell.quotePrefix = True
        text = text[1:]
    cell.value = text or None
    if text:
        cell.data_type = "s"  # openpyxl would take "=..." for a formula


# --- Engine, app, book -----------------------------------------------------------


class _EngineImpl(_Strict):
    __slots__ = ("type",)
    _xl_name = "Engine"
    name = "openpyxl-test"

    def __init__(self, lite: bool) -> None:
        # "remote" is xlwings Lite's engine type; it decides how xlwings chunks.
        self.type = "remote" if lite else "desktop"

    @staticmethod
    def clean_value_data(
        data: list[list[Any]],
        datetime_builder: Any,
        empty_as: Any,
        number_builder: Any,
        err_to_str: bool,
    ) -> list[list[Any]]:
        return [
            [
                _clean_element(
                    v, datetime_builder, empty_as, number_builder, err_to_str
                )
                for v in row
            ]
            for row in data
        ]

    @staticmethod
    def prepare_xl_data_element(value: Any, options: Any) -> Any:
        return _prepare_value(value)


class _AppImpl(_Strict):
    __slots__ = ("engine", "pid", "book", "alerts", "answers", "display_alerts")
    _xl_name = "App"
    _next_pid = -1000

    def __init__(self, book: _BookImpl) -> None:
        self.engine = _EngineImpl(book.lite)
        self.pid = _AppImpl._next_pid
        _AppImpl._next_pid -= 1
        self.book = book
        self.alerts: list[Alert] = []
        self.answers: list[str] = []
        self.display_alerts = True

    @property
    def books(self) -> _BooksImpl:
        return _BooksImpl(self)

    @property
    def selection(self) -> _RangeImpl | None:
        return self.book.selection

    @property
    def visible(self) -> bool:
        return True

    def activate(self, steal_focus: bool = False) -> None:
        pass

    @property
    def screen_updating(self) -> bool:
        _lite_unsupported(self.book, "App.screen_updating", "only set it")
        return True

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.book.stats.record_action("screen_updating", str(bool(value)))

    def alert(
        self,
        prompt: str,
        title: str | None,
        buttons: str,
        mode: str | None,
        callback: str | None,
    ) -> str | None:
        self.alerts.append(Alert(prompt, title, buttons, mode, callback))
        if self.book.lite:
            return None  # Lite shows alerts after the script; nothing to wait for
        return self._answer(buttons)

    def _answer(self, buttons: str) -> str:
        if self.answers:
            return self.answers.pop(0)
        if buttons == "ok":
            return "ok"
        raise RuntimeError(
            f"test engine: alert with buttons {buttons!r} but no answer queued; "
            "call answer_alerts(book, ...) first"
        )


class _BooksImpl(_Strict):
    __slots__ = ("app",)
    _xl_name = "Books"

    def __init__(self, app: _AppImpl) -> None:
        self.app = app

    @property
    def active(self) -> _BookImpl:
        return self.app.book

    def __call__(self, name_or_index: int | str) -> _BookImpl:
        if name_or_index in (1, self.app.book.name):
            return self.app.book
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return 1

    def __iter__(self) -> Iterator[_BookImpl]:
        yield self.app.book


class _Run:
    """What one script run (one button click) has done, for lite-mode fidelity."""

    def __init__(self) -> None:
        self.written: list[tuple[Worksheet, Rect]] = []
        self.table_refs: dict[int, tuple[str, bool | None]] = {}
        self.sheet_dims: dict[int, Rect] = {}
        self.pending: list[Callable[[], None]] = []

    def note_sheet(self, ws: Worksheet) -> None:
        self.sheet_dims.setdefault(id(ws), _used_rect(ws))

    def note_table(self, table: XlTable) -> None:
        self.table_refs.setdefault(id(table), (table.ref, table.insertRow))

    def check_fresh(self, ws: Worksheet, rect: Rect, what: str) -> None:
        for written_ws, written in self.written:
            if written_ws is ws and _intersects(rect, written):
                raise StaleReadError(
                    f"test engine (lite mode): {what} {_where(ws, rect)} after this "
                    f"run wrote {_where(ws, written)}; xlwings Lite would return the "
                    "values from before the write. Keep the values in Python, or "
                    "call start_run(book) to simulate the next click."
                )


class _BookImpl(_Strict):
    __slots__ = (
        "workbook",
        "name",
        "path",
        "lite",
        "app",
        "stats",
        "run",
        "selection",
        "filters",
        "_sheets",
    )
    _xl_name = "Book"

    def __init__(self, workbook: Any, name: str, path: Path | None, lite: bool):
        self.workbook = workbook
        self.name = name
        self.path = path
        self.lite = lite
        self.stats = Stats()
        self.run = _Run()
        self.filters: dict[tuple[str, int], dict[int, dict[str, Any]]] = {}
        self._sheets: dict[int, _SheetImpl] = {}
        self.app = _AppImpl(self)
        self.selection = self._initial_selection()

    def _initial_selection(self) -> _RangeImpl:
        # Excel opens with the selection saved in the file's active sheet view.
        sheet = self.sheet_for(self.workbook.active)
        views = sheet.ws.sheet_view.selection
        sqref = (views[0].sqref or views[0].activeCell or "A1") if views else "A1"
        return sheet.range(str(sqref).split()[0])

    def sheet_for(self, ws: Worksheet) -> _SheetImpl:
        if id(ws) not in self._sheets:
            self._sheets[id(ws)] = _SheetImpl(self, ws)
        return self._sheets[id(ws)]

    @property
    def fullname(self) -> str:
        return str(self.path) if self.path else self.name

    @property
    def sheets(self) -> _SheetsImpl:
        return _SheetsImpl(self)

    def activate(self) -> None:
        pass

    def save(self, path: str | None = None, password: str | None = None) -> None:
        if password is not None:
            raise NotImplementedError(
                "test engine: Book.save(password=) not implemented"
            )
        if path is not None and self.lite:
            raise LiteUnsupportedError(
                "test engine (lite mode): xlwings Lite saves the book in place only"
            )
        target = Path(path) if path else self.path
        if target is None:
            raise NotImplementedError("test engine: Book.save() of an unsaved book")
        self.workbook.save(target)
        self.stats.record_action("save", str(target))

    def set_selection(self, selection: _RangeImpl) -> None:
        """Make `selection` the selected cells, on its sheet, now active."""
        ws = selection.sheet.ws
        self.workbook.active = ws
        for other in self.workbook.worksheets:
            other.sheet_view.tabSelected = other is ws
        if not ws.sheet_view.selection:
            ws.sheet_view.selection = [Selection()]
        view = ws.sheet_view.selection[0]
        view.sqref = _a1(selection.rect)
        view.activeCell = _a1(selection.rect[:2] * 2)
        self.selection = selection

    def later(self, action: Callable[[], None]) -> None:
        """Do `action` now on the desktop, after the script in xlwings Lite."""
        if self.lite:
            self.run.pending.append(action)
        else:
            action()


class _SheetsImpl(_Strict):
    __slots__ = ("book",)
    _xl_name = "Sheets"

    def __init__(self, book: _BookImpl) -> None:
        self.book = book

    @property
    def active(self) -> _SheetImpl:
        return self.book.sheet_for(self.book.workbook.active)

    def __call__(self, name_or_index: int | str) -> _SheetImpl:
        worksheets = self.book.workbook.worksheets
        if isinstance(name_or_index, int):
            if not 1 <= name_or_index <= len(worksheets):
                raise IndexError(f"test engine: no sheet number {name_or_index}")
            return self.book.sheet_for(worksheets[name_or_index - 1])
        for ws in worksheets:
            if ws.title.casefold() == str(name_or_index).casefold():
                return self.book.sheet_for(ws)
        raise ValueError(f"Sheet '{name_or_index}' doesn't exist!")  # as in Lite

    def __len__(self) -> int:
        return len(self.book.workbook.worksheets)

    def __iter__(self) -> Iterator[_SheetImpl]:
        for ws in self.book.workbook.worksheets:
            yield self.book.sheet_for(ws)

    def __contains__(self, name: object) -> bool:
        raise NotImplementedError(
            "test engine: 'name in book.sheets' is always False in xlwings; "
            "use 'name in book.sheet_names'"
        )


# --- Sheet ----------------------------------------------------------------------


def _used_rect(ws: Worksheet) -> Rect:
    if not ws._cells:
        return (1, 1, 1, 1)  # Excel reports A1 for an empty sheet
    return (ws.min_row, ws.min_column, ws.max_row, ws.max_column)


class _SheetImpl(_Strict):
    __slots__ = ("book", "ws")
    _xl_name = "Sheet"

    def __init__(self, book: _BookImpl, ws: Worksheet) -> None:
        self.book = book
        self.ws = ws

    @property
    def name(self) -> str:
        return self.ws.title

    @property
    def index(self) -> int:
        return self.book.workbook.worksheets.index(self.ws) + 1

    def range(self, arg1: Any, arg2: Any = None) -> _RangeImpl:
        rect = self._rect_of(arg1)
        if arg2 is not None:
            rect = _union(rect, self._rect_of(arg2))
        return _RangeImpl(self, _check_bounds(rect))

    def _rect_of(self, arg: Any) -> Rect:
        if isinstance(arg, _RangeImpl):
            if arg.sheet is not self:
                raise ValueError("test engine: range is on another sheet")
            return arg.rect
        if isinstance(arg, tuple) and len(arg) == 2:
            return (arg[0], arg[1], arg[0], arg[1])
        if isinstance(arg, tuple) and len(arg) == 4:
            row, column, nrows, ncols = arg
            return (row, column, row + nrows - 1, column + ncols - 1)
        if isinstance(arg, str):
            return self._rect_of_text(arg)
        raise TypeError(f"test engine: cannot make a range from {arg!r}")

    def _rect_of_text(self, text: str) -> Rect:
        rect = _parse_a1(text)
        if rect:
            return rect
        # Excel and Lite resolve a table's name to its data body.
        for table in self.ws.tables.values():
            if table.displayName == text:
                body = _TableImpl(self, table).data_body_range
                if body is not None:
                    return body.rect
        raise NotImplementedError(
            f"test engine: address {text!r} (named ranges, sheet-qualified or "
            "multi-area addresses) not implemented"
        )

    @property
    def cells(self) -> _RangeImpl:
        return _RangeImpl(self, (1, 1, MAX_ROWS, MAX_COLUMNS))

    @property
    def tables(self) -> _TablesImpl:
        return _TablesImpl(self)

    @property
    def used_range(self) -> _RangeImpl:
        rect = _used_rect(self.ws)
        if self.book.lite:
            rect = self.book.run.sheet_dims.get(id(self.ws), rect)
        return _RangeImpl(self, rect)

    def activate(self) -> None:
        def activate_now() -> None:
            self.book.workbook.active = self.ws

        self.book.stats.record_action("activate", self.name)
        self.book.later(activate_now)

    def table_at(self, row: int, column: int) -> _TableImpl | None:
        for table in self.ws.tables.values():
            if _intersects(_ref_rect(table.ref), (row, column, row, column)):
                return _TableImpl(self, table)
        return None


# --- Range ----------------------------------------------------------------------


class _RangeImpl(_Strict):
    __slots__ = ("sheet", "rect", "options")
    _xl_name = "Range"

    def __init__(self, sheet: _SheetImpl, rect: Rect) -> None:
        self.sheet = sheet
        self.rect = rect
        self.options: dict[str, Any] = {}

    # Geometry

    @property
    def row(self) -> int:
        return self.rect[0]

    @property
    def column(self) -> int:
        return self.rect[1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.rect
        return (r2 - r1 + 1, c2 - c1 + 1)

    def __len__(self) -> int:
        nrows, ncols = self.shape
        return nrows * ncols

    def __call__(self, arg1: int, arg2: int | None = None) -> _RangeImpl:
        if arg2 is None:  # one-based position, row by row
            row_offset, col_offset = divmod(arg1 - 1, self.shape[1])
            return self(row_offset + 1, col_offset + 1)
        row, column = self.row + arg1 - 1, self.column + arg2 - 1
        return _RangeImpl(self.sheet, _check_bounds((row, column, row, column)))

    @property
    def address(self) -> str:
        return _a1(self.rect, absolute=True)

    def get_address(
        self, row_absolute: bool, col_absolute: bool, external: bool
    ) -> str:
        r1, c1, r2, c2 = self.rect

        def cell(row: int, column: int) -> str:
            column_part = ("$" if col_absolute else "") + get_column_letter(column)
            return column_part + ("$" if row_absolute else "") + str(row)

        address = (
            cell(r1, c1) if (r1, c1) == (r2, c2) else f"{cell(r1, c1)}:{cell(r2, c2)}"
        )
        if not external:
            return address
        prefix = f"[{self.sheet.book.name}]{self.sheet.name}"
        if " " in prefix:
            prefix = f"'{prefix}'"
        return f"{prefix}!{address}"

    @property
    def api(self) -> _NoApi:
        return _NO_API

    @property
    def max_cells_per_read(self) -> int:
        return DEFAULT_MAX_CELLS_PER_READ

    @property
    def max_cells_per_write(self) -> int:
        return DEFAULT_MAX_CELLS_PER_WRITE

    def _where(self) -> str:
        return _where(self.sheet.ws, self.rect)

    # Values

    @property
    def raw_value(self) -> list[list[Any]]:
        book = self.sheet.book
        if book.lite:
            book.run.check_fresh(self.sheet.ws, self.rect, "reading")
        book.stats.record_read(self._where())
        return _read_rect(self.sheet, self.rect)

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        _write_block(self.sheet, self.rect, self._rows_for(data), "write")

    def _rows_for(self, data: Any) -> list[list[Any]]:
        nrows, ncols = self.shape
        if not isinstance(data, list | tuple):
            return [[data] * ncols for _ in range(nrows)]  # a scalar fills the range
        rows = [list(row) for row in data]
        if len(rows) != nrows or any(len(row) != ncols for row in rows):
            raise ValueError(
                f"test engine: {len(rows)} rows of values for {nrows}x{ncols} "
                f"range {self._where()}"
            )
        return rows

    def clear_contents(self) -> None:
        ws = self.sheet.ws
        _guard_header_change(self.sheet, self.rect, None)
        self.sheet.book.run.note_sheet(ws)
        for (row, column), cell in list(ws._cells.items()):
            if _intersects(self.rect, (row, column, row, column)):
                cell.value = None
        _record_write(self.sheet, self.rect, "clear_contents")

    # Formats and visibility

    @property
    def number_format(self) -> str | None:
        _lite_unsupported(
            self.sheet.book, "Range.number_format", "await get_number_format()"
        )
        formats = {_number_format_at(self.sheet.ws, r, c) for r, c in self._cells()}
        return formats.pop() if len(formats) == 1 else None  # Excel: None if mixed

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._refuse_whole_lines("number_format")
        self.sheet.book.run.note_sheet(self.sheet.ws)
        for row, column in self._cells():
            _cell_for_write(self.sheet.ws, row, column).number_format = value
        self.sheet.book.stats.record_action("number_format", self._where())

    @property
    def row_hidden(self) -> bool | None:
        _lite_unsupported(self.sheet.book, "rows.hidden", "await rows.get_hidden()")
        dims = self.sheet.ws.row_dimensions
        # A row without a dimension entry is visible; .get() avoids creating one.
        states = {bool(getattr(dims.get(r), "hidden", False)) for r in self._rows()}
        return states.pop() if len(states) == 1 else None  # Excel: None if mixed

    @row_hidden.setter
    def row_hidden(self, value: bool) -> None:
        self._refuse_whole_lines("rows.hidden")
        for row in self._rows():
            self.sheet.ws.row_dimensions[row].hidden = bool(value)
        self.sheet.book.stats.record_action("row_hidden", self._where())

    def _refuse_whole_lines(self, what: str) -> None:
        nrows, ncols = self.shape
        if nrows == MAX_ROWS or ncols == MAX_COLUMNS:
            raise NotImplementedError(
                f"test engine: {what} on whole rows or columns not implemented"
            )

    def _rows(self) -> range:
        return range(self.rect[0], self.rect[2] + 1)

    def _cells(self) -> Iterator[tuple[int, int]]:
        r1, c1, r2, c2 = self.rect
        for row in range(r1, r2 + 1):
            for column in range(c1, c2 + 1):
                yield row, column

    # Navigation

    def expand(self, mode: str = "table") -> _RangeImpl:
        r1, c1, r2, c2 = self.rect
        # Same rules as xlwings' expanders: runs of non-empty cells next to the
        # top-left cell, ignoring whether that cell itself is empty.
        if mode == "table":
            rect = (r1, c1, r1 + self._run(1, 0), c1 + self._run(0, 1))
        elif mode in ("down", "d", "vertical"):
            rect = (r1, c1, r1 + self._run(1, 0), c2)
        elif mode in ("right", "r", "horizontal"):
            rect = (r1, c1, r2, c1 + self._run(0, 1))
        else:
            raise ValueError("Expansion mode must be 'table', 'down', or 'right'.")
        return _RangeImpl(self.sheet, rect)

    def _run(self, down: int, right: int) -> int:
        """Number of non-empty cells in a row after the top-left cell."""
        row, column = self.row + down, self.column + right
        count = 0
        while (
            row <= MAX_ROWS and column <= MAX_COLUMNS and not self._empty(row, column)
        ):
            count += 1
            row, column = row + down, column + right
        return count

    def _empty(self, row: int, column: int) -> bool:
        book = self.sheet.book
        if book.lite:
            book.run.check_fresh(self.sheet.ws, (row, column, row, column), "scanning")
        cell = _existing_cell(self.sheet.ws, row, column)
        return cell is None or cell.value in (None, "")

    def end(self, direction: str) -> _RangeImpl:
        steps = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}
        down, right = steps[direction]
        row, column = self.row, self.column
        if self._empty(row, column) or self._off_or_empty(row + down, column + right):
            # Excel jumps over the gap here, xlwings Lite stays put.
            raise NotImplementedError(
                "test engine: Range.end() from an empty cell or next to one "
                "differs between Excel and xlwings Lite; not implemented"
            )
        while not self._off_or_empty(row + down, column + right):
            row, column = row + down, column + right
        return _RangeImpl(self.sheet, (row, column, row, column))

    def _off_or_empty(self, row: int, column: int) -> bool:
        inside = 1 <= row <= MAX_ROWS and 1 <= column <= MAX_COLUMNS
        return not inside or self._empty(row, column)

    # Objects around the range

    @property
    def table(self) -> _TableImpl | None:
        _lite_unsupported(self.sheet.book, "Range.table", "await get_table()")
        return self.sheet.table_at(self.row, self.column)

    @property
    def autofilter(self) -> _AutoFilterImpl:
        for table in self.sheet.ws.tables.values():
            if _intersects(self.rect, _ref_rect(table.ref)):
                raise NotImplementedError(
                    "test engine: Range.autofilter on a table's cells not "
                    "implemented; use table.autofilter"
                )
        return _AutoFilterImpl(self.sheet, None, self.rect)

    def select(self) -> None:
        book = self.sheet.book
        book.stats.record_action("select", self._where())
        book.later(lambda: book.set_selection(self))


def _read_rect(sheet: _SheetImpl, rect: Rect) -> list[list[Any]]:
    cells, epoch = sheet.ws._cells, sheet.book.workbook.epoch
    r1, c1, r2, c2 = rect
    columns = range(c1, c2 + 1)
    return [
        [_excel_value(cells.get((row, column)), epoch) for column in columns]
        for row in range(r1, r2 + 1)
    ]


def _write_block(
    sheet: _SheetImpl, rect: Rect, rows: list[list[Any]], kind: str
) -> None:
    """Write a block of values: check every value first, so a refused write
    leaves the sheet untouched, then store them and count one write."""
    ws = sheet.ws
    prepared = [[_prepare_value(value) for value in row] for row in rows]
    _check_texts(ws, rect, prepared)
    _guard_table_edges(sheet, rect)
    _guard_header_change(sheet, rect, prepared)
    sheet.book.run.note_sheet(ws)
    for i, row in enumerate(prepared):
        for j, value in enumerate(row):
            _store(ws, rect[0] + i, rect[1] + j, value)
    _record_write(sheet, rect, kind)


def _check_texts(ws: Worksheet, rect: Rect, rows: list[list[Any]]) -> None:
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, str):
                where_row, where_col = rect[0] + i, rect[1] + j
                fmt = _number_format_at(ws, where_row, where_col)
                where = _where(ws, (where_row, where_col, where_row, where_col))
                _check_text(value, fmt, where)


def _record_write(sheet: _SheetImpl, rect: Rect, kind: str) -> None:
    sheet.book.run.written.append((sheet.ws, rect))
    sheet.book.stats.record_write(kind, _where(sheet.ws, rect))


def _guard_table_edges(sheet: _SheetImpl, rect: Rect) -> None:
    """Refuse writes just below or right of a table, where Excel may grow it."""
    for table in sheet.ws.tables.values():
        r1, c1, r2, c2 = _ref_rect(table.ref)
        edges = (
            (r2 + 1, c1, r2 + 1, c2, "below"),
            (r1, c2 + 1, r2, c2 + 1, "right of"),
        )
        for *edge, side in edges:
            if _intersects(rect, tuple(edge)):
                raise NotImplementedError(
                    f"test engine: writing {_where(sheet.ws, rect)}, directly "
                    f"{side} table {table.displayName}, is not implemented: Excel "
                    "may grow the table there. Use table.rows.add() or "
                    "table.columns.add()."
                )


def _guard_header_change(
    sheet: _SheetImpl, rect: Rect, rows: list[list[Any]] | None
) -> None:
    """Keep table column names in step with header cells, as Excel does."""
    for table in sheet.ws.tables.values():
        geometry = _TableGeometry(table.ref, table)
        if not geometry.headers:
            continue
        header = (geometry.r1, geometry.c1, geometry.r1, geometry.c2)
        if _intersects(rect, header):
            _rename_columns(sheet, table, rect, rows)


def _rename_columns(
    sheet: _SheetImpl, table: XlTable, rect: Rect, rows: list[list[Any]] | None
) -> None:
    columns = _table_columns(sheet, table)
    names = [column.name for column in columns]
    first_col = _ref_rect(table.ref)[1]
    header_row = _ref_rect(table.ref)[0]
    for index in range(len(names)):
        column = first_col + index
        if rect[1] <= column <= rect[3]:
            new = None if rows is None else rows[header_row - rect[0]][column - rect[1]]
            names[index] = new if isinstance(new, str) else None
    valid = all(names) and len({n.casefold() for n in names}) == len(names)
    if not valid:
        raise NotImplementedError(
            f"test engine: a blank, non-text or duplicate header in table "
            f"{table.displayName} not implemented (Excel would rename it)"
        )
    for column, name in zip(columns, names, strict=True):
        column.name = name


# --- Tables ---------------------------------------------------------------------


def _ref_rect(ref: str) -> Rect:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return (min_row, min_col, max_row, max_col)


class _TableGeometry:
    """Rows and columns of a table for a given ref."""

    def __init__(self, ref: str, table: XlTable, insert_row: bool | None = None):
        self.r1, self.c1, self.r2, self.c2 = _ref_rect(ref)
        header_count = 1 if table.headerRowCount is None else table.headerRowCount
        self.headers = int(header_count)
        self.totals = int(table.totalsRowCount or 0)
        self.first_data_row = self.r1 + self.headers
        body_rows = self.r2 - self.totals - self.first_data_row + 1
        # An empty table keeps one blank "insert row" that is not a data row.
        shows_insert_row = table.insertRow if insert_row is None else insert_row
        self.insert_row = body_rows == 1 and bool(shows_insert_row)
        self.data_rows = 0 if self.insert_row else max(body_rows, 0)

    @property
    def last_data_row(self) -> int:
        return self.first_data_row + self.data_rows - 1

    def rect(self) -> Rect:
        return (self.r1, self.c1, self.r2, self.c2)

    def filter_rect(self) -> Rect:
        """Header and body, without the totals row: the ref of the table's filter."""
        return (self.r1, self.c1, self.r2 - self.totals, self.c2)

    def data_rows_range(self) -> range:
        return range(self.first_data_row, self.last_data_row + 1)


def _table_columns(sheet: _SheetImpl, table: XlTable) -> list[XlTableColumn]:
    """The table's column list, created from the header cells if missing (openpyxl
    only fills it when saving)."""
    r1, c1, _, c2 = _ref_rect(table.ref)
    if len(table.tableColumns) != c2 - c1 + 1:
        headers = _read_rect(sheet, (r1, c1, r1, c2))[0]
        table.tableColumns = [
            XlTableColumn(id=i + 1, name=_filter_text(header))
            for i, header in enumerate(headers)
        ]
    return list(table.tableColumns)


class _TablesImpl(_Strict):
    __slots__ = ("sheet",)
    _xl_name = "Tables"

    def __init__(self, sheet: _SheetImpl) -> None:
        self.sheet = sheet

    def _all(self) -> list[XlTable]:
        return list(self.sheet.ws.tables.values())

    def __call__(self, key: int | str) -> _TableImpl:
        tables = self._all()
        if isinstance(key, int):
            if not 1 <= key <= len(tables):
                raise KeyError(key)
            return _TableImpl(self.sheet, tables[key - 1])
        for table in tables:
            if table.displayName == key:  # exact match, as in Lite
                return _TableImpl(self.sheet, table)
        raise KeyError(key)

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[_TableImpl]:
        for table in self._all():
            yield _TableImpl(self.sheet, table)

    def __contains__(self, key: object) -> bool:
        return any(table.displayName == key for table in self._all())


class _TableImpl(_Strict):
    __slots__ = ("sheet", "table")
    _xl_name = "Table"

    def __init__(self, sheet: _SheetImpl, table: XlTable) -> None:
        self.sheet = sheet
        self.table = table

    @property
    def parent(self) -> _SheetImpl:
        return self.sheet

    @property
    def name(self) -> str:
        return self.table.displayName

    def geometry(self) -> _TableGeometry:
        """The table as it is now."""
        return _TableGeometry(self.table.ref, self.table)

    def _reported(self) -> _TableGeometry:
        """The table as scripts see it: in lite mode, as it was when the run
        started, because xlwings Lite reports the snapshot's addresses."""
        book, now = self.sheet.book, (self.table.ref, self.table.insertRow)
        ref, insert_row = (
            book.run.table_refs.get(id(self.table), now) if book.lite else now
        )
        return _TableGeometry(ref, self.table, insert_row)

    def _range(self, rect: Rect) -> _RangeImpl:
        return _RangeImpl(self.sheet, rect)

    @property
    def range(self) -> _RangeImpl:
        return self._range(self._reported().rect())

    @property
    def header_row_range(self) -> _RangeImpl | None:
        g = self._reported()
        return self._range((g.r1, g.c1, g.r1, g.c2)) if g.headers else None

    @property
    def data_body_range(self) -> _RangeImpl | None:
        g = self._reported()
        if not g.data_rows:
            return None
        return self._range((g.first_data_row, g.c1, g.last_data_row, g.c2))

    @property
    def totals_row_range(self) -> _RangeImpl | None:
        g = self._reported()
        return self._range((g.r2, g.c1, g.r2, g.c2)) if g.totals else None

    @property
    def insert_row_range(self) -> _RangeImpl | None:
        _lite_unsupported(self.sheet.book, "Table.insert_row_range", "none exists")
        g = self.geometry()
        row = g.first_data_row
        return self._range((row, g.c1, row, g.c2)) if g.insert_row else None

    @property
    def show_headers(self) -> bool:
        return bool(self.geometry().headers)

    @property
    def show_totals(self) -> bool:
        return bool(self.geometry().totals)

    @property
    def rows(self) -> _TableRowsImpl:
        return _TableRowsImpl(self)

    @property
    def columns(self) -> _TableColumnsImpl:
        return _TableColumnsImpl(self)

    @property
    def autofilter(self) -> _AutoFilterImpl:
        return _AutoFilterImpl(self.sheet, self, None)

    @property
    def show_autofilter(self) -> bool:
        return bool(self.table.autoFilter)

    @show_autofilter.setter
    def show_autofilter(self, value: bool) -> None:
        if value and not self.table.autoFilter:
            ref = _a1(self.geometry().filter_rect())
            self.table.autoFilter = XlAutoFilter(ref=ref)
        elif not value and self.table.autoFilter:
            # Excel shows every row again when the filter buttons go.
            _AutoFilterImpl(self.sheet, self, None).clear(None)
            self.table.autoFilter = None
        self.sheet.book.stats.record_action("show_autofilter", f"{self.name}={value}")

    def resize(self, new_range: Any) -> None:
        rect = new_range.impl.rect if isinstance(new_range, xw.Range) else None
        g = self.geometry()
        same_start = rect is not None and rect[:2] == (g.r1, g.c1)
        if not same_start or rect[3] != g.c2 or new_range.impl.sheet is not self.sheet:
            raise NotImplementedError(
                "test engine: Table.resize() other than changing the number of "
                "rows not implemented"
            )
        if rect[2] < g.r1 + g.headers + g.totals:
            raise ValueError("test engine: a table needs at least one data row")
        self._refuse_overlap(rect)
        self._set_ref(rect, "table_resize")

    def _refuse_overlap(self, rect: Rect) -> None:
        for other in self.sheet.ws.tables.values():
            if other is not self.table and _intersects(rect, _ref_rect(other.ref)):
                raise NotImplementedError(
                    f"test engine: table {self.name} would overlap {other.displayName}"
                )

    def _set_ref(self, rect: Rect, kind: str) -> None:
        """Change the table's ref, keeping what this run's snapshot said."""
        self.sheet.book.run.note_table(self.table)
        self.sheet.book.run.note_sheet(self.sheet.ws)
        self.table.ref = _a1(rect)
        if self.table.autoFilter:
            self.table.autoFilter.ref = _a1(self.geometry().filter_rect())
        self.sheet.book.stats.record_action(kind, _where(self.sheet.ws, rect))

    def add_row(self, values: list[Any] | None) -> int:
        """Excel's ListRows.Add at the end: insert a row, fill it, return its index."""
        g = self.geometry()
        row = g.first_data_row if g.insert_row else g.last_data_row + 1
        template = g.last_data_row if g.data_rows else None
        rows = [list(values)] if values is not None else None
        if rows:
            _check_row_texts(self.sheet.ws, row, g.c1, rows[0], template)
        if not g.insert_row:
            _open_gap(self.sheet, self.table, (row, g.c1, row, g.c2), down=True)
        _refuse_filled(self.sheet, (row, g.c1, row, g.c2), self.name)
        if template is not None:
            _copy_styles(
                self.sheet.ws, (template, g.c1, template, g.c2), row - template, 0
            )
        self.sheet.book.run.note_table(self.table)
        self.table.insertRow = None
        new_last = g.r2 if g.insert_row else g.r2 + 1
        self._set_ref((g.r1, g.c1, new_last, g.c2), "table_grow")
        if rows:
            _write_block(self.sheet, (row, g.c1, row, g.c2), rows, "table_rows_add")
        return self.geometry().data_rows

    def add_column(self, name: str) -> None:
        """Excel's ListColumns.Add at the end: insert a column right of the table."""
        g = self.geometry()
        column = g.c2 + 1
        if column > MAX_COLUMNS:
            raise ValueError("test engine: no room for another column")
        _open_gap(self.sheet, self.table, (g.r1, column, g.r2, column), down=False)
        _refuse_filled(self.sheet, (g.r1, column, g.r2, column), self.name)
        _copy_styles(self.sheet.ws, (g.r1, g.c2, g.r2, g.c2), 0, 1)
        columns = _table_columns(self.sheet, self.table)
        next_id = max((c.id for c in columns), default=0) + 1
        self.table.tableColumns.append(XlTableColumn(id=next_id, name=name))
        self._set_ref((g.r1, g.c1, g.r2, column), "table_grow")
        if g.headers:
            _store(self.sheet.ws, g.r1, column, name)
            _record_write(self.sheet, (g.r1, column, g.r1, column), "table_columns_add")


def _check_row_texts(
    ws: Worksheet, row: int, first_col: int, values: list[Any], template: int | None
) -> None:
    # The new row takes its formats from the row above, so check against those.
    for j, value in enumerate(values):
        if isinstance(value, str):
            column = first_col + j
            fmt = (
                "General"
                if template is None
                else _number_format_at(ws, template, column)
            )
            _check_text(value, fmt, _where(ws, (row, column, row, column)))


def _open_gap(sheet: _SheetImpl, table: XlTable, gap: Rect, down: bool) -> None:
    """Shift the cells from `gap` to the end of the sheet by one row down (or one
    column right), within the gap's columns (rows), as Excel's insert does. The
    table's own totals row moves with them."""
    ws = sheet.ws
    r1, c1, r2, c2 = gap
    cells = [
        key
        for key in ws._cells
        if (down and c1 <= key[1] <= c2 and key[0] >= r1)
        or (not down and r1 <= key[0] <= r2 and key[1] >= c1)
    ]
    if not cells:
        return
    last = max(key[0] if down else key[1] for key in cells)
    block = (r1, c1, last, c2) if down else (r1, c1, r2, last)
    _refuse_shift(sheet, table, block)
    sheet.book.run.note_sheet(ws)
    ws.move_range(_a1(block), rows=1 if down else 0, cols=0 if down else 1)
    sheet.book.stats.record_action("shift_cells", _where(ws, block))


def _refuse_shift(sheet: _SheetImpl, own: XlTable, block: Rect) -> None:
    ws = sheet.ws
    for merged in ws.merged_cells.ranges:
        if _intersects(
            block, (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
        ):
            raise NotImplementedError(
                f"test engine: shifting {_where(ws, block)} with merged cells not "
                "implemented"
            )
    for table in ws.tables.values():
        if table is not own and _intersects(block, _ref_rect(table.ref)):
            raise NotImplementedError(
                f"test engine: shifting {_where(ws, block)} would move table "
                f"{table.displayName}; not implemented"
            )


def _refuse_filled(sheet: _SheetImpl, rect: Rect, table_name: str) -> None:
    """The explicit never-overwrite check: a row or column about to become part of
    the table must be empty."""
    values = _read_rect(sheet, rect)
    if any(value is not None for row in values for value in row):
        raise OverwriteError(
            f"test engine: {_where(sheet.ws, rect)} is not empty; adding it to "
            f"table {table_name} would overwrite it"
        )


def _copy_styles(ws: Worksheet, source: Rect, rows: int, columns: int) -> None:
    """Copy the formats of `source` to the cells `rows` down and `columns` right,
    as Excel formats a new table row like the one above it."""
    r1, c1, r2, c2 = source
    for row in range(r1, r2 + 1):
        for column in range(c1, c2 + 1):
            cell = _existing_cell(ws, row, column)
            if cell is not None and cell.has_style:
                ws.cell(row + rows, column + columns)._style = copy(cell._style)


class _TableRowsImpl(_Strict):
    __slots__ = ("table",)
    _xl_name = "TableRows"

    def __init__(self, table: _TableImpl) -> None:
        self.table = table

    @property
    def column_count(self) -> int:
        g = self.table.geometry()
        return g.c2 - g.c1 + 1

    def __len__(self) -> int:
        return self.table.geometry().data_rows  # Lite counts added rows too

    def __call__(self, key: int) -> _TableRowImpl:
        if (
            isinstance(key, bool)
            or not isinstance(key, int)
            or not 1 <= key <= len(self)
        ):
            raise KeyError(key)
        return _TableRowImpl(self.table, key)

    def __iter__(self) -> Iterator[_TableRowImpl]:
        for index in range(1, len(self) + 1):
            yield _TableRowImpl(self.table, index)

    def add(self, values: list[Any] | None, index: int | None) -> _TableRowImpl:
        if index is not None and index != len(self) + 1:
            raise NotImplementedError(
                "test engine: inserting a table row other than at the end not "
                "implemented"
            )
        return _TableRowImpl(self.table, self.table.add_row(values))


class _TableRowImpl(_Strict):
    __slots__ = ("table", "index")
    _xl_name = "TableRow"

    def __init__(self, table: _TableImpl, index: int) -> None:
        self.table = table
        self.index = index

    @property
    def range(self) -> _RangeImpl:
        _lite_unsupported(self.table.sheet.book, "TableRow.range", "await get_range()")
        g = self.table.geometry()
        row = g.first_data_row + self.index - 1
        return _RangeImpl(self.table.sheet, (row, g.c1, row, g.c2))


class _TableColumnsImpl(_Strict):
    __slots__ = ("table",)
    _xl_name = "TableColumns"

    def __init__(self, table: _TableImpl) -> None:
        self.table = table

    def _names(self) -> list[str]:
        return [c.name for c in _table_columns(self.table.sheet, self.table.table)]

    def __len__(self) -> int:
        return len(self._names())

    def __call__(self, key: int | str) -> _TableColumnImpl:
        names = self._names()
        if isinstance(key, int) and not isinstance(key, bool):
            if not 1 <= key <= len(names):
                raise KeyError(key)
            return _TableColumnImpl(self.table, names[key - 1])
        if key in names:
            return _TableColumnImpl(self.table, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[_TableColumnImpl]:
        for name in self._names():
            yield _TableColumnImpl(self.table, name)

    def __contains__(self, key: object) -> bool:
        return key in self._names()

    def add(self, name: str, index: int | None) -> _TableColumnImpl:
        if index is not None and index != len(self) + 1:
            raise NotImplementedError(
                "test engine: inserting a table column other than at the end not "
                "implemented"
            )
        self.table.add_column(name)
        return _TableColumnImpl(self.table, name)


class _TableColumnImpl(_Strict):
    __slots__ = ("table", "name")
    _xl_name = "TableColumn"

    def __init__(self, table: _TableImpl, name: str) -> None:
        self.table = table
        self.name = name

    @property
    def index(self) -> int:
        return _TableColumnsImpl(self.table)._names().index(self.name) + 1

    def _column_rect(self, first_row: int, last_row: int) -> _RangeImpl:
        column = self.table.geometry().c1 + self.index - 1
        return _RangeImpl(self.table.sheet, (first_row, column, last_row, column))

    @property
    def range(self) -> _RangeImpl:
        _lite_unsupported(
            self.table.sheet.book, "TableColumn.range", "await get_range()"
        )
        g = self.table.geometry()
        return self._column_rect(g.r1, g.r2)

    @property
    def data_body_range(self) -> _RangeImpl | None:
        _lite_unsupported(
            self.table.sheet.book,
            "TableColumn.data_body_range",
            "await get_data_body_range()",
        )
        g = self.table.geometry()
        if not g.data_rows:
            return None
        return self._column_rect(g.first_data_row, g.last_data_row)


# --- AutoFilter -----------------------------------------------------------------

_XML_OPERATORS = {
    "equal_to": "equal",
    "not_equal_to": "notEqual",
    "greater_than": "greaterThan",
    "less_than": "lessThan",
    "greater_than_or_equal": "greaterThanOrEqual",
    "less_than_or_equal": "lessThanOrEqual",
}
_OPERATORS_FROM_XML = {xml: name for name, xml in _XML_OPERATORS.items()}
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "greater_than": lambda a, b: a > b,
    "less_than": lambda a, b: a < b,
    "greater_than_or_equal": lambda a, b: a >= b,
    "less_than_or_equal": lambda a, b: a <= b,
}


class _AutoFilterImpl(_Strict):
    """The AutoFilter of a table (`table` set) or of a plain range (`rect` set)."""

    __slots__ = ("sheet", "table", "fixed_rect")
    _xl_name = "AutoFilter"

    def __init__(self, sheet: _SheetImpl, table: _TableImpl | None, rect: Rect | None):
        self.sheet = sheet
        self.table = table
        self.fixed_rect = rect

    def _rect(self) -> Rect:
        """Header row plus data rows."""
        if self.table is None:
            return self.fixed_rect
        if not self.table.geometry().headers:
            raise NotImplementedError("test engine: filtering a table without headers")
        return self.table.geometry().filter_rect()

    def _xml(self, create: bool) -> XlAutoFilter | None:
        if self.table is not None:
            if create and not self.table.table.autoFilter:
                self.table.table.autoFilter = XlAutoFilter(ref=_a1(self._rect()))
            return self.table.table.autoFilter or None
        xml = self.sheet.ws.auto_filter
        if xml.ref and _ref_rect(xml.ref) != self._rect():
            raise NotImplementedError(
                f"test engine: sheet {self.sheet.name} already filters {xml.ref}"
            )
        if create:
            xml.ref = _a1(self._rect())
        return xml if xml.ref else None

    def _specs(self) -> dict[int, dict[str, Any]]:
        key = (
            ("table", id(self.table.table))
            if self.table
            else ("sheet", id(self.sheet.ws))
        )
        filters = self.sheet.book.filters
        if key not in filters:
            xml = self._xml(create=False)
            columns = xml.filterColumn if xml else []
            filters[key] = {fc.colId + 1: _spec_from_xml(fc) for fc in columns}
        return filters[key]

    @property
    def criteria(self) -> list[dict[str, Any]]:
        _lite_unsupported(
            self.sheet.book, "AutoFilter.criteria", "await autofilter.get_criteria()"
        )
        specs = self._specs()
        ncols = self._rect()[3] - self._rect()[1] + 1
        return [_public_spec(specs.get(f), f) for f in range(1, ncols + 1)]

    def apply_values(self, field: int, values: list[str]) -> None:
        spec = empty_autofilter_criteria(field, "values")
        spec["values"] = list(values)
        self._set(field, spec)

    def apply_comparison(self, field: int, operator: str, value1: Any, value2: Any):
        spec = empty_autofilter_criteria(field, "comparison")
        spec.update(operator=operator, value1=value1, value2=value2)
        self._set(field, spec)

    def clear(self, field: int | None) -> None:
        specs = self._specs()
        if field is None:
            specs.clear()
        else:
            specs.pop(field, None)
        if self._xml(create=False) is not None:
            self._apply()

    def _set(self, field: int, spec: dict[str, Any]) -> None:
        self._specs()[field] = spec
        self._apply()

    def _apply(self) -> None:
        """Store the criteria in openpyxl and hide the rows that fail them."""
        specs = self._specs()
        xml = self._xml(create=True)
        xml.ref = _a1(self._rect())
        xml.filterColumn = [
            _spec_to_xml(f, specs[f], self._epoch()) for f in sorted(specs)
        ]
        ws, first_col = self.sheet.ws, self._rect()[1]
        for row in self._data_rows():
            ws.row_dimensions[row].hidden = not self._passes(row, first_col, specs)
        self.sheet.book.stats.record_action("autofilter", _where(ws, self._rect()))

    def _data_rows(self) -> range:
        if self.table is not None:
            return self.table.geometry().data_rows_range()
        return range(self.fixed_rect[0] + 1, self.fixed_rect[2] + 1)

    def _epoch(self) -> dt.datetime:
        return self.sheet.book.workbook.epoch

    def _passes(
        self, row: int, first_col: int, specs: dict[int, dict[str, Any]]
    ) -> bool:
        for field_no, spec in specs.items():
            column = first_col + field_no - 1
            value = _read_rect(self.sheet, (row, column, row, column))[0][0]
            if not _spec_passes(spec, value, self._epoch()):
                return False
        return True


def _public_spec(spec: dict[str, Any] | None, field_no: int) -> dict[str, Any]:
    if spec is None:
        return empty_autofilter_criteria(field_no)
    public = {k: v for k, v in spec.items() if not k.startswith("_")}
    for key in ("value1", "value2"):
        if isinstance(public.get(key), dict):
            public[key] = public[key]["value"]
    return public


def _spec_passes(spec: dict[str, Any], value: Any, epoch: dt.datetime) -> bool:
    if spec["type"] == "values":
        return _filter_text(value).casefold() in {v.casefold() for v in spec["values"]}
    if spec["type"] == "comparison":
        op = spec["operator"]
        first = _operand(spec["value1"])
        if op == "between":
            second = _operand(spec["value2"])
            return _compare("greater_than_or_equal", value, first, epoch) and _compare(
                "less_than_or_equal", value, second, epoch
            )
        if op == "not_between":
            second = _operand(spec["value2"])
            return _compare("less_than", value, first, epoch) or _compare(
                "greater_than", value, second, epoch
            )
        return _compare(op, value, first, epoch)
    raise NotImplementedError(
        f"test engine: evaluating a {spec['type']} AutoFilter not implemented"
    )


def _filter_text(value: Any) -> str:
    """The text Excel shows for a value (General format), which value filters use."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else str(value)
    return str(value)


def _operand(raw: Any) -> Any:
    """An xlwings-normalised filter operand as a Python value."""
    if raw is None or not isinstance(raw, str | dict):
        return raw
    if isinstance(raw, dict):
        moment = dt.datetime.fromisoformat(raw["value"])
        return (raw["type"], _as_datetime(moment))
    if raw.upper() in ("TRUE", "FALSE"):
        return raw.upper() == "TRUE"
    try:
        return float(raw)
    except ValueError:
        return raw


def _compare(op: str, value: Any, operand: Any, epoch: dt.datetime) -> bool:
    if operand is None:  # None means blanks (equal_to) or non-blanks (not_equal_to)
        return (value is None) == (op == "equal_to")
    if op == "not_equal_to":
        return not _compare("equal_to", value, operand, epoch)
    if value is None:
        return False
    if op == "equal_to":
        return _equals(value, operand)
    pair = _ordered(value, operand, epoch)
    return pair is not None and _ORDERINGS[op](*pair)


def _equals(value: Any, operand: Any) -> bool:
    if isinstance(operand, tuple):  # a date or datetime
        kind, moment = operand
        if not isinstance(value, dt.datetime):
            return False
        return value.date() == moment.date() if kind == "date" else value == moment
    if isinstance(operand, bool):
        return isinstance(value, bool) and value == operand
    if isinstance(operand, float):
        if isinstance(value, float):
            return value == operand
        operand = _filter_text(operand)  # a number also matches its text
    return _wildcard(operand).fullmatch(_filter_text(value)) is not None


def _wildcard(pattern: str) -> re.Pattern[str]:
    """Excel's filter wildcards: * any text, ? one character, ~ escapes."""
    parts, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "~" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append({"*": ".*", "?": "."}.get(char, re.escape(char)))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _ordered(value: Any, operand: Any, epoch: dt.datetime) -> tuple[Any, Any] | None:
    if isinstance(value, bool) or isinstance(operand, bool):
        return None
    if isinstance(operand, tuple):
        return (value, operand[1]) if isinstance(value, dt.datetime) else None
    if isinstance(operand, float):
        if isinstance(value, dt.datetime):
            return (to_excel(value, epoch), operand)
        return (value, operand) if isinstance(value, float) else None
    if isinstance(value, str):
        return (value.casefold(), str(operand).casefold())
    return None


def _spec_to_xml(
    field_no: int, spec: dict[str, Any], epoch: dt.datetime
) -> FilterColumn:
    if "_xml" in spec:
        return spec["_xml"]
    col_id = field_no - 1
    if spec["type"] == "values":
        values = spec["values"]
        shown = [v for v in values if v != ""]
        return FilterColumn(
            colId=col_id, filters=Filters(blank="" in values or None, filter=shown)
        )
    op, first, second = spec["operator"], spec["value1"], spec["value2"]
    if first is None:
        if op == "equal_to":
            return FilterColumn(colId=col_id, filters=Filters(blank=True))
        return _custom(col_id, [("notEqual", " ")], both=False)
    value1, value2 = _xml_value(first, epoch), _xml_value(second, epoch)
    if op == "between":
        return _custom(
            col_id,
            [("greaterThanOrEqual", value1), ("lessThanOrEqual", value2)],
            both=True,
        )
    if op == "not_between":
        return _custom(
            col_id, [("lessThan", value1), ("greaterThan", value2)], both=False
        )
    return _custom(col_id, [(_XML_OPERATORS[op], value1)], both=False)


def _custom(col_id: int, filters: list[tuple[str, str]], both: bool) -> FilterColumn:
    custom = [CustomFilter(operator=op, val=val) for op, val in filters]
    return FilterColumn(
        colId=col_id,
        customFilters=CustomFilters(_and=both or None, customFilter=custom),
    )


def _xml_value(raw: Any, epoch: dt.datetime) -> str | None:
    if isinstance(raw, dict):  # Excel stores dates in filters as serial numbers
        moment = _as_datetime(dt.datetime.fromisoformat(raw["value"]))
        return _filter_text(float(to_excel(moment, epoch)))
    return raw


def _spec_from_xml(fc: FilterColumn) -> dict[str, Any]:
    """Criteria already saved in the file, so that new ones combine with them."""
    field_no = fc.colId + 1
    if fc.filters is not None and not fc.filters.dateGroupItem:
        spec = empty_autofilter_criteria(field_no, "values")
        spec["values"] = list(fc.filters.filter) + ([""] if fc.filters.blank else [])
        return spec
    if fc.customFilters is not None:
        spec = _custom_spec(field_no, fc.customFilters)
        if spec:
            return spec
    unknown = empty_autofilter_criteria(field_no, "unknown")
    unknown["_xml"] = fc
    return unknown


def _custom_spec(field_no: int, custom: CustomFilters) -> dict[str, Any] | None:
    pairs = [(cf.operator or "equal", cf.val) for cf in custom.customFilter]
    spec = empty_autofilter_criteria(field_no, "comparison")
    if len(pairs) == 1:
        op, val = pairs[0]
        if (op, val) == ("notEqual", " "):
            spec.update(operator="not_equal_to", value1=None)
        else:
            spec.update(operator=_OPERATORS_FROM_XML[op], value1=val)
        return spec
    ops = tuple(op for op, _ in pairs)
    if custom._and and ops == ("greaterThanOrEqual", "lessThanOrEqual"):
        spec.update(operator="between", value1=pairs[0][1], value2=pairs[1][1])
        return spec
    if not custom._and and ops == ("lessThan", "greaterThan"):
        spec.update(operator="not_between", value1=pairs[0][1], value2=pairs[1][1])
        return spec
    return None


# --- Public helpers for tests ---------------------------------------------------


def open_book(
    source: str | PathLike[str] | Any, *, lite: bool = True, name: str | None = None
) -> xw.Book:
    """An xlwings Book on an openpyxl workbook (a path, or a Workbook used as is).

    lite=True (default) behaves like xlwings Lite, see the module docstring."""
    if isinstance(source, openpyxl.Workbook):
        workbook, path = source, None
    else:
        path = Path(fspath(source))
        workbook = openpyxl.load_workbook(path)
    book_name = name or (path.name if path else "Book1")
    return xw.Book(impl=_BookImpl(workbook, book_name, path, lite))


def save(book: xw.Book, path: str | PathLike[str]) -> None:
    """Write the book's openpyxl workbook to `path` (not counted, works in lite)."""
    book.impl.workbook.save(fspath(path))


def select(book: xw.Book, sheet_name: str, address: str) -> xw.Range:
    """The user selects `address` on `sheet_name` (which becomes the active sheet)."""
    sheet = book.impl.sheets(sheet_name)
    selection = sheet.range(address)
    book.impl.set_selection(selection)
    return xw.Range(impl=selection)


def start_run(book: xw.Book) -> None:
    """End the current script run and start the next, as a new click would: what
    Lite applies after a script (selection, activation) happens, and reads see
    everything written so far."""
    impl = book.impl
    for action in impl.run.pending:
        action()
    impl.run = _Run()


def stats(book: xw.Book) -> Stats:
    return book.impl.stats


def alerts(book: xw.Book) -> list[Alert]:
    return book.impl.app.alerts


def answer_alerts(book: xw.Book, *answers: str) -> None:
    """Queue the buttons the user presses ("ok", "yes", ...), lite=False only."""
    if book.impl.lite:
        raise LiteUnsupportedError(
            "test engine (lite mode): xlwings Lite alerts return None; there is "
            "no answer to script"
        )
    book.impl.app.answers.extend(answers)


def cell_values(book: xw.Book, sheet_name: str, address: str) -> list[list[Any]]:
    """The cells' values as Excel returns them, always 2-D, without counting a
    read or checking lite-mode staleness: for test assertions."""
    sheet = book.impl.sheets(sheet_name)
    return _read_rect(sheet, sheet.range(address).rect)


def hidden_rows(book: xw.Book, sheet_name: str) -> list[int]:
    ws = book.impl.sheets(sheet_name).ws
    return sorted(row for row, dim in ws.row_dimensions.items() if dim.hidden)
