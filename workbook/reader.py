"""Read a workbook file into typed records and problems.

python-calamine reads the cell values (roughly ten times faster than openpyxl on
a large log); workbook.parse turns them into records. Rows are streamed sheet by
sheet, so a full 1,048,576-row log is never held as Python lists. The file is
opened for reading only and never written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from workbook import layout
from workbook.formulas import (
    FORMULA_WITHOUT_RESULT,
    open_package,
    sheet_parts,
    stated_extent,
    unreadable_cells,
    value_extent,
)
from workbook.opening import UnreadableWorkbook, as_unreadable, open_workbook
from workbook.parse import read_book
from workbook.problems import cell_name, problem
from workbook.records import Book
from workbook.values import Bad, fold

# Blank-looking cells of the log that may really be a formula without its
# result or an error value; only then is the log's XML read a second time.
BLANK_CODES = ("missing-value", "missing-id")

WANTED_SHEETS = {fold(sheet.name) for sheet in layout.DATA_SHEETS}

# calamine holds a sheet as a dense block of about 32 bytes a cell: this many is
# about 1 GB. A full log, 1,048,575 rows by 10 columns, is a third of it.
MAX_SHEET_CELLS = 30_000_000


class SheetTooLarge(UnreadableWorkbook):
    """A sheet whose values span more cells than memory can hold; str() is the
    Chinese message, naming the sheet and the cell to clear."""

    MESSAGE = (
        "“{name}”的工作表“{sheet}”内容一直延伸到 {cell}，读取要占用约 {size} GB "
        "内存，远超正常的工作簿，已拒绝读取。多半是远处的单元格误填了内容："
        "请在 Excel 中按 Ctrl+End 找到它，删除多余的行和列后保存，再检查。"
    )

    def __init__(self, path: Path, sheet: str, cell: str, cells: int):
        super().__init__("unreadable", path)
        self.code = "sheet-too-large"
        size = f"{cells * 32 / 1e9:,.0f}"
        self.args = (
            self.MESSAGE.format(name=path.name, sheet=sheet, cell=cell, size=size),
        )


class SheetRows(Mapping):
    """The policy's sheets of an open workbook, each read when first asked for.

    Formulas without a result and error values, which calamine reads as empty
    text, are put back into the rows of every sheet but the log (see
    fix_blank_log_cells for the log, whose XML is too large to read twice).
    """

    def __init__(self, workbook, package, path: Path):
        self.workbook = workbook
        self.package = package
        self.path = path
        self.parts = sheet_parts(package) if package else {}
        self.names = [n for n in workbook.sheet_names if fold(n) in WANTED_SHEETS]

    def __getitem__(self, name: str) -> Iterator[list]:
        if name not in self.names:
            raise KeyError(name)
        if name in self.parts:
            refuse_far_reaching(self.path, self.package, self.parts[name], name)
        sheet = self.workbook.get_sheet_by_name(name)
        rows = rows_from_a1(sheet)
        if fold(name) != fold(layout.FOLLOW_UPS) and name in self.parts:
            rows = with_marks(rows, unreadable_cells(self.package, self.parts[name]))
        merged = sheet.merged_cell_ranges
        return MergedRows(rows, merged) if merged else rows

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class MergedRows:
    """A sheet's rows and its merged ranges, which parse.Table looks for."""

    def __init__(self, rows, merged_ranges):
        self.rows = rows
        self.merged_ranges = merged_ranges

    def __iter__(self):
        return iter(self.rows)


def with_marks(rows, marks: dict) -> Iterator[list]:
    """The rows with each marked cell holding a Bad or its error text."""
    if not marks:
        return rows
    by_row: dict[int, dict] = {}
    for (row, column), mark in marks.items():
        by_row.setdefault(row, {})[column] = mark
    return _marked(rows, by_row)


def _marked(rows, by_row):
    for number, row in enumerate(rows, start=1):
        cells = by_row.get(number)
        if cells:
            row = list(row) + [""] * max(0, max(cells) - len(row))
            for column, mark in cells.items():
                bad = mark == FORMULA_WITHOUT_RESULT
                row[column - 1] = Bad(FORMULA_WITHOUT_RESULT) if bad else mark
        yield row


def refuse_far_reaching(path: Path, package, entry: str, name: str) -> None:
    """Refuse a sheet too large for memory before calamine loads it. The stated
    dimension is read first, cheaply; only when it is too large are the cells
    with values measured (a styled empty cell far away is harmless). A file
    that understates its dimension, as WPS may, is not caught here."""
    stated = stated_extent(package, entry)
    if stated is None or stated <= MAX_SHEET_CELLS:
        return
    cells, far = value_extent(package, entry)
    if cells > MAX_SHEET_CELLS:
        raise SheetTooLarge(path, name, far, cells)


def fix_blank_log_cells(book: Book, rows: SheetRows) -> None:
    """Tell a formula without result or an error value in the log from a
    blank cell, for the cells that were reported blank."""
    blank = [
        p
        for p in book.problems
        if p.sheet == layout.FOLLOW_UPS and p.code in BLANK_CODES
    ]
    name = next((n for n in rows.names if fold(n) == fold(layout.FOLLOW_UPS)), None)
    if not blank or name not in rows.parts:
        return
    marks = unreadable_cells(rows.package, rows.parts[name])
    columns = book.columns.get(layout.FOLLOW_UPS, {})
    headers = {
        index + 1: layout.FOLLOW_UP_SHEET.column(key).header
        for key, index in columns.items()
    }
    found = {
        cell_name(*position): (mark, headers.get(position[1], ""))
        for position, mark in marks.items()
    }
    for index, old in enumerate(book.problems):
        if old not in blank or old.cell not in found:
            continue
        mark, header = found[old.cell]
        if mark == FORMULA_WITHOUT_RESULT:
            book.problems[index] = problem(mark, old.sheet, old.cell, header=header)
        else:
            book.problems[index] = problem(
                "error-value", old.sheet, old.cell, mark, header=header
            )


def rows_from_a1(sheet) -> Iterator[list]:
    """The sheet's rows from row 1 and column A, as parse expects them.

    iter_rows() starts at row 1 but at the first used column, so blank columns
    on the left are put back to keep every cell's name right.
    """
    rows = sheet.iter_rows()
    offset = sheet.start[1] if sheet.start else 0
    if offset:
        padding = [""] * offset
        return (padding + row for row in rows)
    return rows


def read_workbook(path: Path) -> Book:
    """Read the workbook at path; problems are collected, not raised.

    Raises workbook.opening.UnreadableWorkbook when the file is not a workbook
    that can be read at all.
    """
    path = Path(path)
    workbook = open_workbook(path)
    package = open_package(path)
    try:
        # calamine parses each sheet only when it is asked for it.
        with as_unreadable(path):
            rows = SheetRows(workbook, package, path)
            book = read_book(rows)
            fix_blank_log_cells(book, rows)
            return book
    finally:
        workbook.close()
        if package is not None:
            package.close()
