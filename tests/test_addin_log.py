"""记录跟踪: one click appends one stamped row and recolours exactly that client."""

from __future__ import annotations

import datetime as dt

import pytest

from addin import actions
from checker.report import check_workbook
from checker.rules import month_fines, statuses
from tests import excel_engine as ee
from tests.test_addin_support import (
    NOW,
    TODAY,
    click_log,
    client,
    client_record,
    last_alert,
    open_shared,
    saved,
    sheet_records,
    states,
)
from workbook import layout

CLIENTS = [
    client(1001),  # row 2: no follow-up yet, overdue since 11-04
    client(1002, designer="钱设计", last_follow_up=dt.date(2026, 11, 8)),  # row 3
    client(1003, status="已签约", closed_date=dt.date(2026, 11, 5)),  # row 4
    client(1004, assigned_date=None),  # row 5: 资料不全
    client(1005, handover_date=dt.date(2027, 12, 1)),  # row 6: 期房
    client(1006, status="已流失", closed_date=dt.date(2026, 11, 9)),  # row 7
    client(1007, designer=None),  # row 8
    {"name": "没有编号的客户", "designer": "王设计"},  # row 9
]


@pytest.fixture
def book():
    return open_shared(CLIENTS)


def test_a_click_appends_one_stamped_row_and_recolours_that_client(book, tmp_path):
    outcome = click_log(book, "C2", plan="下周三到店看样板间")

    assert outcome.done
    assert ee.stats(book).write_addresses == ["跟踪记录!A3:J3", "客户!O2:S2"]
    assert not any(a.startswith("跟踪记录") for a in ee.stats(book).read_addresses)
    path = saved(book, tmp_path)
    assert sheet_records(path, layout.FOLLOW_UPS) == [
        {
            "记录编号": "R20261110-093015-1001",
            "记录时间": NOW,
            "跟踪日期": dt.datetime(2026, 11, 10),
            "客户编号": 1001,
            "客户姓名": "客户1001",
            "设计师": "王设计",
            "跟踪方式": "电话",
            "跟踪内容": "电话沟通软装方案",
            "下次计划": "下周三到店看样板间",
            "来源": "插件",
        }
    ]
    row = client_record(path, 2)
    assert (row["类别"], row["上次跟踪"], row["应跟踪截止"]) == (
        "现房",
        dt.datetime(2026, 11, 10),
        dt.datetime(2026, 11, 13),
    )
    assert (row["逾期天数"], row["跟踪状态"]) == (None, "正常")
    assert states(book, 8) == ["正常"] + [None] * 7


def test_the_designer_is_told_the_next_deadline(book):
    click_log(book, "A2")

    alert = last_alert(book)
    assert alert.mode == "info"
    assert alert.prompt == (
        "已记录：客户 1001 客户1001，2026-11-10，电话。\n"
        "下次应在 2026-11-13 前跟踪（现房，每 3 天至少跟踪一次）。"
    )


def test_a_back_dated_entry_can_leave_the_client_overdue(book, tmp_path):
    click_log(book, "A2", date=dt.date(2026, 11, 3))

    assert "该客户仍逾期 4 天（应在 2026-11-06 前跟踪）" in last_alert(book).prompt
    assert (
        "跟踪日期比今天早 7 天，月度检查会把这条列为“补录”" in last_alert(book).prompt
    )
    row = client_record(saved(book, tmp_path), 2)
    assert (row["上次跟踪"], row["逾期天数"], row["跟踪状态"]) == (
        dt.datetime(2026, 11, 3),
        4,
        "逾期",
    )


def test_an_older_entry_keeps_the_later_last_follow_up(book, tmp_path):
    click_log(book, "A3", date=dt.date(2026, 11, 7))

    row = client_record(saved(book, tmp_path), 3)
    assert row["上次跟踪"] == dt.datetime(2026, 11, 8)
    assert (row["应跟踪截止"], row["跟踪状态"]) == (
        dt.datetime(2026, 11, 11),
        "即将到期",
    )


def test_a_date_picked_as_text_on_desktop_is_read_as_a_date(book, tmp_path):
    click_log(book, "A2", date="2026/11/9")

    assert sheet_records(saved(book, tmp_path), layout.FOLLOW_UPS)[0]["跟踪日期"] == (
        dt.datetime(2026, 11, 9)
    )


REFUSALS = [
    ("人员!A2", {}, "请先切换到“客户”工作表"),
    ("客户!A1", {}, "选中的 A1 不在客户表的数据行里"),
    ("客户!B2:B3", {}, "选中了 2 行（B2:B3）。一次只能记录一位客户"),
    ("客户!B20", {}, "选中的 B20 不在客户表的数据行里"),
    ("客户!U2", {}, "选中的 U2 不在客户表的数据行里"),
    ("客户!A9", {}, "第 9 行没有可用的客户编号（A9）"),
    ("客户!A2", {"content": "   "}, "跟踪内容不能为空"),
    ("客户!A2", {"method": "短信"}, "跟踪方式“短信”不在可选项中"),
    ("客户!A2", {"date": "11/3"}, "跟踪日期“11/3”不是有效日期"),
    ("客户!A2", {"date": dt.date(2026, 11, 11)}, "跟踪日期 2026-11-11 晚于今天"),
    (
        "客户!A2",
        {"date": dt.date(2026, 10, 31)},
        "跟踪日期 2026-10-31 早于客户 1001 客户1001 的分配日期 2026-11-01",
    ),
    ("客户!A4", {}, "客户 1003 客户1003 的客户状态是“已签约”，已不再跟踪"),
    ("客户!A7", {}, "客户 1006 客户1006 的客户状态是“已流失”，已不再跟踪"),
    ("客户!A5", {}, "资料不全：既没有分配日期，也没有上次跟踪"),
    ("客户!A8", {}, "客户 1007 客户1007 的设计师为空（G8）"),
]


@pytest.mark.parametrize(("where", "fields", "said"), REFUSALS)
def test_refusals_say_what_to_do_and_change_nothing(
    book, tmp_path, where, fields, said
):
    sheet, cell = where.split("!")
    ee.start_run(book)
    ee.select(book, sheet, cell)
    arguments = {"method": "电话", "content": "电话沟通", "date": None, **fields}

    outcome = actions.log_follow_up(book, **arguments, next_plan="", now=NOW)

    assert not outcome.done
    assert said in last_alert(book).prompt
    assert last_alert(book).mode == "critical"
    assert ee.stats(book).writes == 0
    assert sheet_records(saved(book, tmp_path), layout.FOLLOW_UPS) == []


def test_a_broken_rule_stops_logging_until_it_is_fixed(tmp_path):
    book = open_shared(CLIENTS, rules={"现房跟踪间隔(天)": "三天"})

    outcome = click_log(book, "A2")

    assert not outcome.done
    assert "规则表有错误" in outcome.message
    assert "参数“现房跟踪间隔(天)”的值“三天”不可用" in outcome.message
    assert ee.stats(book).writes == 0


def test_two_designers_appending_in_turn_keep_both_rows(book, tmp_path):
    click_log(book, "A2", content="王设计：电话沟通")
    ee.start_run(book)
    ee.select(book, layout.CLIENTS, "A3")
    later = NOW + dt.timedelta(seconds=20)
    actions.log_follow_up(book, "微信", "钱设计：发了报价", None, "", now=later)

    rows = sheet_records(saved(book, tmp_path), layout.FOLLOW_UPS)
    assert [(r["记录编号"], r["设计师"], r["跟踪内容"]) for r in rows] == [
        ("R20261110-093015-1001", "王设计", "王设计：电话沟通"),
        ("R20261110-093035-1002", "钱设计", "钱设计：发了报价"),
    ]


def test_two_designers_at_the_same_moment_do_not_overwrite_each_other(book, tmp_path):
    # Both clicks see the same snapshot of the 跟踪记录 table (one Lite run):
    # the second append still goes below the first, never onto it.
    ee.select(book, layout.CLIENTS, "A2")
    actions.log_follow_up(book, "电话", "王设计：电话沟通", None, "", now=NOW)
    ee.select(book, layout.CLIENTS, "A3")
    actions.log_follow_up(book, "微信", "钱设计：发了报价", None, "", now=NOW)

    rows = sheet_records(saved(book, tmp_path), layout.FOLLOW_UPS)
    assert [(r["客户编号"], r["跟踪内容"]) for r in rows] == [
        (1001, "王设计：电话沟通"),
        (1002, "钱设计：发了报价"),
    ]
    assert len({r["记录编号"] for r in rows}) == 2


def test_ids_read_back_as_numbers_still_match_their_client(tmp_path):
    book = open_shared([client(1001), client("00123", name="零号客户")])
    click_log(book, "A2")
    click_log(book, "A3")

    path = saved(book, tmp_path)
    assert [r["客户编号"] for r in sheet_records(path, layout.FOLLOW_UPS)] == [
        1001,
        "00123",
    ]
    checked = check_workbook(path, TODAY)
    assert [f.client_id for f in checked.book.follow_ups] == ["1001", "00123"]
    assert not [p for p in checked.problems if p.code == "unknown-client"]


def test_the_checker_counts_what_the_add_in_logged(tmp_path):
    book = open_shared([client(1001), client(1002, designer="钱设计")])
    click_log(book, "A2", date=dt.date(2026, 11, 3))
    click_log(book, "A2", date=dt.date(2026, 11, 6))
    click_log(book, "A3")

    path = saved(book, tmp_path)
    checked = check_workbook(path, TODAY)
    logged = [(f.client_id, f.date, f.source) for f in checked.book.follow_ups]
    assert logged == [
        ("1001", dt.date(2026, 11, 3), "插件"),
        ("1001", dt.date(2026, 11, 6), "插件"),
        ("1002", dt.date(2026, 11, 10), "插件"),
    ]
    assert all(f.entered_at == NOW for f in checked.book.follow_ups)

    # 1001: 11-03 and 11-06 kept the 11-04 and 11-06 deadlines, but nothing came
    # by 11-09; 1002: 11-10 came after the 11-04 and 11-07 deadlines.
    fines = month_fines(checked.book, "2026-11", as_of=TODAY)
    assert [(m.client_id, m.date) for m in fines.misses] == [
        ("1001", dt.date(2026, 11, 10)),
        ("1002", dt.date(2026, 11, 5)),
        ("1002", dt.date(2026, 11, 8)),
    ]

    # What the add-in wrote on the rows is what the checker computes from the log.
    shown = {s.client_id: s for s in statuses(checked.book, TODAY)}
    for row, client_id in ((2, "1001"), (3, "1002")):
        written = client_record(path, row)
        expected = shown[client_id]
        assert written["跟踪状态"] == expected.state
        assert written["应跟踪截止"].date() == expected.deadline
        assert written["上次跟踪"].date() == expected.last_follow_up


def test_text_that_excel_would_turn_into_a_number_or_date_stays_text(book, tmp_path):
    click_log(book, "A2", content="13800138000", plan="2026-11-12")

    (row,) = sheet_records(saved(book, tmp_path), layout.FOLLOW_UPS)
    assert (row["跟踪内容"], row["下次计划"]) == ("13800138000", "2026-11-12")
