"""Suspects (疑点): what customer service is shown to check, and what it is not.

Workbooks are built in tmp_path; the layout puts 记录时间 in B, 跟踪日期 in C,
设计师 in F, 跟踪内容 in H and 来源 in J of 跟踪记录, and 设计师 in G, 分配日期 in I
and 上次跟踪 in P of 客户, which is where the cells below point.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from checker.audit import find_suspects, fold_content
from checker.cli import main
from checker.fines_workbook import build_fines_workbook
from checker.report import check_workbook
from checker.rules import month_fines
from tests.workbooks import client_row, follow_up_row, make_book
from workbook.sample import SAME_CONTENT, SAMPLE_AS_OF, build_sample

D = dt.date
AS_OF = D(2026, 11, 30)
TOPICS = [
    "确认了厨房布局",
    "讨论了预算",
    "看了主卧效果图",
    "约了周末量房",
    "问了环保材料",
]


def note(client_id, day) -> str:
    """Varied content, as a designer writes it: never the same for two clients."""
    return f"{TOPICS[day.day % len(TOPICS)]}（客户{client_id}，{day:%m月%d日}）"


def added(client_id, day, **fields) -> dict:
    """A follow-up logged through the add-in on its own day."""
    fields.setdefault("content", note(client_id, day))
    return follow_up_row(client_id, day, **fields)


def late(client_id, day, entered, **fields) -> dict:
    """A follow-up logged through the add-in at `entered`, after its day."""
    return added(client_id, day, entered_at=entered, **fields)


def checked_book(tmp_path, clients, follow_ups, as_of=AS_OF, **options):
    path = make_book(tmp_path / "客户跟踪.xlsx", clients, follow_ups, **options)
    return check_workbook(path, as_of)


def audit(tmp_path, clients, follow_ups, month="2026-11", as_of=AS_OF, **options):
    checked = checked_book(tmp_path, clients, follow_ups, as_of, **options)
    return find_suspects(checked.book, month, as_of)


def found(suspects, code=None) -> list:
    return [
        (s.code, s.client_id, s.cells)
        for s in suspects
        if code is None or s.code == code
    ]


def diligent(client_ids, designer="王设计", every=2) -> list:
    return [
        added(cid, D(2026, 11, day), designer=designer)
        for cid in client_ids
        for day in range(2, 31, every)
    ]


# A clean workbook


def test_a_workbook_entered_through_the_add_in_on_the_day_has_no_suspects(tmp_path):
    mine = [1001, 1002, 1005, 1006, 1007]
    clients = [client_row(cid) for cid in mine] + [
        client_row(1003, designer="钱设计"),
        # Reassigned on 11-10: 王设计's earlier follow-ups are history.
        client_row(1004, designer="钱设计", assigned_date=D(2026, 11, 10)),
    ]
    # The add-in refreshed 上次跟踪 on 11-26; the entries since are not lost ones.
    clients[2]["last_follow_up"] = D(2026, 11, 26)
    follow_ups = diligent(mine) + diligent([1003], "钱设计")
    follow_ups += [added(1004, D(2026, 11, d)) for d in (2, 6)]
    follow_ups += [
        added(1004, D(2026, 11, d), designer="钱设计") for d in range(12, 31, 3)
    ]
    # Five calls logged in one sitting the same evening: a normal day's work.
    follow_ups += [
        added(cid, D(2026, 11, 17), entered_at=dt.datetime(2026, 11, 17, 19, n))
        for n, cid in enumerate(mine)
    ]

    checked = checked_book(tmp_path, clients, follow_ups)

    assert checked.errors == []
    for month in ("2026-10", "2026-11", "2026-12"):
        assert find_suspects(checked.book, month, AS_OF) == []


# Each kind of suspect, with its cells


def test_backfilled_points_at_entry_time_and_date(tmp_path):
    follow_ups = [
        added(1001, D(2026, 11, 2)),
        late(1001, D(2026, 11, 4), dt.datetime(2026, 11, 7, 9, 0)),  # 3 days: 补录
        late(1001, D(2026, 11, 6), dt.datetime(2026, 11, 8, 23, 59)),  # 2 days: not
    ]
    suspects = audit(tmp_path, [client_row(1001)], follow_ups)

    assert found(suspects) == [("backfilled", "1001", ("跟踪记录!B3", "跟踪记录!C3"))]
    assert "晚了 3 天才录入" in suspects[0].message
    assert suspects[0].designer == "王设计"


def test_manual_rows_without_entry_time_or_not_from_the_add_in(tmp_path):
    follow_ups = [
        added(1001, D(2026, 11, 2), entered_at=None, source="手工"),
        added(1001, D(2026, 11, 4), source="手工"),
        added(1001, D(2026, 11, 6), source=None),
        added(1001, D(2026, 11, 8)),
    ]
    suspects = audit(tmp_path, [client_row(1001)], follow_ups)

    assert found(suspects) == [
        ("manual", "1001", ("跟踪记录!B2", "跟踪记录!J2")),
        ("manual", "1001", ("跟踪记录!J3",)),
        ("manual", "1001", ("跟踪记录!J4",)),
    ]
    assert "没有记录时间" in suspects[0].message
    assert "来源是“手工”" in suspects[1].message
    assert "来源是“空白”" in suspects[2].message


def test_same_content_after_folding_spaces_and_punctuation(tmp_path):
    clients = [client_row(cid) for cid in (1001, 1002, 1003, 1004)]
    follow_ups = [
        added(1001, D(2026, 11, 3), content="客户暂时没有新的想法，下周再联系。"),
        added(1002, D(2026, 11, 5), content="客户暂时没有新的想法 下周再联系"),
        added(1003, D(2026, 11, 9), content="客户暂时没有新的想法,下周再联系!"),
        # Another designer's identical note does not add to 王设计's count.
        added(1004, D(2026, 11, 9), designer="钱设计", content="客户暂时没有新的想法"),
    ]
    suspects = audit(tmp_path, clients, follow_ups)

    assert found(suspects, "same-content") == [
        ("same-content", "1001", ("跟踪记录!H2",)),
        ("same-content", "1002", ("跟踪记录!H3",)),
        ("same-content", "1003", ("跟踪记录!H4",)),
    ]
    assert "另外 2 位客户（1002、1003）" in suspects[0].message


def test_fold_content_drops_spaces_punctuation_and_width():
    assert fold_content("好的，下周 联系。") == fold_content("好的下周联系")
    assert fold_content("ＯＫ！ 明天见") == fold_content("ok明天见")
    assert fold_content("…！？ ") == ""
    assert fold_content("三楼") != fold_content("二楼")


def test_same_content_counts_clients_within_one_month(tmp_path):
    clients = [client_row(cid, assigned_date=D(2026, 10, 1)) for cid in (1, 2, 3)]
    text = "电话未接通"
    follow_ups = [
        added(1, D(2026, 10, 20), content=text),
        added(2, D(2026, 10, 22), content=text),
        added(3, D(2026, 11, 2), content=text),
    ]
    checked = checked_book(tmp_path, clients, follow_ups)

    assert found(find_suspects(checked.book, "2026-10", AS_OF), "same-content") == []
    assert found(find_suspects(checked.book, "2026-11", AS_OF), "same-content") == []


def test_other_designer_points_at_both_designers(tmp_path):
    follow_ups = [added(1001, D(2026, 11, 3), designer="钱设计")]
    suspects = audit(tmp_path, [client_row(1001)], follow_ups)

    assert found(suspects) == [
        ("other-designer", "1001", ("跟踪记录!F2", "客户!G2")),
    ]
    assert suspects[0].designer == "钱设计"
    assert "“钱设计”不是该客户的设计师“王设计”" in suspects[0].message


def test_before_assignment_by_the_clients_own_designer(tmp_path):
    clients = [client_row(1001, assigned_date=D(2026, 11, 10))]
    follow_ups = [
        added(1001, D(2026, 11, 5)),  # the current designer, before the 分配日期
        added(1001, D(2026, 11, 6), designer="钱设计"),  # the previous designer
        added(1001, D(2026, 11, 12)),
    ]
    suspects = audit(tmp_path, clients, follow_ups)

    assert found(suspects) == [
        ("before-assignment", "1001", ("跟踪记录!C2", "客户!I2")),
    ]
    assert "早于该客户的分配日期 2026-11-10" in suspects[0].message


def test_future_dates_after_the_check_day_or_the_entry(tmp_path):
    follow_ups = [
        added(1001, D(2026, 11, 2)),
        added(1001, D(2026, 12, 10)),  # after the check day
        added(1001, D(2026, 11, 20), entered_at=dt.datetime(2026, 11, 18, 10, 0)),
    ]
    suspects = audit(tmp_path, [client_row(1001)], follow_ups)

    assert found(suspects) == [
        ("future", "1001", ("跟踪记录!C3",)),
        ("future", "1001", ("跟踪记录!C4", "跟踪记录!B4")),
    ]
    assert "晚于检查日 2026-11-30" in suspects[0].message
    assert "录入时这次跟踪还没有发生" in suspects[1].message


def test_stale_last_follow_up_names_a_day_without_a_record(tmp_path):
    clients = [
        client_row(1001, last_follow_up=D(2026, 11, 20)),  # no record that day
        client_row(1002, last_follow_up="昨天"),  # typed over
        client_row(1003, last_follow_up=D(2026, 11, 2)),  # refreshed before 11-05
        client_row(1004, last_follow_up=None),  # never refreshed
        client_row(1005, last_follow_up="2026-11-05"),  # as text, still a record day
    ]
    follow_ups = [
        added(cid, D(2026, 11, day)) for cid in range(1001, 1006) for day in (2, 5)
    ]
    suspects = audit(tmp_path, clients, follow_ups)

    assert found(suspects) == [
        ("stale-last-follow-up", "1001", ("客户!P2", "跟踪记录!C3")),
        ("stale-last-follow-up", "1002", ("客户!P3", "跟踪记录!C5")),
    ]
    assert "上次跟踪是 2026-11-20" in suspects[0].message
    assert "最近一次是 2026-11-05" in suspects[0].message
    assert "“昨天”不是日期" in suspects[1].message


def test_stale_last_follow_up_without_any_record(tmp_path):
    clients = [client_row(1001, last_follow_up=D(2026, 11, 20))]
    suspects = audit(tmp_path, clients, [])

    assert found(suspects) == [("stale-last-follow-up", "1001", ("客户!P2",))]
    assert "没有计入的跟踪记录" in suspects[0].message


# Bulk: the sliding window


BURST_DAY, BURST_ENTERED_ON = D(2026, 11, 10), D(2026, 11, 12)


def burst(offsets, day=BURST_DAY, entered_on=BURST_ENTERED_ON) -> list:
    """Entries for clients 1001… dated `day`, entered at 20:00 + offset (seconds)."""
    start = dt.datetime.combine(entered_on, dt.time(20, 0))
    return [
        late(1001 + n, day, start + dt.timedelta(seconds=offset))
        for n, offset in enumerate(offsets)
    ]


def burst_clients(count) -> list:
    return [client_row(1001 + n) for n in range(count)]


def test_bulk_exactly_n_entries_within_m_minutes(tmp_path):
    follow_ups = burst([0, 120, 300, 420, 600])  # five entries, 10 minutes apart
    suspects = audit(tmp_path, burst_clients(5), follow_ups)

    assert [s.code for s in suspects] == ["bulk"] * 5
    assert [s.cells for s in suspects] == [
        (f"跟踪记录!B{row}", f"跟踪记录!C{row}") for row in range(2, 7)
    ]
    assert "集中录入了 5 条以前的跟踪" in suspects[0].message
    assert "跟踪记录!B2 至 跟踪记录!B6" in suspects[0].message


def test_bulk_spread_one_second_wider_is_not_a_burst(tmp_path):
    follow_ups = burst([0, 120, 300, 420, 601])
    assert audit(tmp_path, burst_clients(5), follow_ups) == []


def test_bulk_lists_only_the_entries_inside_a_full_window(tmp_path):
    follow_ups = burst([0, 60, 120, 180, 240, 780])  # the last comes 9 min later
    suspects = audit(tmp_path, burst_clients(6), follow_ups)

    assert [s.client_id for s in suspects] == ["1001", "1002", "1003", "1004", "1005"]


def test_bulk_counts_each_designer_on_their_own(tmp_path):
    follow_ups = burst([0, 60, 120, 180, 240])
    follow_ups[4]["designer"] = "钱设计"
    assert found(audit(tmp_path, burst_clients(5), follow_ups), "bulk") == []


def test_bulk_belongs_to_the_month_of_its_dates_or_entry_times(tmp_path):
    follow_ups = burst(
        [0, 60, 120, 180, 240], day=D(2026, 11, 29), entered_on=D(2026, 12, 1)
    )
    checked = checked_book(tmp_path, burst_clients(5), follow_ups, as_of=D(2026, 12, 2))

    for month in ("2026-11", "2026-12"):
        suspects = find_suspects(checked.book, month, D(2026, 12, 2))
        assert len(found(suspects, "bulk")) == 5
    assert find_suspects(checked.book, "2026-10", D(2026, 12, 2)) == []


# Thresholds come from 规则


def test_thresholds_are_read_from_the_rules_sheet(tmp_path):
    rules = {
        "backfill_days": 5,
        "bulk_entries": 3,
        "bulk_minutes": 2,
        "same_content_clients": 2,
    }
    follow_ups = burst([0, 60, 120])  # two days late: 补录 only beyond 5 days
    follow_ups += [
        added(1004, D(2026, 11, 3), content="已发报价"),
        added(1005, D(2026, 11, 4), content="已发报价"),
        late(1004, D(2026, 11, 6), dt.datetime(2026, 11, 10, 9, 0)),
    ]
    clients = burst_clients(5)

    defaults = audit(tmp_path, clients, follow_ups)
    assert {s.code for s in defaults} == {"backfilled"}

    overridden = audit(tmp_path, clients, follow_ups, rules=rules)
    assert sorted({s.code for s in overridden}) == ["bulk", "same-content"]
    assert "3 条" in overridden[0].message and "2 分钟" in overridden[0].message


# Which month a suspect belongs to


def test_a_backfilled_record_belongs_to_the_months_of_its_date_and_entry(tmp_path):
    clients = [client_row(1001, assigned_date=D(2026, 10, 1))]
    follow_ups = [late(1001, D(2026, 10, 28), dt.datetime(2026, 11, 2, 9, 0))]
    checked = checked_book(tmp_path, clients, follow_ups)

    for month, expected in (("2026-10", 1), ("2026-11", 1), ("2026-12", 0)):
        suspects = find_suspects(checked.book, month, AS_OF)
        assert len(found(suspects, "backfilled")) == expected, month


def test_future_and_stale_are_listed_whatever_the_month(tmp_path):
    clients = [client_row(1001, last_follow_up=D(2026, 11, 20))]
    follow_ups = [added(1001, D(2026, 11, 2)), added(1001, D(2026, 12, 10))]
    checked = checked_book(tmp_path, clients, follow_ups)

    suspects = find_suspects(checked.book, "2026-09", AS_OF)
    assert [s.code for s in suspects] == ["future", "stale-last-follow-up"]


# Suspects never change the fines


def test_the_fines_are_the_same_with_and_without_suspects(tmp_path):
    clients = [client_row(cid) for cid in (1001, 1002, 1003)]
    days = [D(2026, 11, d) for d in (2, 4, 9, 16, 20, 27)]
    clean = [added(cid, day) for cid in (1001, 1002, 1003) for day in days]
    doubtful = [dict(row) for row in clean]
    for n, row in enumerate(doubtful[:6]):  # 1001's, entered late in one sitting
        row["entered_at"] = dt.datetime(2026, 11, 28, 21, 0) + dt.timedelta(minutes=n)
    for row in doubtful[6:8]:
        row["entered_at"], row["source"] = None, "手工"
    for row in doubtful[2::6]:  # each client's 11-09 follow-up
        row["content"] = "客户在外地，回来再说"
    doubtful[13]["designer"] = "钱设计"
    (tmp_path / "clean").mkdir()
    (tmp_path / "doubtful").mkdir()

    plain = checked_book(tmp_path / "clean", clients, clean)
    flagged = checked_book(tmp_path / "doubtful", clients, doubtful)
    before = month_fines(flagged.book, "2026-11", AS_OF)
    suspects = find_suspects(flagged.book, "2026-11", AS_OF)
    after = month_fines(flagged.book, "2026-11", AS_OF)

    assert find_suspects(plain.book, "2026-11", AS_OF) == []
    assert {s.code for s in suspects} == {
        "backfilled",
        "bulk",
        "manual",
        "same-content",
        "other-designer",
    }
    expected = month_fines(plain.book, "2026-11", AS_OF)
    assert expected.lines  # the log has misses, so the comparison means something
    for fines in (before, after):
        assert fines.lines == expected.lines
        assert fines.misses == expected.misses


# The sample's planted patterns


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = build_sample(tmp_path_factory.mktemp("sample") / "客户跟踪-示例.xlsx")
    return path, check_workbook(path, SAMPLE_AS_OF)


def cell_value(workbook, reference):
    sheet, cell = reference.split("!")
    return workbook[sheet][cell].value


def test_the_samples_planted_patterns_are_found_with_their_cells(sample):
    path, checked = sample
    suspects = find_suspects(checked.book, "2026-11", SAMPLE_AS_OF)
    sheet = openpyxl.load_workbook(path)

    backfilled = [s for s in suspects if s.code == "backfilled"]
    bulk = [s for s in suspects if s.code == "bulk"]
    assert len(backfilled) == len(bulk) == 5
    assert {s.designer for s in backfilled + bulk} == {"赵静"}
    assert [s.cells for s in backfilled] == [s.cells for s in bulk]
    for suspect in bulk:
        entered = cell_value(sheet, suspect.cells[0])
        assert entered.date() == D(2026, 11, 28)
        assert dt.time(20, 31) <= entered.time() <= dt.time(20, 38)

    same = [s for s in suspects if s.code == "same-content"]
    assert len(same) == 3 and {s.designer for s in same} == {"刘洋"}
    assert len({s.client_id for s in same}) == 3
    assert {cell_value(sheet, s.cells[0]) for s in same} == {SAME_CONTENT}

    manual = [s for s in suspects if s.code == "manual"]
    assert manual
    assert {cell_value(sheet, s.cells[-1]) for s in manual} == {"手工"}

    assert {s.code for s in suspects} == {
        "backfilled",
        "bulk",
        "same-content",
        "manual",
    }


def test_the_samples_colleague_cover_is_in_octobers_audit(sample):
    path, checked = sample
    october = find_suspects(checked.book, "2026-10", SAMPLE_AS_OF)
    other = [s for s in october if s.code == "other-designer"]
    sheet = openpyxl.load_workbook(path)

    assert len(other) == 1
    assert other[0].designer == "李晓明"
    assert cell_value(sheet, other[0].cells[0]) == "李晓明"
    assert cell_value(sheet, other[0].cells[1]) == "张婷"


# The command


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_audit_json_shape(runner, tmp_path):
    follow_ups = [
        added(1001, D(2026, 11, 2)),
        late(1001, D(2026, 11, 4), dt.datetime(2026, 11, 9, 9, 0)),
    ]
    path = make_book(tmp_path / "b.xlsx", [client_row(1001)], follow_ups)
    result = run(runner, "audit", path, "--as-of", "2026-12-03", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "month": "2026-11",
        "suspects": [
            {
                "code": "backfilled",
                "client_id": "1001",
                "designer": "王设计",
                "cells": ["跟踪记录!B3", "跟踪记录!C3"],
                "message": "跟踪日期 2026-11-04，记录时间 2026-11-09 09:00，晚了 5 天才录入"
                "（补录判定：超过 2 天）；请向客户核实这次跟踪",
            }
        ],
    }


def test_audit_lists_suspects_in_the_terminal(runner, tmp_path):
    follow_ups = burst([0, 60, 120, 180, 240])
    path = make_book(tmp_path / "b.xlsx", burst_clients(5), follow_ups)
    result = run(runner, "audit", path, "--month", "2026-11", "--as-of", "2026-11-30")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2026-11 疑点 5 条（检查日 2026-11-30）")
    assert lines[1].startswith("[集中补录] 跟踪记录!B2、跟踪记录!C2 客户 1001 王设计：")
    assert lines[-1] == "按类型：集中补录 5"


def test_audit_of_a_clean_workbook_says_none(runner, tmp_path):
    path = make_book(tmp_path / "b.xlsx", [client_row(1001)], diligent([1001]))
    result = run(runner, "audit", path, "--month", "2026-11", "--as-of", "2026-11-30")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("2026-11 疑点 0 条")


def test_audit_exits_1_when_the_workbook_has_errors(runner, tmp_path):
    clients = [client_row(1001, handover_date="2026-13-01")]
    path = make_book(tmp_path / "b.xlsx", clients, diligent([1001]))
    result = run(runner, "audit", path, "--as-of", "2026-11-30", "--json")

    assert result.exit_code == 1
    assert json.loads(result.stdout)["month"] == "2026-10"


@pytest.mark.parametrize("args", [["--month", "2026-13"], ["--as-of", "明天"]])
def test_audit_bad_options_exit_2(runner, tmp_path, args):
    path = make_book(tmp_path / "b.xlsx", [client_row(1001)])
    assert run(runner, "audit", path, *args).exit_code == 2


def test_audit_of_a_missing_file_exits_2(runner, tmp_path):
    result = run(runner, "audit", tmp_path / "没有.xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：")


# The 疑点 sheet of the fines workbook


def has_bars_and_points(chart_xml: str) -> bool:
    """A bar chart with a second (line) chart in it, whatever the XML prefix."""
    return bool(re.search(r"<(c:)?barChart>", chart_xml)) and bool(
        re.search(r"<(c:)?lineChart>", chart_xml)
    )


def test_fines_workbook_lists_the_suspects(runner, sample, tmp_path):
    path, _ = sample
    out = tmp_path / "乐捐.xlsx"
    args = ["--month", "2026-11", "--as-of", "2026-11-30"]
    assert run(runner, "fines", path, *args, "-o", out).exit_code == 0
    listed = json.loads(run(runner, "audit", path, *args, "--json").stdout)

    output = openpyxl.load_workbook(out)
    assert output.sheetnames == ["汇总", "明细", "问题清单", "疑点", "说明"]
    rows = list(output["疑点"].iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "疑点",
        "代码",
        "客户编号",
        "客户姓名",
        "设计师",
        "单元格",
        "说明",
    )
    assert [(r[2], r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        (s["code"], s["client_id"], s["designer"], "、".join(s["cells"]), s["message"])
        for s in listed["suspects"]
    ]
    assert rows[1][1] == "补录"
    notes = {row[0]: row[1] for row in output["说明"].iter_rows(values_only=True)}
    assert notes["疑点"].startswith(f"{len(listed['suspects'])} 条")


def test_the_demo_workbook_has_the_suspects_and_the_chart(runner, tmp_path):
    assert run(runner, "demo", tmp_path).exit_code == 0
    out = tmp_path / "乐捐-2026-11.xlsx"

    assert "疑点" in openpyxl.load_workbook(out).sheetnames
    with zipfile.ZipFile(out) as parts:
        chart = parts.read("xl/charts/chart1.xml").decode()
    assert has_bars_and_points(chart)


# LibreOffice; Excel and WPS cannot run on this machine, so they are not tested.


def soffice(tmp_path, source, target: str):
    converted = tmp_path / target
    profile = (tmp_path / "profile").as_uri()  # private, so runs do not share a lock
    command = [
        "soffice",
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(converted),
        str(source),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return converted / f"{source.stem}.{target}"


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_libreoffice_keeps_the_suspects_and_the_chart(sample, tmp_path):
    _, checked = sample
    fines = month_fines(checked.book, "2026-11", SAMPLE_AS_OF)
    source = tmp_path / "fines.xlsx"
    build_fines_workbook(fines, checked).save(source)

    saved = soffice(tmp_path, source, "xlsx")
    reopened = openpyxl.load_workbook(saved)
    assert reopened.sheetnames == ["汇总", "明细", "问题清单", "疑点", "说明"]
    assert reopened["疑点"]["B2"].value == "补录"
    with zipfile.ZipFile(saved) as parts:
        charts = [name for name in parts.namelist() if name.startswith("xl/charts/")]
        chart = parts.read(charts[0]).decode()
    assert has_bars_and_points(chart)
    assert "汇总!$K$" in chart and "汇总!$F$" in chart

    assert pdf_pages(soffice(tmp_path, source, "pdf")) > 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_libreoffice_prints_the_summary_on_one_page(sample, tmp_path):
    _, checked = sample
    fines = month_fines(checked.book, "2026-11", SAMPLE_AS_OF)
    book = build_fines_workbook(fines, checked)
    for name in book.sheetnames[1:]:
        book.remove(book[name])
    source = tmp_path / "summary.xlsx"
    book.save(source)

    assert pdf_pages(soffice(tmp_path, source, "pdf")) == 1
