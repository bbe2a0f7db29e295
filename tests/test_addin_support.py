"""Shared helpers for the add-in tests: build a shared workbook from the template,
click a button on the openpyxl-backed xlwings engine, and read what a user
would see after saving. (No tests here; the other test_addin_* files use it.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import xlwings as xw

from addin import actions
from tests import excel_engine as ee
from tests.workbooks import DEFAULT_STAFF
from workbook import layout
from workbook.template import fill_sheet, template_workbook

TODAY = dt.date(2026, 11, 10)
NOW = dt.datetime(2026, 11, 10, 9, 30, 15)

CLIENT_HEADERS = layout.CLIENT_SHEET.headers
FOLLOW_UP_HEADERS = layout.FOLLOW_UP_SHEET.headers


def client(client_id, **fields) -> dict:
    """A 现房 client of 王设计, assigned on 11-01 (deadline 11-04 without follow-ups)."""
    row = {
        "client_id": client_id,
        "name": f"客户{client_id}",
        "phone": "13900001234",
        "estate": "翠湖花园",
        "room": "3-1201",
        "handover_date": dt.date(2026, 1, 1),
        "designer": "王设计",
        "specialist": "林客服",
        "assigned_date": dt.date(2026, 11, 1),
    }
    row.update(fields)
    return row


def shared_workbook(clients, rules: dict | None = None) -> openpyxl.Workbook:
    """The template filled with clients, the default staff and, optionally,
    changed rule values (by 参数 name)."""
    wb = template_workbook()
    fill_sheet(wb, layout.CLIENT_SHEET, clients)
    fill_sheet(wb, layout.STAFF_SHEET, DEFAULT_STAFF)
    if rules:
        ws = wb[layout.RULES]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, 1).value in rules:
                ws.cell(row, 2).value = rules[ws.cell(row, 1).value]
    return wb


def open_shared(clients, rules: dict | None = None, lite: bool = True) -> xw.Book:
    return ee.open_book(shared_workbook(clients, rules), lite=lite)


def click_log(
    book, cell, method="电话", content="电话沟通软装方案", date=None, plan=""
):
    """A designer selects a cell on 客户 and clicks 记录跟踪 (a fresh run)."""
    ee.start_run(book)
    ee.stats(book).reset()
    ee.select(book, layout.CLIENTS, cell)
    return actions.log_follow_up(book, method, content, date, plan, now=NOW)


def click(book, action, *args, now=NOW):
    """Any other button, as a fresh run."""
    ee.start_run(book)
    ee.stats(book).reset()
    return action(book, *args, now=now)


def last_alert(book) -> ee.Alert:
    return ee.alerts(book)[-1]


def saved(book, tmp_path: Path, name="shared.xlsx") -> Path:
    path = tmp_path / name
    ee.save(book, path)
    return path


def sheet_records(path: Path, sheet: str) -> list[dict]:
    """The non-blank data rows of a sheet, by header, read back with openpyxl."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[0]
    return [
        dict(zip(headers, row, strict=True))
        for row in rows[1:]
        if any(value is not None for value in row)
    ]


def client_record(path: Path, row: int) -> dict:
    ws = openpyxl.load_workbook(path)[layout.CLIENTS]
    return {
        header: ws.cell(row, column).value
        for column, header in enumerate(CLIENT_HEADERS, 1)
    }


def states(book, rows: int) -> list:
    """The 跟踪状态 column of the first `rows` client rows, as Excel shows it."""
    column = CLIENT_HEADERS.index("跟踪状态") + 1
    letter = openpyxl.utils.get_column_letter(column)
    values = ee.cell_values(book, layout.CLIENTS, f"{letter}2:{letter}{rows + 1}")
    return [row[0] for row in values]
