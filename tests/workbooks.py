"""Build small workbooks in the SPEC layout for tests, from rows given by field key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from workbook import layout

DEFAULT_STAFF = [
    {
        "name": "王设计",
        "role": "设计师",
        "department": "设计一部",
        "superior": "赵经理",
    },
    {
        "name": "钱设计",
        "role": "设计师",
        "department": "设计一部",
        "superior": "赵经理",
    },
    {"name": "赵经理", "role": "部门经理", "department": "设计一部"},
    {
        "name": "林客服",
        "role": "客服专员",
        "department": "客服部",
        "superior": "陈主管",
    },
    {"name": "陈主管", "role": "客服主管", "department": "客服部"},
]


def client_row(client_id, **fields) -> dict:
    row = {
        "client_id": client_id,
        "name": f"客户{client_id}",
        "phone": "13900001234",
        "designer": "王设计",
        "specialist": "林客服",
        "handover_date": dt.date(2026, 1, 1),
        "assigned_date": dt.date(2026, 11, 1),
    }
    row.update(fields)
    return row


def follow_up_row(client_id, date, **fields) -> dict:
    row = {
        "client_id": client_id,
        "date": date,
        "designer": "王设计",
        "method": "电话",
        "content": f"沟通方案 {date}",
        "source": "插件",
        "entered_at": dt.datetime.combine(date, dt.time(18, 0))
        if isinstance(date, dt.date)
        else None,
    }
    row.update(fields)
    return row


def write_sheet(book: Workbook, sheet: layout.Sheet, rows: list[dict]) -> None:
    worksheet = book.create_sheet(sheet.name)
    worksheet.append(list(sheet.headers))
    for row in rows:
        worksheet.append([row.get(column.key) for column in sheet.columns])


def make_book(
    path: Path,
    clients=(),
    follow_ups=(),
    staff=None,
    rules=None,
    findings=(),
    leave_out=(),
) -> Path:
    """A plain-sheet workbook; rules maps parameter key to a value to override."""
    book = Workbook()
    book.remove(book.active)
    sheets = {
        layout.CLIENTS: (layout.CLIENT_SHEET, list(clients)),
        layout.FOLLOW_UPS: (layout.FOLLOW_UP_SHEET, list(follow_ups)),
        layout.STAFF: (layout.STAFF_SHEET, DEFAULT_STAFF if staff is None else staff),
        layout.FINDINGS: (layout.FINDING_SHEET, list(findings)),
    }
    for name, (sheet, rows) in sheets.items():
        if name not in leave_out:
            write_sheet(book, sheet, rows)
    if layout.RULES not in leave_out:
        overrides = rules or {}
        rows = [
            {
                "name": p.name,
                "value": overrides.get(p.key, _shown(p.default)),
                "note": p.note,
            }
            for p in layout.RULE_PARAMETERS
        ]
        write_sheet(book, layout.RULES_SHEET, rows)
    book.save(path)
    return path


def _shown(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
