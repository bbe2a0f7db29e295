"""The buttons: Chinese names and form labels, the sheets each script asks
xlwings Lite for, and the same actions from desktop xlwings."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import typing

import pytest
import xlwings as xw

from addin import actions, messages, scripts
from tests import excel_engine as ee
from tests.test_addin_support import (
    NOW,
    client,
    last_alert,
    open_shared,
    saved,
    sheet_records,
    states,
)
from workbook import layout

CLIENTS = [client(1001), client(1002, designer="钱设计")]


@pytest.fixture
def book(monkeypatch):
    monkeypatch.setattr(actions, "current_time", lambda: NOW)
    return open_shared(CLIENTS)


@pytest.fixture
def registered(monkeypatch):
    """What each @xw.script asked xlwings Lite for (name=, include=), recorded
    by reloading the scripts module with a recording decorator."""
    seen: dict[str, dict] = {}

    def recording(f=None, **options):
        def mark(function):
            seen[function.__name__] = options
            return function

        return mark if f is None else mark(f)

    monkeypatch.setattr(xw, "script", recording)
    importlib.reload(scripts)
    yield seen
    monkeypatch.undo()
    importlib.reload(scripts)


def form_fields(function) -> dict[str, tuple]:
    """Each form field's type and label, as App Mode reads them from the hints."""
    hints = typing.get_type_hints(function, include_extras=True)
    fields = {}
    for name, hint in hints.items():
        if name == "book" or name == "return":
            continue
        assert typing.get_origin(hint) is typing.Annotated, name
        base, meta = typing.get_args(hint)
        fields[name] = (base, meta["label"])
    return fields


def test_buttons_have_chinese_names_and_ask_only_for_the_sheets_they_need(registered):
    assert registered == {
        "record_follow_up": {"name": "记录跟踪"},
        "refresh_marks": {
            "name": "刷新逾期标记",
            "include": ["客户", "规则", "使用说明"],
        },
        "show_overdue": {"name": "筛选逾期", "include": ["客户", "规则", "使用说明"]},
        "show_all": {"name": "清除筛选"},
    }


def test_scripts_that_need_no_full_sheets_take_an_async_book():
    # xw.BookAsync tells xlwings Lite not to send any cell values up front.
    hints = {
        name: typing.get_type_hints(getattr(scripts, name))["book"]
        for name in ("record_follow_up", "refresh_marks", "show_overdue", "show_all")
    }
    assert hints == {
        "record_follow_up": xw.BookAsync,
        "refresh_marks": xw.Book,
        "show_overdue": xw.Book,
        "show_all": xw.BookAsync,
    }


def test_the_log_form_has_the_follow_up_columns_as_labelled_fields():
    header = layout.FOLLOW_UP_SHEET.column
    assert form_fields(scripts.record_follow_up) == {
        "method": (scripts.Method, header("method").header),
        "content": (str, header("content").header),
        "day": (dt.date | None, header("date").header),
        "next_plan": (str, header("next_plan").header),
    }
    assert form_fields(scripts.show_overdue) == {"designer": (str, "设计师")}


def test_the_method_drop_down_lists_the_policys_methods():
    assert typing.get_args(scripts.Method) == layout.METHODS


def test_app_mode_shows_chinese_instructions_above_each_button():
    assert scripts.record_follow_up.__doc__ == messages.DOC_LOG
    assert scripts.refresh_marks.__doc__ == messages.DOC_REFRESH
    assert scripts.show_overdue.__doc__ == messages.DOC_FILTER
    assert scripts.show_all.__doc__ == messages.DOC_CLEAR


def test_the_lite_scripts_run_the_actions(book, tmp_path):
    ee.select(book, layout.CLIENTS, "B2")
    asyncio.run(scripts.record_follow_up(book, "微信", "发了软装报价"))
    assert last_alert(book).prompt.startswith(
        "已记录：客户 1001 客户1001，2026-11-10，微信"
    )

    ee.start_run(book)
    scripts.show_overdue(book, "钱设计")
    assert states(book, 2) == ["正常", "逾期"]
    assert ee.hidden_rows(book, layout.CLIENTS) == [2]

    ee.start_run(book)
    asyncio.run(scripts.show_all(book))
    assert ee.hidden_rows(book, layout.CLIENTS) == []

    ee.start_run(book)
    scripts.refresh_marks(book)
    assert last_alert(book).prompt.startswith("已刷新 2 位客户的跟踪状态")
    assert [
        r["跟踪方式"] for r in sheet_records(saved(book, tmp_path), "跟踪记录")
    ] == ["微信"]


def test_the_date_field_left_empty_means_today(book, tmp_path):
    ee.select(book, layout.CLIENTS, "B3")
    asyncio.run(scripts.record_follow_up(book, "电话", "电话沟通", None, ""))

    (row,) = sheet_records(saved(book, tmp_path), layout.FOLLOW_UPS)
    assert row["跟踪日期"] == dt.datetime(2026, 11, 10)


@pytest.fixture
def desktop_book(monkeypatch):
    """Desktop xlwings: RunPython gives the scripts the calling workbook."""
    monkeypatch.setattr(actions, "current_time", lambda: NOW)
    book = open_shared(CLIENTS, lite=False)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    return book


def test_desktop_entry_points_run_the_same_actions(desktop_book, tmp_path):
    ee.select(desktop_book, layout.CLIENTS, "A3")
    scripts.desktop_record_follow_up("面谈", "到店看样板间", "2026-11-09", "下周量房")
    scripts.desktop_filter_overdue("")

    assert ee.hidden_rows(desktop_book, layout.CLIENTS) == [3]  # 1002 is on track
    scripts.desktop_clear_filter()
    assert ee.hidden_rows(desktop_book, layout.CLIENTS) == []
    scripts.desktop_refresh()
    assert states(desktop_book, 2) == ["逾期", "正常"]
    (row,) = sheet_records(saved(desktop_book, tmp_path), layout.FOLLOW_UPS)
    assert (row["跟踪方式"], row["跟踪日期"], row["下次计划"]) == (
        "面谈",
        dt.datetime(2026, 11, 9),
        "下周量房",
    )


def test_a_desktop_refusal_is_a_message_box_not_an_error(desktop_book):
    ee.select(desktop_book, layout.CLIENTS, "A1")

    scripts.desktop_record_follow_up("电话", "电话沟通")

    assert "不在客户表的数据行里" in ee.alerts(desktop_book)[-1].prompt
    assert ee.alerts(desktop_book)[-1].mode == "critical"
