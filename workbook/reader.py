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
    unreadable_cells,
)
from workbook.opening import as_unreadable, open_workbook
from workbook.parse import read_book
from workbook.problems import cell_name, problem
from workbook.records import Book
from workbook.values import Bad, fold

# Blank-looking cells of the log that may really be a formula without its
# result or an error value; only then is the log's XML read a second time.
BLANK_CODES = ("missing-value", "missing-id")

WANTED_SHEETS = {fold(sheet.name) for sheet in layout.DATA_SHEETS}


class SheetRows(Mapping):
    """The policy's sheets of an open workbook, each read when first asked for.

    Formulas without a result and error values, which calamine reads as empty
    text, are put back into the rows of every sheet but the log (see
    fix_blank_log_cells for the log, whose XML is too large to read twice).
    """

    def __init__(self, workbook, package):
        self.workbook = workbook
        self.package = package
        self.parts = sheet_parts(package) if package else {}
        self.names = [n for n in workbook.sheet_names if fold(n) in WANTED_SHEETS]

    def __getitem__(self, name: str) -> Iterator[list]:
        if name not in self.names:
            raise KeyError(name)
        rows = rows_from_a1(self.workbook.get_sheet_by_name(name))
        if fold(name) == fold(layout.FOLLOW_UPS) or name not in self.parts:
            return rows
        return with_marks(rows, unreadable_cells(self.package, self.parts[name]))

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


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
            rows = SheetRows(workbook, package)
            book = read_book(rows)
            fix_blank_log_cells(book, rows)
            return book
    finally:
        workbook.close()
        if package is not None:
            package.close()
