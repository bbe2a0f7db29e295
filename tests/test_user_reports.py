"""Regression tests for what a first user found when trying to break the tool."""

import datetime as dt

from click.testing import CliRunner

from checker.cli import main
from tests.workbooks import DEFAULT_STAFF, client_row, follow_up_row, make_book

D = dt.date
AS_OF = "2026-12-04"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def codes(result_json_problems) -> set:
    return {(p["code"], f"{p['sheet']}!{p['cell']}") for p in result_json_problems}


def validate_codes(path) -> set:
    import json

    result = run("validate", path, "--as-of", AS_OF, "--json")
    return codes(json.loads(result.stdout)["problems"])


def test_a_client_handed_over_after_the_month_is_flagged(tmp_path):
    # 1001 was 王设计's in November, handed to 钱设计 on 12-01.
    path = make_book(
        tmp_path / "b.xlsx",
        [client_row(1001, designer="钱设计", assigned_date=D(2026, 12, 1))],
        [follow_up_row(1001, D(2026, 11, 2))],
    )
    result = run(
        "fines",
        path,
        "--month",
        "2026-11",
        "--as-of",
        AS_OF,
        "-o",
        tmp_path / "o.xlsx",
        "--json",
    )

    import json

    found = codes(json.loads(result.stdout)["problems"])
    assert ("reassigned-after-month", "客户!I2") in found


def test_people_charged_under_a_role_they_do_not_have_are_flagged(tmp_path):
    staff = [dict(p) for p in DEFAULT_STAFF]
    staff[0]["superior"] = "林客服"  # a designer whose 上级 is a specialist
    path = make_book(
        tmp_path / "r.xlsx",
        [client_row(1001)],
        staff=staff,
        findings=[
            {
                "verified_date": D(2026, 11, 20),
                "client_id": 9999,
                "specialist": "钱设计",
                "verified": "是",
            }
        ],
    )
    found = validate_codes(path)

    assert ("role-mismatch", "客户!G2") in found
    assert ("role-mismatch", "监管记录!C2") in found
    assert ("finding-unknown-client", "监管记录!B2") in found


def test_a_duplicated_rule_names_the_parameter(tmp_path):
    path = make_book(tmp_path / "d.xlsx", [client_row(1001)])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["规则"].append(["现房跟踪间隔(天)", 3, ""])
    book.save(path)
    result = run("validate", path, "--as-of", AS_OF)

    assert "参数“现房跟踪间隔(天)”出现了两次" in result.stdout


def test_a_blank_assigned_date_is_an_error(tmp_path):
    path = make_book(
        tmp_path / "a.xlsx",
        [client_row(1001, assigned_date=None)],
        [follow_up_row(1001, D(2026, 11, 2))],
    )
    assert run("validate", path, "--as-of", AS_OF).exit_code == 1


def test_large_totals_are_printed_in_full(tmp_path):
    path = make_book(
        tmp_path / "m.xlsx",
        [client_row(1001)],
        rules={"fine_designer": 9999, "fine_manager": 9999, "interval_handed_over": 1},
    )
    result = run(
        "fines", path, "--month", "2026-11", "--as-of", AS_OF, "-o", tmp_path / "o.xlsx"
    )

    # Deadlines 11-02 … 11-29 missed: 28 misses dated 11-03 … 11-30, ¥19,998 each.
    assert "乐捐合计 ¥559,944" in result.stdout
    assert "e+" not in result.stdout


def test_a_month_not_yet_over_is_said_to_be_partial(tmp_path):
    path = make_book(tmp_path / "p.xlsx", [client_row(1001)])
    result = run(
        "fines", path, "--month", "2026-12", "--as-of", AS_OF, "-o", tmp_path / "o.xlsx"
    )

    assert "还没有过完" in result.stderr
