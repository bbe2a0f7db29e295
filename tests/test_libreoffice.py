"""Workbooks saved by another program read as the original does.

tests/data/libreoffice/ holds the sample workbook and what LibreOffice 7.4 made
of it: saved as .xlsx, saved as .ods, and the .ods saved back as .xlsx (see the
README there; make_libreoffice.py regenerates them). LibreOffice rewrites the
whole package: shared strings instead of inline strings, its own styles, a
thousand formatted empty rows below each table, a new dimension, its own
document properties. None of that may change a record, a problem or a fine, so
the records are compared field by field with no allowance at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.rules import month_fines
from workbook.reader import read_workbook
from workbook.sample import SAMPLE_AS_OF

FOLDER = Path(__file__).parent / "data" / "libreoffice"
SOURCE = FOLDER / "sample.xlsx"
CONVERTED = ("sample-libreoffice.xlsx", "sample-libreoffice.ods", "sample-via-ods.xlsx")
AS_OF = SAMPLE_AS_OF.isoformat()


@pytest.fixture(scope="module")
def original():
    return read_workbook(SOURCE)


def differences(kind: str, expected: list, found: list) -> list[str]:
    """Each field that differs, as "kind row field: expected != found"."""
    if len(expected) != len(found):
        return [f"{kind}: {len(expected)} records, found {len(found)}"]
    return [
        f"{kind} row {want.row} {field.name}: {getattr(want, field.name)!r} != "
        f"{getattr(got, field.name)!r}"
        for want, got in zip(expected, found, strict=True)
        for field in dataclasses.fields(want)
        if getattr(want, field.name) != getattr(got, field.name)
    ]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems(book) -> list[tuple]:
    return [(p.code, p.sheet, p.cell, p.value) for p in book.problems]


def test_the_files_were_saved_by_libreoffice():
    with zipfile.ZipFile(SOURCE) as source:
        assert "xl/sharedStrings.xml" not in source.namelist()
    for name in ("sample-libreoffice.xlsx", "sample-via-ods.xlsx"):
        with zipfile.ZipFile(FOLDER / name) as archive:
            properties = archive.read("docProps/app.xml").decode()
            clients = archive.read("xl/worksheets/sheet1.xml").decode()
            assert "<Application>LibreOffice/7.4" in properties
            assert "xl/sharedStrings.xml" in archive.namelist()
            # Formatted empty rows down to 1061, below 60 clients.
            assert '<dimension ref="A1:S1061"/>' in clients
    with zipfile.ZipFile(FOLDER / "sample-libreoffice.ods") as archive:
        mimetype = archive.read("mimetype")
        assert mimetype == b"application/vnd.oasis.opendocument.spreadsheet"


@pytest.mark.parametrize("name", CONVERTED)
def test_a_libreoffice_file_reads_to_the_same_records(original, name):
    book = read_workbook(FOLDER / name)

    found = (
        differences("客户", original.clients, book.clients)
        + differences("跟踪记录", original.follow_ups, book.follow_ups)
        + differences("人员", list(original.staff.values()), list(book.staff.values()))
        + differences("监管记录", original.findings, book.findings)
    )
    assert found == []
    assert len(book.clients) == 60 and len(book.follow_ups) > 1000
    assert list(book.staff) == list(original.staff)
    assert book.rules == original.rules
    assert problems(book) == problems(original)


@pytest.mark.parametrize("name", CONVERTED)
def test_a_libreoffice_file_gives_the_same_november_fines(original, name):
    expected = month_fines(original, "2026-11", SAMPLE_AS_OF)
    fines = month_fines(read_workbook(FOLDER / name), "2026-11", SAMPLE_AS_OF)

    assert fines.lines == expected.lines
    assert fines.misses == expected.misses
    assert (fines.total, fines.unfined_misses) == (
        expected.total,
        expected.unfined_misses,
    )
    assert expected.total > 0


@pytest.mark.parametrize("name", CONVERTED)
def test_a_libreoffice_file_prints_the_same_json(name, tmp_path):
    runner = CliRunner()

    def printed(path: Path, command: str, *options) -> tuple[int, dict]:
        result = runner.invoke(
            main, [command, str(path), "--as-of", AS_OF, "--json", *options]
        )
        return result.exit_code, json.loads(result.stdout)

    before = {path: sha256(path) for path in (SOURCE, FOLDER / name)}
    for command, options in (
        ("validate", ()),
        ("status", ()),
        ("fines", ("--month", "2026-11", "-o", str(tmp_path / "o.xlsx"), "--force")),
        ("audit", ("--month", "2026-11")),
    ):
        assert printed(FOLDER / name, command, *options) == printed(
            SOURCE, command, *options
        ), command
    assert {path: sha256(path) for path in before} == before
