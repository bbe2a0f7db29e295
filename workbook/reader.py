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
from workbook.opening import as_unreadable, open_workbook
from workbook.parse import read_book
from workbook.records import Book
from workbook.values import fold

WANTED_SHEETS = {fold(sheet.name) for sheet in layout.DATA_SHEETS}


class SheetRows(Mapping):
    """The policy's sheets of an open workbook, each read when first asked for."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.names = [n for n in workbook.sheet_names if fold(n) in WANTED_SHEETS]

    def __getitem__(self, name: str) -> Iterator[list]:
        if name not in self.names:
            raise KeyError(name)
        return rows_from_a1(self.workbook.get_sheet_by_name(name))

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


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
    workbook = open_workbook(Path(path))
    try:
        # calamine parses each sheet only when it is asked for it.
        with as_unreadable(path):
            return read_book(SheetRows(workbook))
    finally:
        workbook.close()
