"""The `client-tracking` command line, through click's runner, as customer service uses it."""

import datetime as dt
import hashlib
import json

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main
from tests.workbooks import client_row, follow_up_row, make_book

D = dt.date


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def book(tmp_path):
    """Client 1001 misses 11-04 (dated 11-05); 1002 is followed every other day."""
    clients = [client_row(1001), client_row("1002", designer="钱设计")]
    follow_ups = [follow_up_row(1001, D(2026, 11, 6))] + [
        follow_up_row("1002", D(2026, 11, d), designer="钱设计")
        for d in range(2, 31, 2)
    ]
    return make_book(tmp_path / "客户跟踪.xlsx", clients, follow_ups)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(runner, *args):
    result = runner.invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_validate_a_clean_workbook(runner, book):
    result = run(runner, "validate", book, "--as-of", "2026-11-30", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "problems": []}


def test_validate_reports_errors_with_cells_and_exits_1(runner, tmp_path):
    path = make_book(
        tmp_path / "坏.xlsx", [client_row(1001, handover_date="2026-13-01")]
    )
    before = digest(path)
    result = run(runner, "validate", path, "--as-of", "2026-11-30")

    assert result.exit_code == 1
    assert "[错误] 客户!F2: 交房日期“2026-13-01”这一天不存在" in result.stdout
    assert digest(path) == before


def test_strict_turns_warnings_into_a_failure(runner, tmp_path):
    path = make_book(tmp_path / "b.xlsx", [client_row(1001, handover_date=None)])

    assert run(runner, "validate", path, "--as-of", "2026-11-30").exit_code == 0
    strict = run(runner, "validate", path, "--as-of", "2026-11-30", "--strict")
    assert strict.exit_code == 1
    assert "没有可用的交房日期" in strict.stdout


def test_fines_json_and_workbook(runner, book, tmp_path):
    out = tmp_path / "out.xlsx"
    before = digest(book)
    result = run(
        runner,
        "fines",
        book,
        "--month",
        "2026-11",
        "-o",
        out,
        "--as-of",
        "2026-12-04",
        "--json",
    )

    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["month"] == "2026-11"
    # 1001: deadline 11-04 missed (dated 11-05); then 11-06 anchors, and 11-09,
    # 11-12, … 11-30 are missed: 9 misses in all.
    dates = [line["date"] for line in data["lines"] if line["clause"] == "designer"]
    assert dates[:3] == ["2026-11-05", "2026-11-10", "2026-11-13"]
    assert len(dates) == 8
    assert data["total"] == 8 * 40
    assert data["unfined_misses"] == 0
    assert set(data["lines"][0]) == {
        "person",
        "role",
        "department",
        "client_id",
        "client_name",
        "category",
        "deadline",
        "date",
        "amount",
        "clause",
    }
    assert data["lines"][1] == {
        "person": "赵经理",
        "role": "部门经理",
        "department": "设计一部",
        "client_id": "1001",
        "client_name": "客户1001",
        "category": "现房",
        "deadline": "2026-11-04",
        "date": "2026-11-05",
        "amount": 10,
        "clause": "manager",
    }
    assert digest(book) == before

    output = openpyxl.load_workbook(out)
    assert output.sheetnames == ["汇总", "明细", "问题清单", "疑点", "说明"]
    # The fine rows are columns A–E; the compliance tables below reach further.
    summary = [list(row[:5]) for row in output["汇总"].iter_rows(values_only=True)]
    assert summary[1] == ["王设计", "设计师", "设计一部", 8, 240]
    assert summary[2] == ["赵经理", "部门经理", "设计一部", 8, 80]
    assert summary[3][0] == "合计" and summary[3][4] == 320
    notes = {row[0]: row[1] for row in output["说明"].iter_rows(values_only=True)}
    assert notes["源文件 SHA-256"] == before
    assert "13900001234" not in json.dumps(data, ensure_ascii=False)


def test_fines_refuses_to_overwrite_without_force(runner, book, tmp_path):
    out = tmp_path / "乐捐.xlsx"
    out.write_bytes(b"keep me")
    refused = run(runner, "fines", book, "--month", "2026-11", "-o", out)

    assert refused.exit_code == 2
    assert "已存在" in refused.stderr and "--force" in refused.stderr
    assert out.read_bytes() == b"keep me"

    forced = run(runner, "fines", book, "--month", "2026-11", "-o", out, "--force")
    assert forced.exit_code == 0
    assert openpyxl.load_workbook(out)["汇总"]["A1"].value == "姓名"


def test_fines_never_writes_onto_the_checked_workbook(runner, book):
    before = digest(book)
    result = run(runner, "fines", book, "-o", book, "--force")

    assert result.exit_code == 2
    assert "就是被检查的工作簿" in result.stderr
    assert digest(book) == before


def test_fines_into_a_missing_folder_is_a_clear_failure(runner, book, tmp_path):
    result = run(runner, "fines", book, "-o", tmp_path / "没有" / "x.xlsx")

    assert result.exit_code == 2
    assert "不存在" in result.stderr
    assert not list(tmp_path.glob("**/.~*"))


def test_fines_default_month_and_name(runner, book, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, "fines", book, "--as-of", "2026-12-04", "--quiet")

    assert result.exit_code == 0
    assert (tmp_path / "乐捐-2026-11.xlsx").exists()
    assert result.stdout.startswith("2026-11 乐捐合计 ¥320")


def test_status_lists_overdue_clients(runner, book):
    result = run(runner, "status", book, "--as-of", "2026-11-30", "--json")

    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-30"
    by_id = {c["client_id"]: c for c in data["clients"]}
    assert by_id["1001"] == {
        "client_id": "1001",
        "client_name": "客户1001",
        "designer": "王设计",
        "category": "现房",
        "last_follow_up": "2026-11-06",
        "deadline": "2026-11-09",
        "days_overdue": 21,
        "state": "逾期",
    }
    assert (by_id["1002"]["deadline"], by_id["1002"]["state"]) == ("2026-12-03", "正常")

    overdue = run(
        runner, "status", book, "--as-of", "2026-11-30", "--overdue", "--json"
    )
    assert [c["client_id"] for c in json.loads(overdue.stdout)["clients"]] == ["1001"]
    mine = run(runner, "status", book, "--as-of", "2026-11-30", "--designer", "钱设计")
    assert "1002" in mine.stdout and "1001\t" not in mine.stdout


def test_new_writes_the_template_and_refuses_to_overwrite(runner, tmp_path):
    path = tmp_path / "新.xlsx"
    assert run(runner, "new", path).exit_code == 0
    assert "客户" in openpyxl.load_workbook(path).sheetnames

    again = run(runner, "new", path)
    assert again.exit_code == 2


def test_a_file_that_is_not_a_workbook_exits_2_in_chinese(runner, tmp_path):
    path = tmp_path / "假的.xlsx"
    path.write_text("客户编号,设计师\n1001,王设计\n", encoding="utf-8")
    result = run(runner, "validate", path)

    assert result.exit_code == 2
    assert result.stderr.startswith("错误：")
    assert "假的.xlsx" in result.stderr


def test_a_workbook_without_the_client_sheet_exits_2(runner, tmp_path):
    path = make_book(tmp_path / "缺表.xlsx", leave_out=("客户",))
    result = run(runner, "fines", path, "-o", tmp_path / "o.xlsx")

    assert result.exit_code == 2
    assert "缺少工作表“客户”" in result.stderr
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize(
    "args", [["--month", "2026-13"], ["--month", "十一月"], ["--as-of", "明天"]]
)
def test_bad_options_exit_2(runner, book, args):
    result = run(runner, "fines", book, *args)
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "command", ["new", "demo", "validate", "fines", "status", "audit"]
)
def test_every_command_has_help_with_an_example(runner, command):
    result = run(runner, command, "--help")

    assert result.exit_code == 0
    assert "例：" in result.stdout


def test_demo_writes_the_sample_and_its_fines(runner, tmp_path):
    folder = tmp_path / "示例"
    result = run(runner, "demo", folder)

    assert result.exit_code == 0, result.output
    assert (folder / "客户跟踪-示例.xlsx").exists()
    assert (folder / "乐捐-2026-11.xlsx").exists()
    assert "2026-11 乐捐合计 ¥" in result.stdout
    assert run(runner, "demo", folder).exit_code == 2
    assert run(runner, "demo", folder, "--force").exit_code == 0
