"""刷新逾期标记, 筛选逾期 and 清除筛选 on the shared workbook."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from addin import actions
from checker.report import check_workbook
from checker.rules import statuses
from tests import excel_engine as ee
from tests.test_addin_support import (
    NOW,
    TODAY,
    click,
    client,
    client_record,
    last_alert,
    open_shared,
    saved,
    shared_workbook,
    states,
)
from workbook import layout
from workbook.template import fill_sheet

CLIENTS = [
    client(1001),  # row 2: nothing since 11-01, deadline 11-04
    client(1002, last_follow_up=dt.date(2026, 11, 8)),  # row 3
    client(1003, last_follow_up=dt.date(2026, 11, 7)),  # row 4
    client(
        1004, handover_date=dt.date(2027, 12, 1), last_follow_up=dt.date(2026, 11, 5)
    ),
    client(1005, status="已签约", closed_date=dt.date(2026, 11, 5)),  # row 6
    client(1006, assigned_date=None),  # row 7
    client(1007, designer="钱设计", last_follow_up=dt.date(2026, 11, 2)),  # row 8
    client(  # row 9
        1008,
        assigned_date=dt.date(2026, 10, 1),
        long_term="是",
        long_term_since=dt.date(2026, 10, 1),
        last_follow_up=dt.date(2026, 10, 5),
    ),
    {},  # row 10: an empty table row
    {"name": "没有编号的客户", "designer": "王设计"},  # row 11
    # row 12: reassigned on 11-06; the last follow-up was the previous designer's
    client(
        1009, assigned_date=dt.date(2026, 11, 6), last_follow_up=dt.date(2026, 11, 3)
    ),
]

# (类别, 上次跟踪, 应跟踪截止, 逾期天数, 跟踪状态) per row, as of 11-10, worked by hand.
EXPECTED = [
    ("现房", None, dt.date(2026, 11, 4), 6, "逾期"),
    ("现房", dt.date(2026, 11, 8), dt.date(2026, 11, 11), None, "即将到期"),
    ("现房", dt.date(2026, 11, 7), dt.date(2026, 11, 10), None, "今日到期"),
    ("期房", dt.date(2026, 11, 5), dt.date(2026, 11, 20), None, "正常"),
    (None, None, None, None, "已结束"),
    (None, None, None, None, "资料不全"),
    ("现房", dt.date(2026, 11, 2), dt.date(2026, 11, 5), 5, "逾期"),
    ("长期跟踪", dt.date(2026, 10, 5), dt.date(2026, 11, 5), 5, "逾期"),
    (None, None, None, None, None),
    (None, None, None, None, "资料不全"),
    ("现房", None, dt.date(2026, 11, 9), 1, "逾期"),
]
SHOWN_WHEN_FILTERED = [2, 4, 8, 9, 12]


@pytest.fixture
def book():
    return open_shared(CLIENTS)


def status_rows(path, rows) -> list[tuple]:
    found = []
    for row in rows:
        record = client_record(path, row)
        found.append(
            tuple(
                value.date() if isinstance(value, dt.datetime) else value
                for value in (
                    record["类别"],
                    record["上次跟踪"],
                    record["应跟踪截止"],
                    record["逾期天数"],
                    record["跟踪状态"],
                )
            )
        )
    return found


def test_refresh_writes_every_clients_status(book, tmp_path):
    outcome = click(book, actions.refresh_status)

    assert outcome.done
    assert status_rows(saved(book, tmp_path), range(2, 13)) == EXPECTED
    assert last_alert(book).prompt == (
        "已刷新 9 位客户的跟踪状态（截至 2026-11-10）：逾期 4 位，今日到期 1 位，"
        "即将到期 1 位，资料不全 2 位。"
    )


def test_refresh_stamps_the_time_in_the_guide_sheet(book, tmp_path):
    click(book, actions.refresh_status)

    guide = openpyxl.load_workbook(saved(book, tmp_path))[layout.REFRESH_NOTE_SHEET]
    assert guide[layout.REFRESH_NOTE_LABEL_CELL].value == "上次刷新"
    assert guide[layout.REFRESH_NOTE_CELL].value == NOW


def test_refresh_agrees_with_the_checker_reading_the_whole_log(tmp_path):
    # The same clients with their last follow-ups in the log instead.
    wb = shared_workbook(CLIENTS)
    log = [
        {"client_id": c["client_id"], "date": c["last_follow_up"], "designer": "王设计"}
        for c in CLIENTS
        if c.get("last_follow_up")
    ]
    fill_sheet(wb, layout.FOLLOW_UP_SHEET, log)
    book = ee.open_book(wb)

    click(book, actions.refresh_status)

    path = saved(book, tmp_path)
    expected = {
        s.client_id: s for s in statuses(check_workbook(path, TODAY).book, TODAY)
    }
    for row, found in zip(range(2, 13), status_rows(path, range(2, 13)), strict=True):
        client_id = client_record(path, row)["客户编号"]
        if client_id is None:
            continue
        status = expected[str(client_id)]
        assert found[1:3] == (status.last_follow_up, status.deadline)
        assert found[4] == status.state


def test_refresh_reads_two_blocks_and_never_the_follow_up_log(book):
    click(book, actions.refresh_status)

    stats = ee.stats(book)
    assert sorted(stats.read_addresses) == ["客户!A2:S12", "规则!A1:C17"]
    assert stats.write_addresses == ["客户!O2:S12", "使用说明!B2"]


@pytest.mark.parametrize("count", [100, 10_000])
def test_a_refresh_makes_the_same_number_of_writes_for_any_number_of_clients(count):
    clients = [
        client(
            10_000 + n,
            designer=("王设计", "钱设计")[n % 2],
            last_follow_up=dt.date(2026, 11, 1 + n % 10),
        )
        for n in range(count)
    ]
    book = open_shared(clients)

    click(book, actions.refresh_status)

    stats = ee.stats(book)
    assert (stats.reads, stats.writes) == (2, 2)
    assert stats.write_addresses == [f"客户!O2:S{count + 1}", "使用说明!B2"]
    # Last follow-ups cycle through 11-01 … 11-10: 11-01 … 11-06 are overdue on
    # 11-10, 11-07 is due today, 11-08 due soon, 11-09 and 11-10 on track.
    shown = states(book, count)
    assert shown[:10] == ["逾期"] * 6 + ["今日到期", "即将到期", "正常", "正常"]
    assert shown.count("逾期") == count * 6 // 10


def test_a_missing_rules_sheet_means_defaults_with_a_warning(tmp_path):
    wb = shared_workbook(CLIENTS)
    wb.remove(wb[layout.RULES])
    book = ee.open_book(wb)

    outcome = click(book, actions.refresh_status)

    assert outcome.done
    assert "找不到工作表“规则”，已按默认处理" in outcome.message
    assert status_rows(saved(book, tmp_path), range(2, 13)) == EXPECTED


def test_a_broken_rule_stops_the_refresh(book):
    wb = shared_workbook(CLIENTS, rules={"即将到期提醒(天)": -1})
    book = ee.open_book(wb)

    outcome = click(book, actions.refresh_status)

    assert not outcome.done
    assert "参数“即将到期提醒(天)”的值“-1”不可用" in outcome.message
    assert ee.stats(book).writes == 0


def test_refresh_refuses_without_the_status_columns():
    wb = shared_workbook(CLIENTS)
    ws = wb[layout.CLIENTS]
    ws["S1"] = "状态"  # someone renamed 跟踪状态
    wb[layout.CLIENTS].tables["Clients"].tableColumns = []
    book = ee.open_book(wb)

    outcome = click(book, actions.refresh_status)

    assert not outcome.done
    assert "“客户”表格缺少列：跟踪状态" in outcome.message
    assert ee.stats(book).writes == 0


# 筛选逾期 and 清除筛选


def visible_rows(book, last_row: int = 12) -> list[int]:
    hidden = set(ee.hidden_rows(book, layout.CLIENTS))
    return [row for row in range(2, last_row + 1) if row not in hidden]


def test_the_filter_shows_only_overdue_and_due_today_rows(book, tmp_path):
    outcome = click(book, actions.filter_overdue)

    assert visible_rows(book) == SHOWN_WHEN_FILTERED
    assert {states(book, 11)[row - 2] for row in visible_rows(book)} == {
        "逾期",
        "今日到期",
    }
    assert outcome.message == (
        "已筛选出 5 位逾期或今日到期的客户。点“清除筛选”可重新显示全部客户。"
    )
    # Saved, the workbook opens filtered in Excel.
    ws = openpyxl.load_workbook(saved(book, tmp_path))[layout.CLIENTS]
    (criterion,) = ws.tables["Clients"].autoFilter.filterColumn
    assert criterion.colId == layout.CLIENT_SHEET.headers.index("跟踪状态")
    assert sorted(criterion.filters.filter) == sorted(layout.NEEDS_ACTION)
    assert [r for r in range(2, 13) if ws.row_dimensions[r].hidden] == [
        3,
        5,
        6,
        7,
        10,
        11,
    ]


def test_the_filter_refreshes_first_so_new_overdue_rows_show(book):
    click(book, actions.refresh_status, now=NOW - dt.timedelta(days=6))
    assert states(book, 11)[6] == "即将到期"  # 1007 on 11-04

    click(book, actions.filter_overdue)

    assert 8 in visible_rows(book)
    assert ee.cell_values(book, layout.CLIENTS, "S8") == [["逾期"]]


def test_the_filter_for_one_designer(book):
    outcome = click(book, actions.filter_overdue, "钱设计")

    assert visible_rows(book) == [8]
    assert "已筛选出 1 位逾期或今日到期的客户（设计师：钱设计）" in outcome.message


def test_filtering_again_without_a_designer_shows_every_designer(book):
    click(book, actions.filter_overdue, "钱设计")

    click(book, actions.filter_overdue, "")

    assert visible_rows(book) == SHOWN_WHEN_FILTERED


def test_a_managers_own_filter_on_another_column_stays(book):
    estate = layout.CLIENT_SHEET.headers.index("楼盘") + 1
    book.sheets[layout.CLIENTS].tables["Clients"].autofilter.apply_values(
        estate, ["别的楼盘"]
    )

    click(book, actions.filter_overdue)

    assert visible_rows(book) == []


def test_an_unknown_designer_is_refused_and_the_filter_stays(book):
    click(book, actions.filter_overdue, "钱设计")

    outcome = click(book, actions.filter_overdue, "孙设计")

    assert not outcome.done
    assert "客户表“设计师”列中没有“孙设计”" in outcome.message
    assert ee.stats(book).writes == 0
    assert visible_rows(book) == [8]


def test_clear_filter_shows_every_row_again(book, tmp_path):
    click(book, actions.filter_overdue, "钱设计")

    outcome = click(book, lambda b, now: actions.clear_filter(b))

    assert outcome.message == "已清除筛选，客户表显示全部客户。"
    assert visible_rows(book) == list(range(2, 13))
    ws = openpyxl.load_workbook(saved(book, tmp_path))[layout.CLIENTS]
    assert list(ws.tables["Clients"].autoFilter.filterColumn) == []
