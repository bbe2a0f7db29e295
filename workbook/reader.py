"""Read a workbook file into typed records and problems.

python-calamine reads the cell values (roughly ten times faster than openpyxl on
a large log); workbook.parse turns them into records. The file is opened for
reading only and never written.
"""

from __future__ import annotations

from pathlib import Path

from workbook import layout
from workbook.opening import open_workbook
from workbook.parse import read_book
from workbook.records import Book
from workbook.values import fold

WANTED_SHEETS = {fold(sheet.name) for sheet in layout.DATA_SHEETS}


def read_sheets(path: Path) -> dict[str, list]:
    """The rows, from A1, of every sheet the policy uses."""
    workbook = open_workbook(path)
    try:
        sheets = {}
        for name in workbook.sheet_names:
            if fold(name) not in WANTED_SHEETS:
                continue
            sheet = workbook.get_sheet_by_name(name)
            sheets[name] = sheet.to_python(skip_empty_area=False)
        return sheets
    finally:
        workbook.close()


def read_workbook(path: Path) -> Book:
    """Read the workbook at path; problems are collected, not raised.

    Raises workbook.opening.UnreadableWorkbook when the file is not a workbook
    that can be read at all.
    """
    return read_book(read_sheets(Path(path)))
