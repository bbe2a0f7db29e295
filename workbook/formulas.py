"""Read what calamine cannot tell from a sheet's XML part: the cells whose value
it cannot give, and how far a sheet reaches before calamine loads it.

Formulas saved without their result and Excel error values (#N/A, #REF! …)
both come out of python-calamine as an empty string, which would make them
look like blank cells. A formula typed in Excel carries its last result in the
file; one written by another program may not, and then only the sheet's XML
tells. unreadable_cells marks such cells by their A1 name.

calamine holds a sheet as a dense block from its first to its last value, about
32 bytes a cell: one stray value in XFD1048576 asks for half a terabyte, and
the process dies. stated_extent and value_extent measure the block first.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

FORMULA_WITHOUT_RESULT = "formula-no-result"

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_NAME = re.compile(r"^([A-Z]+)(\d+)$")
# Bytes that must occur in a sheet part holding a formula or an error value.
_MARKERS = (b"<f", b"<x:f", b't="e"', b"t='e'")
_CHUNK = 1 << 20
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"'
)
# The dimension comes before the cells; this much of the part always holds it.
_HEAD_BYTES = 1 << 16


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip entry holding its XML, from the workbook's parts."""
    try:
        relations = _relations(archive.open("xl/_rels/workbook.xml.rels"))
        names = {}
        with archive.open("xl/workbook.xml") as stream:
            for _, element in iterparse(stream):
                if element.tag == f"{_MAIN}sheet":
                    target = relations.get(element.get(f"{_OFFICE_RELS}id"), "")
                    names[element.get("name")] = _entry(target)
        return names
    except KeyError:
        return {}  # not an xlsx package (an .ods or .xlsb that calamine reads)


def _relations(stream) -> dict[str, str]:
    with stream:
        return {
            element.get("Id"): element.get("Target")
            for _, element in iterparse(stream)
            if element.tag == f"{_RELS}Relationship"
        }


def _entry(target: str) -> str:
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def has_markers(archive: zipfile.ZipFile, entry: str) -> bool:
    """Whether the part could hold a formula or an error, by a byte scan that
    is far cheaper than parsing."""
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _MARKERS):
                return True
            tail = window[-8:]
    return False


def unreadable_cells(archive: zipfile.ZipFile, entry: str) -> dict[tuple, object]:
    """(row, column) (1-based) -> FORMULA_WITHOUT_RESULT or the error text."""
    if not has_markers(archive, entry):
        return {}
    found = {}
    with archive.open(entry) as stream:
        for _, element in iterparse(stream):
            if not element.tag.endswith("}c") and element.tag != "c":
                continue
            mark = _mark(element)
            if mark is not None:
                position = _position(element.get("r", ""))
                if position:
                    found[position] = mark
            element.clear()
    return found


def _mark(cell):
    formula = value = None
    for child in cell:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "f":
            formula = child
        elif tag == "v":
            value = child.text
    if cell.get("t") == "e":
        return (value or "#N/A").strip()
    if (
        formula is not None
        and (value is None or value == "")
        and cell.get("t") != "str"
    ):
        return FORMULA_WITHOUT_RESULT
    return None


def _position(name: str) -> tuple[int, int] | None:
    match = _CELL_NAME.match(name)
    if not match:
        return None
    letters, row = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(row), column


def open_package(path: Path) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return None


def stated_extent(archive: zipfile.ZipFile, entry: str) -> int | None:
    """How many cells the sheet's <dimension> says it spans, if it says."""
    with archive.open(entry) as stream:
        head = stream.read(_HEAD_BYTES)
    match = _DIMENSION.search(head)
    if not match:
        return None
    first = _position(match.group(1).decode())
    last = _position((match.group(2) or match.group(1)).decode())
    if not first or not last:
        return None
    return _cells(first, last)


def value_extent(archive: zipfile.ZipFile, entry: str) -> tuple[int, str]:
    """(cells, A1 name of the farthest cell) of the block from the first to the
    last cell holding a value, as calamine will hold it. Styled empty cells do
    not count, as calamine skips them; a stated dimension counts them."""
    rows, columns, far, reach = [], [], "", 0
    with archive.open(entry) as stream:
        for _, element in iterparse(stream):
            if element.tag.rsplit("}", 1)[-1] != "c":
                continue
            position = _holds_value(element) and _position(element.get("r", ""))
            if position:
                row, column = position
                rows, columns = _span(rows, row), _span(columns, column)
                if row * column > reach:
                    far, reach = element.get("r"), row * column
            element.clear()
    if not rows:
        return 0, ""
    return _cells((rows[0], columns[0]), (rows[1], columns[1])), far


def _span(span: list, value: int) -> list:
    return [value, value] if not span else [min(span[0], value), max(span[1], value)]


def _holds_value(cell) -> bool:
    return any(
        child.tag.rsplit("}", 1)[-1] in ("v", "is") and (child.text or len(child))
        for child in cell
    )


def _cells(first: tuple[int, int], last: tuple[int, int]) -> int:
    rows = abs(last[0] - first[0]) + 1
    columns = abs(last[1] - first[1]) + 1
    return rows * columns
