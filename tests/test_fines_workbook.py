"""The fines workbook as a user sees it, whichever way its rows were written.

checker/fines_workbook.py writes the rows' XML itself and falls back to openpyxl's
own cells when it cannot; both must give the same workbook.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
import zipfile

import openpyxl
import pytest

from checker import fines_workbook
from checker.audit import Suspect, find_suspects
from checker.fines_workbook import save_fines_workbook
from checker.report import check_workbook
from checker.rules import month_fines
from workbook.problems import problem
from workbook.sample import SAMPLE_AS_OF, build_sample

FORMULA_TEXT = '=HYPERLINK("https://example.invalid","点我")'


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = build_sample(tmp_path_factory.mktemp("sample") / "客户跟踪-示例.xlsx")
    checked = check_workbook(path, SAMPLE_AS_OF)
    fines = month_fines(checked.book, "2026-11", SAMPLE_AS_OF)
    return fines, checked, find_suspects(checked.book, "2026-11", SAMPLE_AS_OF)


@pytest.fixture(params=["own XML", "openpyxl cells"])
def written_by(request, monkeypatch):
    if request.param == "openpyxl cells":
        monkeypatch.setattr(fines_workbook, "writes_xml_itself", lambda: False)
    return request.param


def saved(tmp_path, fines, checked, suspects, name="fines.xlsx"):
    path = tmp_path / name
    save_fines_workbook(fines, checked, path, suspects=suspects)
    return path


def test_this_openpyxl_lets_the_rows_be_written_as_xml():
    assert fines_workbook.writes_xml_itself()


def test_both_ways_of_writing_give_the_same_workbook(sample, tmp_path, monkeypatch):
    own = openpyxl.load_workbook(saved(tmp_path, *sample, name="own.xlsx"))
    monkeypatch.setattr(fines_workbook, "writes_xml_itself", lambda: False)
    cells = openpyxl.load_workbook(saved(tmp_path, *sample, name="cells.xlsx"))

    assert (
        own.sheetnames
        == cells.sheetnames
        == ["汇总", "明细", "问题清单", "疑点", "说明"]
    )
    for name in own.sheetnames:
        assert sheet_facts(own[name]) == sheet_facts(cells[name]), name
        assert cell_looks(own[name]) == cell_looks(cells[name]), name


def sheet_facts(sheet) -> dict:
    setup = sheet.page_setup
    return {
        "size": (sheet.max_row, sheet.max_column),
        "frozen": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref,
        "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
        "heights": {k: d.height for k, d in sheet.row_dimensions.items() if d.height},
        "merged": sorted(str(cells) for cells in sheet.merged_cells.ranges),
        "page": (setup.orientation, setup.paperSize, setup.fitToWidth),
        "fit": (setup.fitToHeight, sheet.sheet_properties.pageSetUpPr),
        "print": (sheet.print_area, sheet.print_title_rows),
    }


def cell_looks(sheet) -> dict:
    looks = {}
    for row in sheet.iter_rows():
        for cell in row:
            if sheet.title == "说明" and row[0].value == "生成时间":
                continue  # the time each was made
            align = cell.alignment
            looks[cell.coordinate] = (
                cell.value,
                cell.data_type,
                cell.number_format,
                cell.font.b,
                cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                (align.wrap_text, align.vertical, align.horizontal),
            )
    return looks


def test_the_lists_look_as_before(sample, tmp_path, written_by):
    fines, checked, suspects = sample
    book = openpyxl.load_workbook(saved(tmp_path, *sample))

    lines = book["明细"]
    assert [c.value for c in lines[1]][:2] == ["序号", "姓名"]
    assert lines["A1"].font.b and lines["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert lines.freeze_panes == "A2"
    assert lines.auto_filter.ref == f"A1:K{len(fines.lines) + 1}"
    assert lines.column_dimensions["K"].width == 30
    assert [lines.cell(2, c).number_format for c in (8, 9, 10)] == [
        "yyyy-mm-dd",
        "yyyy-mm-dd",
        '"¥"#,##0.00',
    ]
    assert lines["I2"].value.date() == fines.lines[0].date

    listed = book["疑点"]
    assert listed.max_row == len(suspects) + 1
    assert listed["H2"].alignment.wrap_text and listed["H2"].alignment.vertical == "top"
    assert (
        listed["A2"].alignment.vertical == "top"
        and not listed["A2"].alignment.wrap_text
    )
    assert listed.page_setup.orientation == "landscape"
    assert (listed.page_setup.fitToWidth, listed.page_setup.fitToHeight) == (1, 0)
    assert listed.print_title_rows == "$1:$1"
    for number, suspect in enumerate(suspects, start=2):
        lines_needed = max(
            1,
            math.ceil(text_width("、".join(suspect.cells)) / 34),
            math.ceil(text_width(suspect.message) / 80),
        )
        height = listed.row_dimensions[number].height
        assert height == (15 * lines_needed if lines_needed > 1 else None), number

    notes = book["说明"]
    facts = {row[0].value: row[1] for row in notes.iter_rows(min_row=2)}
    assert facts["检查日"].number_format == "yyyy-mm-dd"
    assert facts["生成时间"].number_format == "yyyy-mm-dd hh:mm"
    assert notes.auto_filter.ref is None


def text_width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in text)


def test_text_that_looks_like_a_formula_stays_text(sample, tmp_path, written_by):
    fines, checked, suspects = sample
    line = dataclasses.replace(fines.lines[0], person=FORMULA_TEXT, client_name="=1+1")
    fines = dataclasses.replace(fines, lines=[line, *fines.lines[1:]])
    odd = problem("bad-id", "客户", "A2", value="=SUM(A1:A3)")
    checked = dataclasses.replace(checked, problems=[odd, *checked.problems])
    suspect = Suspect("manual", "=A1", FORMULA_TEXT, ("=B2",), "=1/0")
    path = saved(tmp_path, fines, checked, [suspect, *suspects])

    book = openpyxl.load_workbook(path)
    texts = {
        (sheet.title, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }
    assert {
        ("汇总", FORMULA_TEXT),
        ("明细", FORMULA_TEXT),
        ("明细", "=1+1"),
        ("问题清单", "=SUM(A1:A3)"),
        ("疑点", "=A1"),
        ("疑点", FORMULA_TEXT),
        ("疑点", "=B2"),
        ("疑点", "=1/0"),
    } <= texts
    with zipfile.ZipFile(path) as parts:
        sheets = [n for n in parts.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(re.search(rb"<(\w+:)?f[ >]", parts.read(n)) for n in sheets)
