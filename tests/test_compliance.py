"""The monthly picture of compliance in 汇总: windows, met windows, misses, chart."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.compliance import month_compliance
from checker.report import check_workbook
from checker.rules import month_fines
from tests.workbooks import DEFAULT_STAFF, client_row, follow_up_row, make_book
from workbook.sample import SAMPLE_AS_OF, build_sample

D = dt.date
AS_OF = D(2026, 11, 30)


def book_of(tmp_path, clients, follow_ups, staff=None):
    path = make_book(tmp_path / "客户跟踪.xlsx", clients, follow_ups, staff=staff)
    return check_workbook(path, AS_OF).book


def followed(client_id, *days, **fields):
    return [follow_up_row(client_id, D(2026, 11, d), **fields) for d in days]


def test_the_specs_worked_example(tmp_path):
    # 现房, assigned 11-01, follow-ups 11-02, 11-05, 11-12: met by 11-02, 11-05
    # and 11-12; missed 11-08, 11-11, then every 3 days from 11-12 up to 11-27
    # (misses dated 11-09, 11-12, 11-16, 11-19, 11-22, 11-25, 11-28); the window
    # with deadline 11-30 is still open on the check day.
    book = book_of(tmp_path, [client_row(1001)], followed(1001, 2, 5, 12))
    picture = month_compliance(book, "2026-11", AS_OF)

    [designer] = picture.designers
    assert (designer.name, designer.windows, designer.met) == ("王设计", 10, 3)
    assert designer.rate == pytest.approx(0.3)
    assert designer.misses_by_category() == [7, 0, 0, 0]
    assert designer.missed == len(month_fines(book, "2026-11", AS_OF).misses)


def test_windows_belong_to_the_month_they_are_settled_in(tmp_path):
    # 期房 (interval 15) assigned 10-01: met 10-10 (October); deadline 10-25
    # missed, dated 10-26 (October); deadline 11-09 missed, dated 11-10; 11-20
    # meets the window from 11-09; deadline 12-05 is open on 11-30.
    clients = [
        client_row(1001, handover_date=D(2028, 1, 1), assigned_date=D(2026, 10, 1))
    ]
    follow_ups = [follow_up_row(1001, D(2026, 10, 10))] + followed(1001, 20)
    book = book_of(tmp_path, clients, follow_ups)

    october = month_compliance(book, "2026-10", AS_OF).designers[0]
    november = month_compliance(book, "2026-11", AS_OF).designers[0]
    assert (october.met, october.missed) == (1, 1)
    assert (november.met, november.missed) == (1, 1)


def test_a_miss_on_the_last_day_of_the_month_counts_in_the_next_one(tmp_path):
    # 现房 assigned 10-25, follow-up 10-28: deadline 10-31 missed, dated 11-01,
    # like the fine.
    clients = [client_row(1001, assigned_date=D(2026, 10, 25))]
    follow_ups = [follow_up_row(1001, D(2026, 10, 28))] + followed(1001, 1)
    book = book_of(tmp_path, clients, follow_ups)

    october = month_compliance(book, "2026-10", AS_OF).designers[0]
    november = month_compliance(book, "2026-11", AS_OF).designers[0]
    fines = month_fines(book, "2026-11", AS_OF)
    assert (october.met, october.missed) == (1, 0)
    assert fines.misses[0].date == D(2026, 11, 1)
    assert november.missed == len(fines.misses)


def test_windows_cut_off_by_the_closing_date_are_not_counted(tmp_path):
    # Signed on 11-10: met 11-03, 11-06; deadline 11-09 missed (dated 11-10);
    # the next deadline, 11-12, is after 结束日期.
    clients = [client_row(1001, status="已签约", closed_date=D(2026, 11, 10))]
    book = book_of(tmp_path, clients, followed(1001, 3, 6))

    [designer] = month_compliance(book, "2026-11", AS_OF).designers
    assert (designer.windows, designer.met, designer.missed) == (3, 2, 1)


def test_a_month_before_anything_is_due_has_no_windows(tmp_path):
    book = book_of(tmp_path, [client_row(1001)], followed(1001, 2))
    assert month_compliance(book, "2026-10", AS_OF).designers == []


def test_managers_sum_their_designers_and_none_is_lost(tmp_path):
    # The default staff's two designers under 赵经理, and one with no 上级.
    staff = [p for p in DEFAULT_STAFF if p["role"] in ("设计师", "部门经理")]
    staff.append({"name": "孙设计", "role": "设计师", "department": "设计二部"})
    clients = [
        client_row(1001),
        client_row(1002, designer="钱设计"),
        client_row(1003, designer="孙设计"),
    ]
    follow_ups = (
        followed(1001, 3, 6, 9)
        + followed(1002, 2, 4, 6, designer="钱设计")
        + followed(1003, 3, designer="孙设计")
    )
    picture = month_compliance(book_of(tmp_path, clients, follow_ups, staff), "2026-11")

    by_name = {tally.name: tally for tally in picture.designers}
    managers = {tally.name: tally for tally in picture.managers}
    assert set(managers) == {"赵经理", ""}
    assert managers["赵经理"].designers == 2
    assert (
        managers["赵经理"].windows
        == by_name["王设计"].windows + by_name["钱设计"].windows
    )
    assert managers["赵经理"].met == by_name["王设计"].met + by_name["钱设计"].met
    assert managers[""].windows == by_name["孙设计"].windows
    assert picture.total.windows == sum(t.windows for t in picture.managers)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = build_sample(tmp_path_factory.mktemp("sample") / "客户跟踪-示例.xlsx")
    return path, check_workbook(path, SAMPLE_AS_OF)


def test_the_samples_misses_match_its_fines(sample):
    _, checked = sample
    book = checked.book
    picture = month_compliance(book, "2026-11", SAMPLE_AS_OF)
    fines = month_fines(book, "2026-11", SAMPLE_AS_OF)
    designer_of = {client.client_id: client.designer for client in book.clients}

    missed = {tally.name: tally.missed for tally in picture.designers}
    assert missed == Counter(designer_of[miss.client_id] for miss in fines.misses)
    by_category = {t.name: t.misses_by_category() for t in picture.designers}
    # 现房, 准现房, 期房, 长期跟踪 — from the hand-worked cases of workbook/sample.py
    assert by_category == {
        "张婷": [0, 1, 0, 1],
        "李晓明": [1, 0, 2, 0],
        "刘洋": [3, 0, 0, 0],
        "赵静": [0, 0, 1, 0],
    }
    managers = {t.name: (t.designers, t.missed) for t in picture.managers}
    assert managers == {"王建国": (2, 5), "陈志强": (2, 4)}
    assert all(0 < t.rate < 1 for t in picture.designers)


# The 汇总 sheet


@pytest.fixture(scope="module")
def fines_workbook(sample, tmp_path_factory):
    path, _ = sample
    out = tmp_path_factory.mktemp("out") / "乐捐.xlsx"
    args = ["fines", path, "--month", "2026-11", "--as-of", "2026-11-30", "-o", out]
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return out


def table_at(sheet, title_start: str) -> list:
    """The rows of the table under the title that starts with title_start."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(
        i for i, row in enumerate(rows) if str(row[0] or "").startswith(title_start)
    )
    table = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        table.append(list(row))
    return table


def test_the_summary_shows_compliance_per_designer_and_manager(fines_workbook):
    sheet = openpyxl.load_workbook(fines_workbook)["汇总"]

    designers = table_at(sheet, "2026-11 跟踪合规（按设计师）")
    assert designers[0] == [
        "设计师",
        "部门",
        "上级",
        "跟踪窗口",
        "按时跟踪",
        "合规率",
        "现房漏跟",
        "准现房漏跟",
        "期房漏跟",
        "长期跟踪漏跟",
        "漏跟合计",
    ]
    rows = {row[0]: row for row in designers[1:]}
    assert set(rows) == {"张婷", "李晓明", "刘洋", "赵静", "合计"}
    assert rows["刘洋"][1:3] == ["设计二部", "陈志强"]
    assert rows["刘洋"][6:] == [3, 0, 0, 0, 3]
    for row in rows.values():
        windows, met, rate = row[3:6]
        assert windows == met + row[10]
        assert rate == pytest.approx(met / windows)
    assert rows["合计"][10] == 9

    managers = table_at(sheet, "2026-11 跟踪合规（按部门经理")
    assert managers[0][:3] == ["部门经理", "部门", "设计师人数"]
    by_manager = {row[0]: row for row in managers[1:]}
    assert by_manager["王建国"][2] == 2
    assert by_manager["王建国"][3] == rows["张婷"][3] + rows["李晓明"][3]
    assert by_manager["陈志强"][10] == 4

    rate_cells = [c for c in sheet["F"] if isinstance(c.value, float)]
    assert rate_cells and {c.number_format for c in rate_cells} == {"0.0%"}


def test_the_summary_prints_on_one_landscape_page(fines_workbook):
    sheet = openpyxl.load_workbook(fines_workbook)["汇总"]

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)
    last_row = sheet.max_row
    assert sheet.print_area == f"'汇总'!$A$1:$K${last_row}"


def test_the_chart_reads_misses_and_rates_from_the_designers_table(fines_workbook):
    sheet = openpyxl.load_workbook(fines_workbook)["汇总"]
    header = next(
        c.row for c in sheet["A"] if c.value == "设计师" and sheet[f"K{c.row}"].value
    )
    first, last = header + 1, header + 4

    # openpyxl does not read charts back, so look at the parts in the file.
    with zipfile.ZipFile(fines_workbook) as parts:
        chart = parts.read("xl/charts/chart1.xml").decode()
        drawing = parts.read("xl/drawings/drawing1.xml").decode()
        sheet_rels = parts.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert re.search(r"<(c:)?barChart>", chart)
    assert re.search(r"<(c:)?lineChart>", chart)
    assert f"'汇总'!$K${first}:$K${last}" in chart  # misses
    assert f"'汇总'!$F${first}:$F${last}" in chart  # compliance
    assert f"'汇总'!$A${first}:$A${last}" in chart  # designers
    assert "twoCellAnchor" in drawing
    assert "drawing1.xml" in sheet_rels


def test_a_month_without_windows_has_no_chart(tmp_path):
    path = make_book(tmp_path / "b.xlsx", [client_row(1001)], followed(1001, 2))
    out = tmp_path / "乐捐.xlsx"
    args = ["fines", path, "--month", "2026-10", "--as-of", "2026-11-30", "-o", out]
    result = CliRunner().invoke(main, [str(a) for a in args])

    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["汇总"]
    texts = [c.value for c in sheet["A"] if c.value]
    assert "2026-10 跟踪合规（按设计师）" in texts
    assert "本月没有已到截止日或已跟踪的窗口。" in texts
    with zipfile.ZipFile(out) as parts:
        assert not [n for n in parts.namelist() if n.startswith("xl/charts/")]
