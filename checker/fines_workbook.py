"""The month's fines workbook: 汇总, 明细, 问题清单, 说明.

Written with openpyxl. Text that came from the checked workbook is always
written as text, so a name typed as "=HYPERLINK(…)" can never become a live
formula in the output. No phone number is written anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from checker import __version__
from checker.report import Checked
from checker.rules import CLAUSE_ORDER, CLAUSE_ROLES, MonthFines
from workbook import layout
from workbook.problems import SEVERITY_TEXT

YUAN = '"¥"#,##0.00'
DATE = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)

CLAUSE_TEXT = {
    "designer": "设计师未按时跟踪",
    "manager": "部门经理连带",
    "specialist": "客服专员经查实徇私舞弊/纵容包庇",
    "supervisor": "客服主管连带",
}


def write_text(sheet, row: int, column: int, value) -> None:
    """Write a value; text stays text even when it starts with "="."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def add_table_sheet(
    book: Workbook,
    title: str,
    headers: list,
    rows: list,
    widths: list,
    formats: dict | None = None,
):
    """A sheet with a bold frozen header, a filter and per-column number formats."""
    sheet = book.create_sheet(title)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            write_text(sheet, row_number, column, value)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column, number_format in (formats or {}).items():
        for row_number in range(2, len(rows) + 2):
            sheet.cell(row=row_number, column=column).number_format = number_format
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
    return sheet


def summary_rows(fines: MonthFines) -> list:
    """One row per person and role: count and amount, in a stable order."""
    totals = defaultdict(lambda: [0, 0.0])
    departments = {}
    for line in fines.lines:
        key = (line.person, line.clause)
        totals[key][0] += 1
        totals[key][1] += line.amount
        departments[key] = line.department
    order = sorted(
        totals, key=lambda key: (CLAUSE_ORDER.index(key[1]), departments[key], key[0])
    )
    return [
        [
            person,
            CLAUSE_ROLES[clause],
            departments[(person, clause)],
            totals[(person, clause)][0],
            totals[(person, clause)][1],
        ]
        for person, clause in order
    ]


def write_summary(book: Workbook, fines: MonthFines) -> None:
    rows = summary_rows(fines)
    sheet = add_table_sheet(
        book,
        "汇总",
        ["姓名", "角色", "部门", "次数", "金额"],
        rows,
        [12, 12, 14, 8, 14],
        {5: YUAN},
    )
    total_row = len(rows) + 2
    sheet.cell(row=total_row, column=1, value="合计").font = TOTAL_FONT
    sheet.cell(row=total_row, column=4, value=sum(row[3] for row in rows))
    amount = sheet.cell(row=total_row, column=5, value=fines.total)
    amount.number_format, amount.font = YUAN, TOTAL_FONT
    sheet.auto_filter.ref = f"A1:E{max(len(rows) + 1, 1)}"
    sheet.cell(
        row=total_row + 2,
        column=1,
        value=f"{fines.month} 乐捐合计 {fines.total:g} 元；"
        f"另有未计乐捐的长期跟踪漏跟 {fines.unfined_misses} 次",
    )


def write_lines(book: Workbook, fines: MonthFines) -> None:
    rows = [
        [
            number,
            line.person,
            line.role,
            line.department,
            line.client_id,
            line.client_name,
            line.category,
            line.deadline,
            line.date,
            line.amount,
            CLAUSE_TEXT[line.clause],
        ]
        for number, line in enumerate(fines.lines, start=1)
    ]
    headers = [
        "序号",
        "姓名",
        "角色",
        "部门",
        "客户编号",
        "客户姓名",
        "类别",
        "应跟踪截止",
        "日期",
        "金额",
        "依据",
    ]
    add_table_sheet(
        book,
        "明细",
        headers,
        rows,
        [6, 10, 10, 12, 10, 10, 9, 12, 12, 12, 30],
        {8: DATE, 9: DATE, 10: YUAN},
    )


def write_problems(book: Workbook, checked: Checked) -> None:
    rows = [
        [SEVERITY_TEXT[p.severity], p.sheet, p.cell, p.value, p.message, p.code]
        for p in checked.problems
    ]
    sheet = add_table_sheet(
        book,
        "问题清单",
        ["级别", "工作表", "单元格", "单元格内容", "说明", "代码"],
        rows,
        [8, 10, 9, 18, 70, 22],
    )
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def write_notes(book: Workbook, fines: MonthFines, checked: Checked) -> None:
    rules = checked.book.rules
    made = dt.datetime.now().replace(microsecond=0)
    rows = [
        ["月份", fines.month],
        ["源文件", checked.path.name],
        ["源文件 SHA-256", checked.sha256],
        ["检查日", checked.as_of],
        ["生成时间", made],
        ["生成工具", f"client-tracking {__version__}"],
        ["乐捐合计(元)", fines.total],
        ["未计乐捐的漏跟次数", fines.unfined_misses],
        ["错误/提醒", f"{len(checked.errors)} / {len(checked.warnings)}"],
        ["", ""],
        ["所用规则", "值"],
    ]
    for parameter in layout.RULE_PARAMETERS:
        rows.append([parameter.name, _rule_text(getattr(rules, parameter.key))])
    sheet = add_table_sheet(book, "说明", ["项目", "内容"], rows, [22, 70])
    for row in sheet.iter_rows(min_row=2, max_col=2):
        if isinstance(row[1].value, dt.datetime):
            row[1].number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(row[1].value, dt.date):
            row[1].number_format = DATE
    sheet.auto_filter.ref = None


def _rule_text(value) -> str:
    if value is None:
        return "（空白）"
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def build_fines_workbook(
    fines: MonthFines, checked: Checked, extra_sheets=()
) -> Workbook:
    """The whole output workbook; extra_sheets are callables(book) added before 说明."""
    book = Workbook()
    book.remove(book.active)
    write_summary(book, fines)
    write_lines(book, fines)
    write_problems(book, checked)
    for add_sheet in extra_sheets:
        add_sheet(book)
    write_notes(book, fines, checked)
    return book


def save_fines_workbook(
    fines: MonthFines, checked: Checked, path: Path, extra_sheets=()
) -> None:
    build_fines_workbook(fines, checked, extra_sheets).save(path)
