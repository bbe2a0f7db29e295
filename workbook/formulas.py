"""Find the cells whose value calamine cannot give: formulas saved without their
result, and Excel error values (#N/A, #REF! …).

python-calamine reads both as an empty string, which would make them look like
blank cells. A formula typed in Excel carries its last result in the file; one
written by another program may not, and then only the sheet's XML tells. This
module reads a sheet's XML part and marks such cells by their A1 name.
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
