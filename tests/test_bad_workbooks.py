"""Workbooks with the layouts and values that people and other programs produce:
each kind, built by tests/data/make_corpus.py and named after it, ends in the
exact problems (code, cell, value) or the exact records stated here.

One regression test per kind, so that fixing one never un-fixes another. The
corpus is built once per session into a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main
from tests.data import make_corpus as corpus
from tests.workbooks import client_row, follow_up_row, make_book
from workbook.reader import read_workbook
from workbook.values import Bad, as_date

D = dt.date
AS_OF = "2026-11-30"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    return corpus.build_corpus(tmp_path_factory.mktemp("layouts"), corpus.LAYOUT_CORPUS)


def validate(path: Path, *options) -> tuple[int, list[tuple[str, str, str]]]:
    """Exit code of `validate --json` and its problems as (code, place, value)."""
    result = CliRunner().invoke(
        main, ["validate", str(path), "--as-of", AS_OF, "--json", *options]
    )
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        return 2, []
    problems = json.loads(result.stdout)["problems"]
    found = [
        (
            p["code"],
            f"{p['sheet']}!{p['cell']}" if p["cell"] else p["sheet"],
            p["value"],
        )
        for p in problems
    ]
    return result.exit_code, sorted(found)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- Layouts ------------------------------------------------------------------


def test_wrong_dimension(built):
    path = built["wrong-dimension.xlsx"]

    assert validate(path) == (0, [])
    book = read_workbook(path)
    assert [(c.client_id, c.designer) for c in book.clients] == [
        ("1001", "王设计"),
        ("1002", "钱设计"),
    ]
    assert [(f.client_id, f.date) for f in book.follow_ups] == [
        ("1001", D(2026, 11, 2)),
        ("1002", D(2026, 11, 3)),
    ]
    assert len(book.staff) == 5


def test_formatted_empty_rows(built):
    # Styled cells reach row 5000 and B3000 holds a space: neither is a row.
    path = built["formatted-empty-rows.xlsx"]

    assert validate(path) == (0, [])
    book = read_workbook(path)
    assert [(c.client_id, c.row) for c in book.clients] == [("1001", 2), ("1002", 3)]
    assert [f.row for f in book.follow_ups] == [2, 3]


def test_merged_cells(built):
    # 设计师 G2:G4 holds 王设计 in G2 only; 跟踪日期 C2:C3 likewise. The cells
    # below are blank to Excel's filter, to xlwings and to the reader, so each
    # is reported as part of its merge and read as blank. 备注 N2:N5 is not
    # read, and 楼盘 with 房号 (D5:E5) is one row: neither is a problem.
    path = built["merged-cells.xlsx"]

    assert validate(path) == (
        1,
        [
            ("merged-cell", "客户!G3", ""),
            ("merged-cell", "客户!G4", ""),
            ("merged-cell", "跟踪记录!C3", ""),
        ],
    )
    book = read_workbook(path)
    assert [(c.client_id, c.designer) for c in book.clients] == [
        ("1001", "王设计"),
        ("1002", ""),
        ("1003", ""),
        ("1004", "王设计"),
    ]
    assert [(f.row, f.client_id) for f in book.follow_ups] == [(2, "1001"), (4, "1003")]
    [problem] = [p for p in book.problems if p.cell == "G3"]
    assert "合并单元格 G2:G4" in problem.message and "每一行" in problem.message
    # The 人员 header sits below a merged title row.
    assert book.staff["王设计"].row == 3


def test_hidden_rows_and_columns(built):
    path = built["hidden-rows-and-columns.xlsx"]

    assert validate(path) == (0, [])
    book = read_workbook(path)
    assert [(c.client_id, c.designer, c.assigned_date) for c in book.clients] == [
        ("1001", "王设计", D(2026, 11, 1)),
        ("1002", "钱设计", D(2026, 11, 1)),
        ("1003", "王设计", D(2026, 11, 1)),
    ]
    assert [f.row for f in book.follow_ups] == [2, 3]
    assert book.rules.fine_designer == 40  # from the hidden 规则 sheet


def test_columns_shuffled_with_extras(built, tmp_path):
    path = built["columns-shuffled-with-extras.xlsx"]
    plain = corpus.plain_book(tmp_path / "plain.xlsx")

    assert validate(path) == (0, [])
    shuffled, expected = read_workbook(path), read_workbook(plain)
    assert shuffled.clients == expected.clients
    assert shuffled.follow_ups == expected.follow_ups
    assert shuffled.staff == expected.staff
    assert shuffled.rules == expected.rules
    assert shuffled.columns[corpus.layout.CLIENTS]["client_id"] != 0


def test_duplicate_headers(built):
    path = built["duplicate-headers.xlsx"]

    code, found = validate(path)
    assert (code, found) == (
        1,
        [
            ("duplicate-header", "客户!T1", "设计师"),
            ("duplicate-header", "跟踪记录!K1", "跟踪日期"),
        ],
    )
    book = read_workbook(path)
    messages = {p.cell: p.message for p in book.problems}
    assert "另一处在 G1" in messages["T1"] and "另一处在 C1" in messages["K1"]
    # The first column of the name is the one read.
    assert [c.designer for c in book.clients] == ["王设计", "钱设计"]
    assert [f.date for f in book.follow_ups] == [D(2026, 11, 2), D(2026, 11, 3)]


def test_formula_without_result(built):
    # Row 4 carries the results Excel would store; rows 2 and 3 carry none.
    path = built["formula-without-result.xlsx"]

    assert validate(path) == (
        1,
        [
            ("formula-no-result", "客户!F2", ""),
            ("formula-no-result", "客户!G3", ""),
            ("formula-no-result", "跟踪记录!C2", ""),
            ("formula-no-result", "跟踪记录!D3", ""),
        ],
    )
    book = read_workbook(path)
    third = book.clients[2]
    assert (third.handover_date, third.designer) == (D(2026, 1, 1), "王设计")
    assert all("是公式，但文件里没有计算结果" in p.message for p in book.problems)
    # 上次跟踪 (P2) is not input: its formula is neither reported nor shown.
    assert book.clients[0].last_follow_up_shown is None
    audit = CliRunner().invoke(
        main, ["audit", str(path), "--month", "2026-11", "--as-of", AS_OF, "--json"]
    )
    assert json.loads(audit.stdout)["suspects"] == []


def test_error_values(built):
    path = built["error-values.xlsx"]

    assert validate(path) == (
        1,
        [
            ("error-value", "人员!D3", "#REF!"),
            ("error-value", "客户!A4", "#REF!"),
            ("error-value", "客户!F2", "#N/A"),
            ("error-value", "客户!G5", "#NAME?"),
            ("error-value", "客户!H2", "#NULL!"),
            ("error-value", "客户!I3", "#VALUE!"),
            ("error-value", "规则!B2", "#NUM!"),
            ("error-value", "跟踪记录!C2", "#DIV/0!"),
            ("error-value", "跟踪记录!D3", "#N/A"),
        ],
    )
    book = read_workbook(path)
    assert [c.client_id for c in book.clients] == ["1001", "1002", "1004"]
    assert book.follow_ups == []
    assert book.rules.interval_handed_over == 3  # the default, after the error
    [rule] = [p for p in book.problems if p.sheet == "规则"]
    assert rule.message.startswith("现房跟踪间隔(天)是错误值“#NUM!”")


def test_booleans_and_numbers_as_text(built):
    # TRUE/FALSE is never a name, an ID or a choice; a number where text is
    # expected is read as its digits, so 设计师 123 is looked up in 人员 (and
    # is not there) while 456 matches the person 456 typed as a number.
    path = built["booleans-and-numbers-as-text.xlsx"]

    assert validate(path) == (
        1,
        [
            ("bad-choice", "客户!L4", "TRUE"),
            ("bad-choice", "跟踪记录!G2", "TRUE"),
            ("bad-id", "跟踪记录!A2", "TRUE"),
            ("bad-rule", "规则!B12", "TRUE"),
            ("bad-yes-no", "客户!J4", "1"),
            ("designer-not-in-staff", "客户!G3", "123"),
            ("not-a-name", "客户!G2", "TRUE"),
            ("not-a-name", "跟踪记录!F2", "FALSE"),
        ],
    )
    book = read_workbook(path)
    third = book.clients[2]
    assert (third.name, third.estate, third.room) == ("8888", "TRUE", "301")
    assert book.clients[3].long_term is True  # a real TRUE in 长期跟踪 is 是
    assert [f.content for f in book.follow_ups][0] == "12345"
    assert book.follow_ups[1].record_id == "7"
    assert book.staff["王设计"].active is False
    assert "456" in book.staff
    assert book.rules.fine_designer == 40  # typed as the text "40"


def test_ids_floats_zeros_spaces_fullwidth(built):
    path = built["ids-floats-zeros-spaces-fullwidth.xlsx"]

    assert validate(path) == (
        1,
        [
            ("bad-id", "客户!A8", "1007.5"),
            ("duplicate-client", "客户!A9", "1001"),
            ("missing-id", "跟踪记录!D8", ""),
            # Leading zeros are kept: 00106 and 106 are not guessed to match.
            ("unknown-client", "跟踪记录!D7", "106"),
        ],
    )
    book = read_workbook(path)
    assert [c.client_id for c in book.clients] == [
        "1001",
        "1002",
        "1003",
        "1004",
        "1005",
        "00106",
        "1001",
    ]
    assert [(f.client_id, f.record_id) for f in book.follow_ups] == [
        ("1001", "1"),
        ("1002", "2"),
        ("1003", "3"),
        ("1004", "04"),
        ("1005", ""),
        ("106", ""),
    ]


def test_phone_as_float_and_scientific(built, tmp_path):
    path = built["phone-as-float-and-scientific.xlsx"]

    assert validate(path) == (0, [])
    book = read_workbook(path)
    assert [c.phone for c in book.clients] == [
        "13900001234",
        "13900001235",
        "1.39000012E+10",
        "139-0000-1237",
        "+86 139 0000 1238",
        "１３９００００１２３９",  # free text is kept as typed
        "13900001240",
    ]
    assert "1390000" not in repr(book.clients)

    runner = CliRunner()
    output = tmp_path / "乐捐.xlsx"
    shown = []
    for args in (
        ["validate", path, "--as-of", AS_OF],
        ["validate", path, "--as-of", AS_OF, "--json"],
        ["fines", path, "--month", "2026-11", "--as-of", AS_OF, "-o", output],
        ["fines", path, "--month", "2026-11", "--as-of", AS_OF, "-o", output,
         "--force", "--json"],
        ["status", path, "--as-of", AS_OF],
        ["status", path, "--as-of", AS_OF, "--json"],
        ["audit", path, "--month", "2026-11", "--as-of", AS_OF, "--json"],
    ):  # fmt: skip
        result = runner.invoke(main, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        shown.append(result.stdout + result.stderr)
    written = openpyxl.load_workbook(output)
    shown += [
        str(cell.value)
        for sheet in written.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    for text in shown:
        assert "1390000" not in text and "139-0000" not in text
        assert "139 0000" not in text and "1.39000012E+10" not in text
        assert "１３９" not in text


# --- Values -------------------------------------------------------------------


def test_date_forms(built):
    path = built["date-forms.xlsx"]

    assert validate(path) == (0, [])
    book = read_workbook(path)
    assert [c.handover_date for c in book.clients] == [D(2026, 11, 3)] * len(
        corpus.DATE_FORMS
    )
    assert [f.date for f in book.follow_ups] == [D(2026, 11, 3)] * 5
    assert [f.entered_at for f in book.follow_ups] == [
        dt.datetime(2026, 11, 3, 18, 0),
        dt.datetime(2026, 11, 3, 18, 0),
        dt.datetime(2026, 11, 3, 18, 0),
        dt.datetime(2026, 11, 3, 18, 0),
        dt.datetime(2026, 11, 3, 0, 0),  # a bare date is midnight
    ]


def test_date_without_year(built):
    path = built["date-without-year.xlsx"]

    assert validate(path) == (
        1,
        [
            ("date-without-year", "客户!F2", "11-03"),
            ("date-without-year", "客户!F3", "11/3"),
            ("date-without-year", "客户!F4", "11月3日"),
            ("date-without-year", "客户!F5", "11.3"),
            ("date-without-year", "跟踪记录!C2", "11月5日"),
        ],
    )
    book = read_workbook(path)
    assert all("请补上年份" in p.message for p in book.problems)
    assert [c.handover_date for c in book.clients] == [None] * 4
    assert book.follow_ups == []


def test_impossible_dates(built):
    path = built["impossible-dates.xlsx"]

    assert validate(path) == (
        1,
        [
            ("date-out-of-range", "客户!F8", "1899-12-31"),
            ("date-out-of-range", "客户!F9", "5"),
            ("impossible-date", "客户!F2", "2026-02-30"),
            ("impossible-date", "客户!F3", "2026-13-01"),
            ("impossible-date", "客户!F4", "2026年2月29日"),
            ("impossible-date", "客户!F5", "2026/04/31"),
            ("impossible-date", "客户!F6", "20260230"),
            ("impossible-date", "客户!F7", "2026-00-10"),
            ("impossible-date", "跟踪记录!C2", "2026-11-31"),
        ],
    )


def test_future_dates(built):
    # Warnings only, so validate passes; --strict fails on them.
    path = built["future-dates.xlsx"]

    expected = [
        ("date-after-check-day", "客户!I2", "2026-12-15"),
        ("date-after-check-day", "客户!K3", "2027-01-01"),
        ("date-after-check-day", "客户!M4", "2026-12-31"),
        ("date-after-check-day", "监管记录!A2", "2026-12-05"),
        ("future-date", "跟踪记录!C2", "2026-12-02"),
    ]
    assert validate(path) == (0, expected)
    assert validate(path, "--strict") == (1, expected)
    # A 交房日期 in the future (客户!F5, 2027-06-01) is normal.
    assert read_workbook(path).clients[3].handover_date == D(2027, 6, 1)


def test_mixed_date_column(built):
    # Each cell is read on its own: the text after real dates is not taken
    # for a format of the whole column.
    path = built["mixed-date-column.xlsx"]

    assert validate(path) == (
        1,
        [
            ("ambiguous-date", "客户!I6", "11/1/2026"),
            ("ambiguous-date", "客户!I7", "1.11.2026"),
            ("ambiguous-date", "跟踪记录!C5", "11/04/2026"),
            ("bad-date", "客户!I10", "TRUE"),
            ("bad-date", "客户!I8", "下周一"),
            ("bad-date", "客户!I9", "09:30:00"),
        ],
    )
    book = read_workbook(path)
    assert [c.assigned_date for c in book.clients] == [D(2026, 11, 1)] * 4 + [None] * 5
    assert [f.date for f in book.follow_ups] == [
        D(2026, 11, 3),
        D(2026, 11, 3),
        D(2026, 11, 4),
    ]


# --- Sheets -------------------------------------------------------------------


def test_stray_value_far_away(built):
    # Run in a child: were the sheet loaded, the interpreter would abort, not
    # raise (calamine asks for half a terabyte).
    path = built["stray-value-far-away.xlsx"]
    finished = subprocess.run(
        [sys.executable, "-c", "from checker.cli import main; main()",
         "validate", str(path), "--as-of", AS_OF],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip

    assert finished.returncode == 2, finished.stderr
    assert finished.stdout == ""
    assert finished.stderr.startswith(f"错误：“{path.name}”的工作表“客户”内容")
    assert "XFD1048576" in finished.stderr and "Ctrl+End" in finished.stderr
    assert "panicked" not in finished.stderr and "backtrace" not in finished.stderr


def test_styled_cell_far_away(built):
    path = built["styled-cell-far-away.xlsx"]

    assert validate(path) == (0, [])
    assert [c.client_id for c in read_workbook(path).clients] == ["1001", "1002"]


def test_missing_required_sheet(built):
    path = built["missing-required-sheet.xlsx"]
    result = CliRunner().invoke(main, ["validate", str(path), "--as-of", AS_OF])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "缺少工作表“跟踪记录”" in result.stderr
    assert path.name in result.stderr


def test_missing_staff_sheet(built):
    assert validate(built["missing-staff-sheet.xlsx"]) == (
        1,
        [
            ("designer-not-in-staff", "客户!G2", "王设计"),
            ("designer-not-in-staff", "客户!G3", "钱设计"),
            ("missing-sheet", "人员", ""),
        ],
    )


def test_missing_optional_sheets(built):
    assert validate(built["missing-optional-sheets.xlsx"]) == (
        0,
        [
            ("missing-sheet-default", "监管记录", ""),
            ("missing-sheet-default", "规则", ""),
        ],
    )


def test_sheet_names_with_spaces(built):
    path = built["sheet-names-with-spaces.xlsx"]

    assert validate(path) == (0, [])
    book = read_workbook(path)
    assert [c.client_id for c in book.clients] == ["1001", "1002"]
    assert len(book.follow_ups) == 2 and len(book.staff) == 5


# --- Every kind -----------------------------------------------------------------


# test_stray_value_far_away runs its file in a child process.
IN_PROCESS = sorted(set(corpus.LAYOUT_CORPUS) - {"stray-value-far-away.xlsx"})


@pytest.mark.parametrize("name", IN_PROCESS)
def test_every_kind_exits_as_stated_and_no_command_changes_it(built, name, tmp_path):
    path = built[name]
    before = sha256(path)
    _builder, exit_code = corpus.LAYOUT_CORPUS[name]
    runner = CliRunner()
    output = tmp_path / "乐捐.xlsx"

    # The commands that compute with the rules refuse an unusable 规则 value.
    rules_broken = any(
        p.sheet == "规则" and p.is_error for p in read_workbook(path).problems
    )
    computing = 2 if rules_broken else exit_code
    for args, expected in (
        (["validate", path, "--as-of", AS_OF], exit_code),
        (
            ["fines", path, "--month", "2026-11", "--as-of", AS_OF, "-o", output],
            computing,
        ),
        (["status", path, "--as-of", AS_OF, "--json"], computing),
        (["audit", path, "--month", "2026-11", "--as-of", AS_OF], computing),
    ):
        result = runner.invoke(main, [str(a) for a in args])
        assert result.exit_code == expected, (args[0], result.output)
        assert "Traceback" not in result.output
        assert "程序内部错误" not in result.output
        assert sha256(path) == before, args[0]
    assert output.exists() == (computing != 2)


# Files that are not readable workbooks (test_opening.py has one test per kind).
UNREADABLE = (
    "text-as-xlsx.xlsx",
    "csv-as-xlsx.xlsx",
    "old-xls.xls",
    "encrypted.xlsx",
    "truncated.xlsx",
    "xml-entities.xlsx",
    "zip-bomb.xlsx",
)


@pytest.fixture(scope="session")
def unreadable(tmp_path_factory) -> dict[str, Path]:
    kinds = {name: corpus.CORPUS[name] for name in UNREADABLE}
    return corpus.build_corpus(tmp_path_factory.mktemp("unreadable"), kinds)


@pytest.mark.parametrize("name", UNREADABLE)
def test_no_command_changes_a_file_it_cannot_read(unreadable, name, tmp_path):
    path = unreadable[name]
    before = sha256(path)
    output = tmp_path / "乐捐.xlsx"

    for args in (
        ["validate", path, "--json"],
        ["fines", path, "--month", "2026-11", "-o", output],
        ["status", path],
        ["audit", path, "--month", "2026-11"],
    ):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 2, (args[0], result.output)
        assert result.stderr.startswith("错误：") and path.name in result.stderr
        assert "程序内部错误" not in result.stderr
        assert sha256(path) == before, args[0]
    assert not output.exists()


# --- Faults the fuzz test found (tests/test_fuzz.py) ----------------------------


@pytest.mark.parametrize(
    ("serial", "code"),
    [
        (1e300, "date-out-of-range"),
        (float("inf"), "date-out-of-range"),
        (2958466, "date-out-of-range"),  # 10000-01-01, after Excel's last day
        (float("nan"), "bad-date"),
        (-1e300, "bad-date"),
    ],
)
def test_a_number_beyond_any_date_is_refused_not_a_crash(serial, code):
    assert as_date(serial) == Bad(code)


def test_rule_values_beyond_what_a_date_can_hold_are_refused(tmp_path):
    # A 现房 interval of 10**10 days once overflowed the status dates, and a
    # 集中补录分钟 of 10**12 the audit's time span.
    path = make_book(
        tmp_path / "规则.xlsx",
        [client_row(1001)],
        [follow_up_row(1001, D(2026, 11, 2))],
        rules={"interval_handed_over": 10**10, "bulk_minutes": 10**12},
    )

    assert validate(path) == (
        1,
        [("bad-rule", "规则!B16", str(10**12)), ("bad-rule", "规则!B2", str(10**10))],
    )
    runner = CliRunner()
    for args in (
        ["status", path, "--as-of", AS_OF],
        ["audit", path, "--month", "2026-11", "--as-of", AS_OF],
        [
            "fines",
            path,
            "--month",
            "2026-11",
            "--as-of",
            AS_OF,
            "-o",
            tmp_path / "o.xlsx",
        ],
    ):
        result = runner.invoke(main, [str(a) for a in args])
        # Refused, naming both cells, rather than computed with the defaults.
        assert result.exit_code == 2, result.output
        assert "规则!B2" in result.stderr and "规则!B16" in result.stderr
