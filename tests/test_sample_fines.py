"""The sample workbook's November 2026 fines, against figures worked out by hand.

The planted cases (see workbook/sample.py) by client, with default rules:
1003 现房: deadlines 11-08, 11-11, 11-14 missed (11-15 follow-up a day late);
1008 准现房→现房 on 11-10: deadline min(11-15, 11-13) = 11-13 missed;
1015 期房→准现房 on 11-15: deadline min(11-24, 11-22) = 11-22 missed;
1022 期房: 11-12 missed;  1035 已流失 on 11-18: 11-09 missed, 11-24 not counted;
1045 reassigned 10-16: 10-31 missed (dated 11-01);  1027 长期跟踪: 11-05, unfined.
Findings: 1003 吴芳 11-20 查实; 1035 no specialist named (client's 周敏) 11-27;
1015 否 (not fined); 1012 in October (not in November).
"""

import datetime as dt
from collections import Counter

import pytest

from checker.report import check_workbook
from checker.rules import month_fines
from workbook.sample import SAMPLE_AS_OF, build_sample

HAND_WORKED = {
    ("李晓明", "designer"): 90,
    ("张婷", "designer"): 30,
    ("刘洋", "designer"): 90,
    ("赵静", "designer"): 30,
    ("王建国", "manager"): 40,
    ("陈志强", "manager"): 40,
    ("吴芳", "specialist"): 50,
    ("周敏", "specialist"): 50,
    ("孙丽华", "supervisor"): 40,
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    path = build_sample(tmp_path_factory.mktemp("sample") / "sample.xlsx")
    return check_workbook(path, SAMPLE_AS_OF)


def amounts(fines) -> dict:
    totals = Counter()
    for line in fines.lines:
        totals[(line.person, line.clause)] += line.amount
    return dict(totals)


def test_november_fines_match_the_hand_worked_figures(checked):
    fines = month_fines(checked.book, "2026-11", SAMPLE_AS_OF)

    assert amounts(fines) == HAND_WORKED
    assert fines.total == 460
    assert fines.unfined_misses == 1


def test_the_planted_misses_are_the_ones_found(checked):
    fines = month_fines(checked.book, "2026-11", SAMPLE_AS_OF)

    found = [(m.client_id, m.date.isoformat(), m.category) for m in fines.misses]
    assert sorted(found) == sorted(
        [
            ("1003", "2026-11-09", "现房"),
            ("1003", "2026-11-12", "现房"),
            ("1003", "2026-11-15", "现房"),
            ("1008", "2026-11-14", "现房"),
            ("1015", "2026-11-23", "准现房"),
            ("1022", "2026-11-13", "期房"),
            ("1035", "2026-11-10", "期房"),
            ("1045", "2026-11-01", "期房"),
            ("1027", "2026-11-06", "长期跟踪"),
        ]
    )


def test_fining_long_term_adds_the_long_term_miss(checked):
    book = checked.book
    book.rules = book.rules.replace(fine_long_term=True)
    try:
        fines = month_fines(book, "2026-11", SAMPLE_AS_OF)
    finally:
        book.rules = book.rules.replace(fine_long_term=False)

    assert fines.total == 500
    assert amounts(fines)[("张婷", "designer")] == 60


def test_the_sample_has_no_errors_and_no_earlier_misses(checked):
    assert checked.errors == []
    october = month_fines(checked.book, "2026-10", SAMPLE_AS_OF)
    assert [line.clause for line in october.lines] == ["specialist", "supervisor"]
    assert october.lines[0].date == dt.date(2026, 10, 12)
