"""Cell values as people type them and Excel stores them (SPEC §3)."""

import datetime as dt

import pytest

from workbook.values import Bad, add_months, as_date, as_datetime, as_id, as_yes_no

NOV_3 = dt.date(2026, 11, 3)


@pytest.mark.parametrize(
    "value",
    [
        NOV_3,
        dt.datetime(2026, 11, 3, 18, 45),
        46329.0,
        46329,
        46329.75,
        "2026-11-03",
        "2026/11/3",
        "2026.11.3",
        "2026年11月3日",
        "2026-11-03 09:30",
        "２０２６－１１－０３",
        " 2026/11/03 ",
        "20261103",
        20261103,
    ],
    ids=lambda value: repr(value),
)
def test_every_unambiguous_date_form_reads_as_the_same_day(value):
    assert as_date(value) == NOV_3


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026-02-30", "impossible-date"),
        ("2026-13-01", "impossible-date"),
        ("11-3", "date-without-year"),
        ("11月3日", "date-without-year"),
        ("03/11/2026", "ambiguous-date"),
        ("下周三", "bad-date"),
        (True, "bad-date"),
        ("#N/A", "error-value"),
        ("1890-01-01", "date-out-of-range"),
        (0.5, "bad-date"),
    ],
)
def test_dates_that_cannot_be_read_unambiguously_are_refused(value, code):
    assert as_date(value) == Bad(code)


def test_blank_cells_are_not_dates():
    assert as_date(None) is None
    assert as_date("  ") is None


def test_an_entry_time_keeps_its_time():
    assert as_datetime("2026-11-03 09:30") == dt.datetime(2026, 11, 3, 9, 30)
    assert as_datetime(46329.5) == dt.datetime(2026, 11, 3, 12, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1001, "1001"),
        (1001.0, "1001"),
        ("1001", "1001"),
        (" 1001 ", "1001"),
        ("１００１", "1001"),
        ("00123", "00123"),
        ("C-07", "C-07"),
        ("1001.0", "1001"),
    ],
)
def test_ids_typed_as_numbers_or_text_are_one_id(value, expected):
    assert as_id(value) == expected


def test_ids_that_are_not_whole_are_refused():
    assert as_id(1001.5) == Bad("bad-id")
    assert as_id(True) == Bad("bad-id")


def test_yes_no():
    assert as_yes_no("是") is True
    assert as_yes_no("否") is False
    assert as_yes_no(None) is None
    assert as_yes_no("可能") == Bad("bad-yes-no")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2027-02-10", -3, "2026-11-10"),
    ],
)
def test_calendar_months_clamp_to_the_end_of_the_month(start, months, expected):
    result = add_months(dt.date.fromisoformat(start), months)
    assert result == dt.date.fromisoformat(expected)
