"""Random workbooks in the SPEC layout never crash a command or leak a phone number.

Every column of all five sheets is filled with values of every type a cell can
hold (text, numbers, TRUE/FALSE, dates, times, error literals, text that looks
like a formula, blanks), in a random column order, under headers padded with
random white space and full-width characters, with random merged cells.
validate, fines and status must then end with exit 0 or 1, point every problem
at a sheet and a cell, never print a phone number, and print the same JSON for
the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.cell_range import CellRange

from checker.cli import main
from workbook import layout
from workbook.problems import cell_name

AS_OF = "2026-11-30"
MONTH = "2026-11"

# Problems about a whole sheet or a missing rule row have no cell to point at.
SHEET_LEVEL_CODES = {"missing-sheet", "missing-sheet-default", "missing-rule"}
A1_NAME = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
SHEETS = {sheet.name for sheet in layout.DATA_SHEETS}

# --- Cell values ------------------------------------------------------------------

FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
ODD_TEXT = [
    "",
    " ",
    "\u3000",
    "=SUM(A1:A3)",
    "=",
    "=1/0",
    "#N/A",
    "#REF!",
    "#VALUE!",
    "#DIV/0!",
    " #NAME? ",
    "是",
    "否",
    "TRUE",
    "2026-11-03",
    "2026/11/3",
    "2026年11月3日",
    "２０２６－１１－０３",
    "2026-02-30",
    "2026-13-01",
    "11-03",
    "03/11/2026",
    "2026-11-03 25:61",
    "1001",
    "1001.0",
    "００１２３",
    "跟进中",
    "已签约",
    "电话",
    "王设计",
    "赵经理",
    "1e400",
    "-0",
]
CHARACTERS = st.characters(categories=("L", "N", "P", "S", "Zs")) | st.sampled_from(
    "设计师客户跟进中　 ，。（）＃＝"
)

texts = st.one_of(st.sampled_from(ODD_TEXT), st.text(CHARACTERS, max_size=12))
numbers = st.one_of(
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, 46329.0, 46329.75, 20261103, 1001.0]),
)
days = st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31))
near_days = st.dates(dt.date(2026, 9, 1), dt.date(2027, 1, 31))
moments = st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31))
any_value = st.one_of(
    st.none(),
    texts,
    numbers,
    st.booleans(),
    days,
    near_days,
    moments,
    st.times(),
)


def mostly(plausible):
    """Three times in four a plausible value, else any value at all: columns
    that link sheets need this for the rules engine to have clients,
    follow-ups and people to work on, not only problems."""
    # flatmap, not one_of: one_of would weigh each of any_value's branches.
    return st.integers(0, 3).flatmap(lambda pick: plausible if pick else any_value)


ids = mostly(st.sampled_from([1001, 1002.0, "1001", " 1002 ", "１００３"]))
names = mostly(st.sampled_from(["王设计", "钱设计", "赵经理", "林客服"]))
dates = mostly(near_days | st.sampled_from(["2026-11-03", "2026/11/5"]))

# Phone numbers come only from here, and are told apart from every other cell.
phone_digits = st.integers(13_000_000_000, 19_999_999_999)
phones = st.one_of(
    phone_digits,
    phone_digits.map(float),
    phone_digits.map(str),
    phone_digits.map(lambda n: f"{n:.4E}"),
    phone_digits.map(lambda n: f"{str(n)[:3]}-{str(n)[3:7]}-{str(n)[7:]}"),
    phone_digits.map(lambda n: "".join(FULL_WIDTH.get(c, c) for c in str(n))),
)

COLUMN_VALUES = {
    "client_id": ids,
    "designer": names,
    "specialist": names,
    "superior": names,
    "name": names,
    "handover_date": dates,
    "assigned_date": dates,
    "long_term_since": dates,
    "closed_date": dates,
    "date": dates,
    "verified_date": dates,
    "phone": phones,
}


def header_variant(header: str):
    """The header as people leave it: spaces around, full-width brackets."""
    pad = st.sampled_from(["", " ", "  ", "\u3000", "\t"])
    return st.tuples(pad, pad).map(
        lambda sides: (
            sides[0] + "".join(FULL_WIDTH.get(c, c) for c in header) + sides[1]
        )
    )


@st.composite
def sheet_rows(draw, sheet: layout.Sheet, max_rows: int):
    columns = draw(st.permutations(sheet.columns))
    header = [draw(header_variant(column.header)) for column in columns]
    count = draw(st.integers(0, max_rows))
    rows = [
        [draw(COLUMN_VALUES.get(column.key, any_value)) for column in columns]
        for _ in range(count)
    ]
    return header, rows, [column.key for column in columns], draw(merges(count))


def merges(rows: int):
    """Up to two merged ranges (A1 names) anywhere in the sheet, header too."""
    corner = st.tuples(st.integers(1, rows + 2), st.integers(1, 12))
    size = st.tuples(st.integers(1, 4), st.integers(1, 3)).filter(lambda s: s != (1, 1))
    return st.lists(st.builds(_range_name, corner, size), max_size=2)


def _range_name(corner: tuple[int, int], size: tuple[int, int]) -> str:
    (row, column), (height, width) = corner, size
    return f"{cell_name(row, column)}:{cell_name(row + height - 1, column + width - 1)}"


@st.composite
def rule_rows(draw):
    """Mostly the real parameter names (sometimes full-width), random values."""
    header = [draw(header_variant(h)) for h in layout.RULES_SHEET.headers]
    rows = []
    for parameter in layout.RULE_PARAMETERS:
        full_width = "".join(FULL_WIDTH.get(c, c) for c in parameter.name)
        name = draw(mostly(st.sampled_from([parameter.name, full_width])))
        value = draw(mostly(st.just(parameter.default)))
        rows.append([name, value, draw(any_value)])
    return header, rows, ["name", "value", "note"], []


@st.composite
def workbooks(draw):
    return {
        layout.CLIENTS: draw(sheet_rows(layout.CLIENT_SHEET, 6)),
        layout.FOLLOW_UPS: draw(sheet_rows(layout.FOLLOW_UP_SHEET, 10)),
        layout.STAFF: draw(sheet_rows(layout.STAFF_SHEET, 4)),
        layout.RULES: draw(rule_rows()),
        layout.FINDINGS: draw(sheet_rows(layout.FINDING_SHEET, 3)),
    }


def _overlaps(cells: str, other) -> bool:
    # openpyxl would write overlapping merges, which Excel calls a damaged file.
    return not CellRange(cells).isdisjoint(other)


def write_workbook(path: Path, sheets: dict) -> list:
    """Save the sheets with openpyxl; returns the phone values written."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    phones = []
    for name, (header, rows, keys, merged) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
            if name == layout.CLIENTS:
                phones += [
                    v for v, key in zip(row, keys, strict=True) if key == "phone"
                ]
        for cells in merged:
            if not any(_overlaps(cells, done) for done in sheet.merged_cells.ranges):
                sheet.merge_cells(cells)
    book.save(path)
    return phones


# --- What must hold ------------------------------------------------------------


def phone_forms(value) -> set[str]:
    """The ways a phone number could show up in an output."""
    if isinstance(value, float):
        value = int(value)
    text = str(value).strip()
    digits = "".join(c for c in text if c.isdigit())
    forms = {text}
    if len(digits) >= 7 and not re.search(r"[eE]", text):
        forms.add(digits)
    return forms


def cell_texts(sheets: dict) -> list[str]:
    return [
        str(value)
        for name, (_header, rows, keys, _merged) in sheets.items()
        for row in rows
        for value, key in zip(row, keys, strict=True)
        if not (name == layout.CLIENTS and key == "phone")
    ]


def run(runner: CliRunner, *args) -> tuple[int, str, str]:
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert "程序内部错误" not in result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


def output_cells(path: Path) -> str:
    if not path.exists():
        return ""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    finally:
        book.close()


def check_problems(problems: list[dict]) -> None:
    for found in problems:
        assert found["sheet"] in SHEETS, found
        assert found["message"], found
        if found["code"] in SHEET_LEVEL_CODES:
            assert found["cell"] == "", found
        else:
            assert A1_NAME.match(found["cell"]), found


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
)
@given(sheets=workbooks())
def test_random_workbooks_never_crash_nor_leak_phone_numbers(folder, sheets):
    path = folder / "随机.xlsx"
    output = folder / "乐捐.xlsx"
    phones = write_workbook(path, sheets)
    forms = set().union(*(phone_forms(p) for p in phones if p is not None))
    forms = {form for form in forms if form}
    others = cell_texts(sheets)
    # A phone that some other cell happens to contain proves nothing.
    forms = {form for form in forms if not any(form in text for text in others)}
    runner = CliRunner()

    printed = []
    for command in (
        ["validate", path, "--as-of", AS_OF, "--json"],
        ["fines", path, "--month", MONTH, "--as-of", AS_OF, "-o", output, "--force",
         "--json"],
        ["status", path, "--as-of", AS_OF, "--json"],
    ):  # fmt: skip
        code, stdout, stderr = run(runner, *command)
        printed.append(stdout + stderr)
        if code == 2 and command[0] != "validate":
            # Computing with an unusable 规则 value is refused, not a crash.
            assert stderr.startswith("错误：规则表有不能使用的值"), stderr
            continue
        assert code in (0, 1), (command[0], stderr)
        again = run(runner, *command)
        assert again[1] == stdout, command[0]
        data = json.loads(stdout)
        check_problems(data.get("problems", []))

    texts = printed + [output_cells(output)]
    for form in forms:
        assert not any(form in text for text in texts), form


def test_the_phone_check_itself_catches_a_leak():
    assert phone_forms(13_900_001_234.0) == {"13900001234"}
    assert "13900001234" in phone_forms("139-0000-1234")
    assert phone_forms("1.3900E+10") == {"1.3900E+10"}
