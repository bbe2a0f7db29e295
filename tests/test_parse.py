"""Reading rows of cells into records: headers, columns, problems with cells."""

import datetime as dt

import pytest

from workbook import layout
from workbook.parse import read_book, read_clients, read_follow_ups, read_rules


def codes_at(problems) -> list[tuple[str, str]]:
    return [(p.code, f"{p.sheet}!{p.cell}") for p in problems]


def test_columns_are_found_by_header_in_any_order_with_spaces_and_full_width():
    rows = [
        ["备注", " 设计师 ", "客户编号", "交房日期", "自己加的列"],
        ["VIP", "王设计", 1001.0, "2026/11/3", "随便"],
    ]
    problems = []
    clients, _ = read_clients(rows, problems)

    [client] = clients
    assert (client.client_id, client.designer) == ("1001", "王设计")
    assert client.handover_date == dt.date(2026, 11, 3)
    missing = " ".join(p.message for p in problems if p.code == "missing-column")
    assert "客户编号" not in missing and "设计师" not in missing
    assert "交房日期" not in missing and "分配日期" in missing  # it changes fines


def test_a_header_below_a_title_row_is_found():
    rows = [["客户名单（2026）"], [], ["客户编号", "设计师"], ["A1", "王设计"]]
    clients, _ = read_clients(rows, [])
    assert [(c.client_id, c.row) for c in clients] == [("A1", 4)]


def test_a_duplicated_header_names_both_cells():
    rows = [["客户编号", "设计师", "交房日期", "交房日期"], ["1", "王设计", None, None]]
    problems = []
    read_clients(rows, problems)

    [duplicate] = [p for p in problems if p.code == "duplicate-header"]
    assert duplicate.cell == "D1"
    assert "C1" in duplicate.message


def test_a_missing_required_column_is_an_error():
    problems = []
    clients, _ = read_clients([["客户编号"], ["1"]], problems)

    assert clients == []
    assert ("missing-column", "客户!A1") in codes_at(problems)


def test_unreadable_values_are_reported_with_sheet_cell_and_value():
    rows = [
        ["客户编号", "设计师", "交房日期", "长期跟踪", "客户状态"],
        [1001, "王设计", "2026-13-01", "也许", "谈崩了"],
    ]
    problems = []
    read_clients(rows, problems)

    found = {(p.code, p.cell, p.value) for p in problems}
    assert ("impossible-date", "C2", "2026-13-01") in found
    assert ("bad-yes-no", "D2", "也许") in found
    assert ("bad-choice", "E2", "谈崩了") in found
    [date_problem] = [p for p in problems if p.cell == "C2"]
    assert "按 2026-11-03 的格式填写" in date_problem.message
    assert date_problem.render().startswith("[错误] 客户!C2: 交房日期")


def test_follow_ups_without_a_usable_date_are_reported_not_guessed():
    rows = [["跟踪日期", "客户编号"], ["11-3", 1001], ["2026-11-04", "1001"], [None, 7]]
    problems = []
    follow_ups, _ = read_follow_ups(rows, problems)

    assert [(f.client_id, f.date) for f in follow_ups] == [
        ("1001", dt.date(2026, 11, 4))
    ]
    cell_problems = [p for p in problems if p.code != "missing-column-optional"]
    assert codes_at(cell_problems) == [
        ("date-without-year", "跟踪记录!A2"),
        ("missing-value", "跟踪记录!A4"),
    ]


def rules_rows(**values):
    rows = [["参数", "值", "说明"]]
    for parameter in layout.RULE_PARAMETERS:
        value = values.get(parameter.key, parameter.default)
        if isinstance(value, bool):
            value = "是" if value else "否"
        rows.append([parameter.name, value, parameter.note])
    return rows


OVERRIDES = {
    "interval_handed_over": 2,
    "interval_handover_soon": 5,
    "interval_off_plan": 10,
    "interval_long_term_months": 2,
    "handover_soon_months": 2,
    "fine_designer": 40,
    "fine_manager": 15,
    "fine_specialist": 55,
    "fine_supervisor": 25,
    "fine_long_term": True,
    "warning_days": 2,
    "effective_date": dt.date(2026, 10, 1),
    "backfill_days": 3,
    "bulk_entries": 6,
    "bulk_minutes": 15,
    "same_content_clients": 4,
}


def test_every_rule_row_can_be_overridden():
    assert set(OVERRIDES) == {p.key for p in layout.RULE_PARAMETERS}
    problems = []
    rules = read_rules(rules_rows(**OVERRIDES), problems)

    assert {key: getattr(rules, key) for key in OVERRIDES} == OVERRIDES
    assert problems == []


def test_rule_names_are_matched_after_folding_full_width_brackets():
    rows = [["参数", "值"], ["现房跟踪间隔（天）", 4]]
    rules = read_rules(rows, [])
    assert rules.interval_handed_over == 4


def test_missing_rules_mean_their_default_with_a_warning():
    problems = []
    rules = read_rules([["参数", "值"], ["设计师乐捐(元)", 35]], problems)

    assert (rules.fine_designer, rules.fine_manager) == (35, 10)
    missing = [p for p in problems if p.code == "missing-rule"]
    assert len(missing) == len(layout.RULE_PARAMETERS) - 1
    assert all(p.severity == "warning" for p in missing)
    assert read_rules(None, problems).fine_designer == 30


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("现房跟踪间隔(天)", 0),
        ("现房跟踪间隔(天)", "三"),
        ("现房跟踪间隔(天)", 2.5),
        ("设计师乐捐(元)", -5),
        ("长期跟踪计入乐捐", "看情况"),
        ("生效日期", "明年"),
        ("期房跟踪间隔(天)", None),
    ],
)
def test_an_unusable_rule_value_is_an_error_not_a_silent_default(name, value):
    rows = rules_rows()
    for row in rows:
        if row[0] == name:
            row[1] = value
    problems = []
    read_rules(rows, problems)

    errors = [p for p in problems if p.is_error]
    assert len(errors) == 1
    assert errors[0].sheet == "规则" and errors[0].cell.startswith("B")


def test_a_missing_required_sheet_is_reported():
    book = read_book({"客户": [["客户编号", "设计师"]], "人员": [["姓名"]]})
    assert ("missing-sheet", "跟踪记录") in {(p.code, p.sheet) for p in book.problems}
