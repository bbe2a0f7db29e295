"""The sample workbook as the department would have typed it."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from openpyxl import load_workbook

from workbook import layout
from workbook.sample import build_sample
from workbook.template import build_template

TEXT_DATE_FORMATS = {
    "slash": r"\d{4}/\d{1,2}/\d{1,2}",
    "dot": r"\d{4}\.\d{1,2}\.\d{1,2}",
    "chinese": r"\d{4}年\d{1,2}月\d{1,2}日",
    "iso": r"\d{4}-\d{2}-\d{2}",
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = build_sample(tmp_path_factory.mktemp("sample") / "客户跟踪-示例.xlsx")
    return load_workbook(path)


def rows(wb, sheet):
    """The sheet's data rows as dicts keyed by Column.key, found by header."""
    cells = wb[sheet.name].iter_rows(values_only=True)
    keys = {column.header: column.key for column in sheet.columns}
    header = [keys.get(value) for value in next(cells)]
    return [
        dict(zip(header, row, strict=True))
        for row in cells
        if any(value is not None for value in row)
    ]


def as_id(value):
    return int(float(value))


def as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    numbers = re.fullmatch(r"(\d{4})\D(\d{1,2})\D(\d{1,2})日?", value.strip())
    assert numbers, f"not a date as people type it: {value!r}"
    return date(*map(int, numbers.groups()))


def text_date_style(value):
    for style, pattern in TEXT_DATE_FORMATS.items():
        if re.fullmatch(pattern, value):
            return style
    return None


@pytest.fixture(scope="module")
def clients(sample):
    return {as_id(row["client_id"]): row for row in rows(sample, layout.CLIENT_SHEET)}


@pytest.fixture(scope="module")
def follow_ups(sample):
    return rows(sample, layout.FOLLOW_UP_SHEET)


@pytest.fixture(scope="module")
def staff(sample):
    return {row["name"]: row for row in rows(sample, layout.STAFF_SHEET)}


def follow_up_days(follow_ups, client_id, designer=None):
    return sorted(
        as_date(row["date"])
        for row in follow_ups
        if as_id(row["client_id"]) == client_id and designer in (None, row["designer"])
    )


# People


def test_sixty_clients_fifteen_per_designer(sample, clients):
    assert len(rows(sample, layout.CLIENT_SHEET)) == 60
    assert len(clients) == 60, "客户编号 are unique"
    per_designer = Counter(row["designer"] for row in clients.values())
    assert sorted(per_designer.values()) == [15, 15, 15, 15]


def test_four_designers_answer_to_their_department_manager(staff):
    designers = [row for row in staff.values() if row["role"] == "设计师"]

    assert len(designers) == 4
    for designer in designers:
        manager = staff[designer["superior"]]
        assert manager["role"] == "部门经理"
        assert manager["department"] == designer["department"]
    departments = Counter(designer["department"] for designer in designers)
    assert departments == {"设计一部": 2, "设计二部": 2}


def test_specialists_answer_to_the_customer_service_supervisor(staff):
    specialists = [row for row in staff.values() if row["role"] == "客服专员"]

    assert len(specialists) == 2
    for specialist in specialists:
        assert staff[specialist["superior"]]["role"] == "客服主管"
    assert any(row["role"] == "市场部" for row in staff.values())


def test_every_client_names_a_designer_and_specialist_from_staff(clients, staff):
    for client in clients.values():
        assert staff[client["designer"]]["role"] == "设计师"
        assert staff[client["specialist"]]["role"] == "客服专员"


def test_phone_numbers_are_obviously_made_up(clients):
    phones = [client["phone"] for client in clients.values()]

    for phone in phones:
        digits = re.sub(r"\D", "", str(phone))
        assert len(digits) == 11 and digits[3:7] == "0000", phone
    assert any(isinstance(phone, int) for phone in phones)
    assert any(isinstance(phone, str) for phone in phones)


# How values are typed


def test_client_ids_are_typed_as_numbers_and_as_text(clients, follow_ups):
    typed = [client["client_id"] for client in clients.values()]
    assert clients[1001]["client_id"] == 1001
    assert clients[1002]["client_id"] == "1002"
    assert any(isinstance(value, int) for value in typed)

    logged = [row["client_id"] for row in follow_ups]
    assert any(isinstance(value, int) for value in logged)
    assert any(isinstance(value, str) for value in logged)
    assert {as_id(value) for value in logged} <= set(clients)


def test_some_dates_are_typed_as_text(sample, clients, follow_ups):
    findings = rows(sample, layout.FINDING_SHEET)
    typed = [
        *(client["handover_date"] for client in clients.values()),
        *(client["assigned_date"] for client in clients.values()),
        *(row["date"] for row in follow_ups),
        *(finding["verified_date"] for finding in findings),
    ]
    texts = [value for value in typed if isinstance(value, str)]

    styles = {text_date_style(text) for text in texts}
    assert {"slash", "dot", "chinese"} <= styles
    assert None not in styles, "every text date is in a format of SPEC §3"
    assert sum(isinstance(value, datetime) for value in typed) > len(texts)


def test_record_ids_are_unique(follow_ups):
    record_ids = [row["record_id"] for row in follow_ups]

    assert len(record_ids) == len(set(record_ids))


def test_status_columns_are_left_for_the_add_in(clients):
    for client in clients.values():
        assert all(client[key] is None for key in layout.STATUS_KEYS)


def test_add_in_entries_carry_an_entry_time_and_hand_entries_do_not(follow_ups):
    by_source = Counter(row["source"] for row in follow_ups)

    assert by_source["插件"] > by_source["手工"] > 0
    for row in follow_ups:
        assert isinstance(row["entered_at"], datetime) == (row["source"] == "插件")


def test_follow_ups_cover_september_to_november_2026(follow_ups):
    days = [as_date(row["date"]) for row in follow_ups]

    assert min(days) >= date(2026, 9, 1)
    assert max(days) <= date(2026, 11, 30)
    assert {day.month for day in days} == {9, 10, 11}
    assert len(follow_ups) > 500


def test_rules_start_the_clock_on_1_september(sample):
    values = dict(
        sample[layout.RULES].iter_rows(min_row=2, max_col=2, values_only=True)
    )

    assert values["生效日期"] == datetime(2026, 9, 1)
    assert values["现房跟踪间隔(天)"] == 3


# Categories and their changes


def handover_dates(clients):
    return [as_date(client["handover_date"]) for client in clients.values()]


def test_clients_of_every_category(clients):
    handovers = [day for day in handover_dates(clients) if day]
    start, end = date(2026, 9, 1), date(2026, 11, 30)

    assert any(day < start for day in handovers), "现房"
    assert any(start < day <= end for day in handovers), "准现房 becoming 现房"
    assert any(date(2026, 12, 1) <= day <= date(2027, 2, 28) for day in handovers)
    assert any(day > date(2027, 6, 1) for day in handovers), "期房"
    assert clients[1012]["handover_date"] == datetime(2026, 10, 20)
    assert clients[1015]["handover_date"] == datetime(2027, 2, 15)


def test_long_term_clients_include_one_turned_long_term_in_the_period(clients):
    long_term = [c for c in clients.values() if c["long_term"] == "是"]

    assert len(long_term) >= 5
    assert all(client["long_term_since"] for client in long_term)
    assert clients[1050]["long_term_since"] == datetime(2026, 10, 15)


def test_a_signed_and_a_lost_client_with_closing_dates(clients):
    closed = {c["status"]: c for c in clients.values() if c["closed_date"]}

    assert closed["已签约"]["closed_date"] == datetime(2026, 11, 12)
    assert closed["已流失"]["closed_date"] == datetime(2026, 11, 18)


def test_reassigned_client_was_followed_by_the_previous_designer(clients, follow_ups):
    client = clients[1045]
    assigned = as_date(client["assigned_date"])

    assert assigned == date(2026, 10, 16)
    assert client["designer"] == "李晓明"
    earlier = follow_up_days(follow_ups, 1045, "张婷")
    assert earlier and max(earlier) < assigned
    assert min(follow_up_days(follow_ups, 1045, "李晓明")) == date(2026, 11, 3)


# The planted misses of the module docstring, as a reader of the log sees them


@pytest.mark.parametrize(
    ("client_id", "designer", "last_before", "next_after"),
    [
        (1003, "刘洋", date(2026, 11, 5), date(2026, 11, 15)),
        (1008, "李晓明", date(2026, 11, 8), date(2026, 11, 15)),
        (1015, "张婷", date(2026, 11, 9), date(2026, 11, 24)),
        (1022, "赵静", date(2026, 10, 28), date(2026, 11, 20)),
        (1027, "张婷", date(2026, 10, 5), date(2026, 11, 20)),
        (1035, "李晓明", date(2026, 10, 25), date(2026, 11, 18)),
    ],
)
def test_planted_gap_in_the_log(
    clients, follow_ups, client_id, designer, last_before, next_after
):
    days = follow_up_days(follow_ups, client_id)

    assert clients[client_id]["designer"] == designer
    assert last_before in days and next_after in days
    assert days.index(next_after) == days.index(last_before) + 1


def test_diligent_clients_are_called_well_within_the_off_plan_interval(
    clients, follow_ups
):
    planted = {1003, 1008, 1015, 1022, 1027, 1035, 1045}
    long_term = {i for i, client in clients.items() if client["long_term"] == "是"}

    for client_id in set(clients) - planted - long_term:
        days = follow_up_days(follow_ups, client_id)
        gaps = [(later - earlier).days for earlier, later in pairwise(days)]
        assert max(gaps, default=0) <= 12, client_id


# Findings


def test_findings_of_each_kind(sample):
    findings = rows(sample, layout.FINDING_SHEET)
    verified = [f for f in findings if f["verified"] == "是"]
    months = {as_date(f["verified_date"]).month for f in verified}

    assert any(f["verified"] == "否" for f in findings)
    assert {10, 11} <= months, "verified in November and in another month"
    unnamed = [f for f in verified if not f["specialist"]]
    assert len(unnamed) == 1 and as_date(unnamed[0]["verified_date"]).month == 11
    assert {f["kind"] for f in findings} == set(layout.FINDING_KINDS)


# Planted for the audit


def test_one_designer_entered_five_backdated_follow_ups_in_ten_minutes(follow_ups):
    late = [
        row
        for row in follow_ups
        if row["entered_at"]
        and (row["entered_at"].date() - as_date(row["date"])).days > 2
    ]

    assert {row["designer"] for row in late} == {"赵静"}
    times = sorted(row["entered_at"] for row in late)
    assert len(times) == 5
    assert times[-1] - times[0] <= timedelta(minutes=10)
    assert len({as_id(row["client_id"]) for row in late}) == 5


def test_only_the_planted_note_is_copied_to_three_clients_in_a_month(follow_ups):
    clients_per_text = defaultdict(set)
    for row in follow_ups:
        month = as_date(row["date"]).month
        key = (row["designer"], month, row["content"])
        clients_per_text[key].add(as_id(row["client_id"]))

    copied = [key for key, ids in clients_per_text.items() if len(ids) >= 3]
    assert copied == [("刘洋", 11, "客户暂时没有新的想法，下周再联系")]


def test_one_follow_up_was_made_by_a_colleague(clients, follow_ups):
    by_colleague = [
        row
        for row in follow_ups
        if row["designer"] != clients[as_id(row["client_id"])]["designer"]
        and as_date(row["date"])
        >= as_date(clients[as_id(row["client_id"])]["assigned_date"])
    ]

    assert [(row["designer"], as_date(row["date"]).month) for row in by_colleague] == [
        ("李晓明", 10)
    ]


# Building


def test_sample_builds_to_the_same_bytes_twice(tmp_path):
    first = build_sample(tmp_path / "一.xlsx").read_bytes()
    second = build_sample(tmp_path / "二.xlsx").read_bytes()

    assert first == second


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("build", [build_template, build_sample], ids=["模板", "示例"])
def test_libreoffice_opens_and_saves_the_workbook(tmp_path, build):
    source = build(tmp_path / "book.xlsx")
    converted = tmp_path / "converted"
    # A private profile, so parallel runs do not share LibreOffice's lock.
    profile = (tmp_path / "profile").as_uri()
    command = [
        "soffice",
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(converted),
        str(source),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr
    wb = load_workbook(converted / "book.xlsx")
    assert wb.sheetnames == [*(s.name for s in layout.DATA_SHEETS), layout.GUIDE]
    for sheet in layout.DATA_SHEETS:
        header = next(wb[sheet.name].iter_rows(max_row=1, values_only=True))
        assert header[: len(sheet.headers)] == sheet.headers
        assert sheet.table in wb[sheet.name].tables
    colours = [
        rule
        for entry in wb[layout.CLIENTS].conditional_formatting
        for rule in entry.rules
    ]
    assert len(colours) == len(layout.STATE_COLOURS)
