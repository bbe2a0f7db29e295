"""The month's fines workbook: 汇总, 明细, 问题清单, 疑点, 说明.

汇总 holds the fines per person, the month's compliance per designer and per
manager (checker/compliance.py) and a native chart of both, set up to print on
one landscape page. 疑点 lists the suspects of checker/audit.py; they never
change a fine. Written with openpyxl. Text that came from the checked workbook is always
written as text, so a name typed as "=HYPERLINK(…)" can never become a live
formula in the output. No phone number is written anywhere.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from checker import __version__
from checker.audit import Suspect, find_suspects
from checker.compliance import MonthCompliance, Tally, month_compliance
from checker.report import Checked
from checker.rules import CLAUSE_ORDER, CLAUSE_ROLES, MonthFines, unique_clients
from workbook import layout
from workbook.problems import SEVERITY_TEXT

YUAN = '"¥"#,##0.00'
DATE = "yyyy-mm-dd"
PERCENT = "0.0%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)

CLAUSE_TEXT = {
    "designer": "设计师未按时跟踪",
    "manager": "部门经理连带",
    "specialist": "客服专员经查实徇私舞弊/纵容包庇",
    "supervisor": "客服主管连带",
}

# The compliance tables of 汇总 and the chart beside the fines table.
COMPLIANCE_TEXT = {
    "designers": "{month} 跟踪合规（按设计师）",
    "managers": "{month} 跟踪合规（按部门经理，为其设计师之和）",
    "designer": "设计师",
    "manager": "部门经理",
    "department": "部门",
    "superior": "上级",
    "designer_count": "设计师人数",
    "windows": "跟踪窗口",
    "met": "按时跟踪",
    "rate": "合规率",
    "missed": "漏跟合计",
    "category_missed": "{category}漏跟",
    "total": "合计",
    "unknown_designer": "（未填设计师）",
    "unknown_manager": "（未填上级）",
    "none": "本月没有已到截止日或已跟踪的窗口。",
    "definition": (
        "跟踪窗口：从上次跟踪（或分配日期）起到应跟踪截止日的一段。按时跟踪：截止日当天或之前有跟踪，"
        "记在跟踪那天所在的月；漏跟：截止日前没有跟踪，记在截止日第二天所在的月（与乐捐相同）。"
        "到检查日还没到截止日的窗口、因结束日期不再跟踪的窗口不计。合规率 = 按时跟踪 ÷ 跟踪窗口。"
        "长期跟踪的漏跟计入合规，是否计乐捐按规则。"
    ),
    "chart": "{month} 漏跟次数与合规率",
}
COMPLIANCE_WIDTHS = [12, 12, 14, 10, 14, 10, 10, 10, 10, 12, 10]
RATE_COLUMN = 6  # F of the compliance tables
MISSED_COLUMN = 11  # K
CHART_COLUMN = 7  # G: right of the fines table (A–E)
RATE_COLOUR = "C00000"
CHART_ROWS = 16  # rows the chart covers; the compliance tables start below

SUSPECT_HEADERS = [
    "序号",
    "疑点",
    "代码",
    "客户编号",
    "客户姓名",
    "设计师",
    "单元格",
    "说明",
]
SUSPECT_WIDTHS = [6, 12, 20, 10, 10, 10, 34, 80]
LINE_HEIGHT = 15  # points per line of wrapped text
TOP = Alignment(vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")


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


def write_summary(
    book: Workbook, fines: MonthFines, compliance: MonthCompliance
) -> None:
    rows = summary_rows(fines)
    sheet = add_table_sheet(
        book,
        "汇总",
        ["姓名", "角色", "部门", "次数", "金额"],
        rows,
        COMPLIANCE_WIDTHS,
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

    # The chart sits right of the fines table, the compliance tables below both.
    first_row = max(total_row + 4, CHART_ROWS + 2)
    last_row = write_compliance(sheet, compliance, first_row)
    fit_on_one_page(sheet, last_row)


def write_compliance(sheet, compliance: MonthCompliance, row: int) -> int:
    """The designers' table with its chart, the managers' table and what the
    numbers mean; returns the last row written."""
    text = COMPLIANCE_TEXT
    title = text["designers"].format(month=compliance.month)
    sheet.cell(row=row, column=1, value=title).font = TOTAL_FONT
    if not compliance.designers:
        sheet.cell(row=row + 1, column=1, value=text["none"])
        return row + 1

    last_designer = write_designer_table(sheet, compliance, row + 1)
    sheet.add_chart(compliance_chart(sheet, compliance, row + 1, last_designer))

    row = last_designer + 3
    title = text["managers"].format(month=compliance.month)
    sheet.cell(row=row, column=1, value=title).font = TOTAL_FONT
    row = write_manager_table(sheet, compliance, row + 1) + 2

    note = sheet.cell(row=row, column=1, value=text["definition"])
    note.alignment = Alignment(wrap_text=True, vertical="top")
    last_column = len(COMPLIANCE_WIDTHS)
    sheet.merge_cells(
        start_row=row, start_column=1, end_row=row, end_column=last_column
    )
    sheet.row_dimensions[row].height = 64
    return row


def write_designer_table(sheet, compliance: MonthCompliance, header_row: int) -> int:
    """Header, one row per designer, a total row; returns the last designer's row."""
    text = COMPLIANCE_TEXT
    first = [text["designer"], text["department"], text["superior"]]
    _compliance_header(sheet, header_row, first)
    for row, tally in enumerate(compliance.designers, start=header_row + 1):
        name = tally.name or text["unknown_designer"]
        _tally_row(sheet, row, [name, tally.department, tally.superior], tally)
    last = header_row + len(compliance.designers)
    for cell in _tally_row(sheet, last + 1, [text["total"], "", ""], compliance.total):
        cell.font = TOTAL_FONT
    return last


def write_manager_table(sheet, compliance: MonthCompliance, header_row: int) -> int:
    """Header and one row per manager; returns the last row."""
    text = COMPLIANCE_TEXT
    first = [text["manager"], text["department"], text["designer_count"]]
    _compliance_header(sheet, header_row, first)
    for row, tally in enumerate(compliance.managers, start=header_row + 1):
        name = tally.name or text["unknown_manager"]
        _tally_row(sheet, row, [name, tally.department, tally.designers], tally)
    return header_row + len(compliance.managers)


def _compliance_header(sheet, row: int, first: list) -> None:
    text = COMPLIANCE_TEXT
    headers = [
        *first,
        text["windows"],
        text["met"],
        text["rate"],
        *(text["category_missed"].format(category=c) for c in layout.CATEGORIES),
        text["missed"],
    ]
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        if column > len(first):
            cell.alignment = Alignment(horizontal="right")  # over the numbers


def _tally_row(sheet, row: int, first: list, tally: Tally) -> list:
    values = [
        *first,
        tally.windows,
        tally.met,
        tally.rate,
        *tally.misses_by_category(),
        tally.missed,
    ]
    cells = []
    for column, value in enumerate(values, start=1):
        write_text(sheet, row, column, value)
        cells.append(sheet.cell(row=row, column=column))
    cells[RATE_COLUMN - 1].number_format = PERCENT
    return cells


def compliance_chart(
    sheet, compliance: MonthCompliance, header_row: int, last_row: int
) -> BarChart:
    """Misses per designer as bars, compliance as points on a second axis (0–100%),
    both read from the designers' table so the chart stays live in Excel."""
    bars = BarChart()
    bars.type = "col"
    bars.title = COMPLIANCE_TEXT["chart"].format(month=compliance.month)
    misses = Reference(
        sheet, min_col=MISSED_COLUMN, min_row=header_row, max_row=last_row
    )
    bars.add_data(misses, titles_from_data=True)
    bars.set_categories(
        Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row)
    )
    bars.y_axis.title = COMPLIANCE_TEXT["missed"]
    bars.y_axis.scaling.min = 0
    # Headroom keeps the bars' labels below the rates, which sit near 100%.
    most = max(tally.missed for tally in compliance.designers)
    bars.y_axis.scaling.max = max(2, math.ceil(most * 1.6))
    bars.y_axis.number_format = "0"
    bars.series[0].dLbls = _value_labels("0")

    rates = LineChart()
    rates.add_data(
        Reference(sheet, min_col=RATE_COLUMN, min_row=header_row, max_row=last_row),
        titles_from_data=True,
    )
    points = rates.series[0]
    points.marker.symbol = "diamond"
    points.marker.size = 9
    points.marker.graphicalProperties = GraphicalProperties(solidFill=RATE_COLOUR)
    points.marker.graphicalProperties.line.solidFill = RATE_COLOUR
    points.graphicalProperties.line.noFill = True  # points, not a line across people
    points.dLbls = _value_labels("0%")
    points.dLbls.dLblPos = "t"
    rates.y_axis.axId = 200
    rates.y_axis.title = COMPLIANCE_TEXT["rate"]
    rates.y_axis.scaling.min = 0
    rates.y_axis.scaling.max = 1
    rates.y_axis.number_format = "0%"
    rates.y_axis.majorGridlines = None
    rates.y_axis.crosses = "max"

    # openpyxl 3.1 marks axes as deleted unless told otherwise.
    for axis in (bars.x_axis, bars.y_axis, rates.y_axis):
        axis.delete = False
    bars += rates
    bars.legend.position = "b"
    # Anchored to cells G1:K16, so it covers the same columns as the tables in
    # any program, whatever width its fonts give a column.
    bars.anchor = TwoCellAnchor(
        _from=AnchorMarker(col=CHART_COLUMN - 1, row=0),
        to=AnchorMarker(col=len(COMPLIANCE_WIDTHS), row=CHART_ROWS),
    )
    return bars


def _value_labels(number_format: str) -> DataLabelList:
    labels = DataLabelList(numFmt=number_format)
    labels.showVal = True
    for hidden in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(labels, hidden, False)
    return labels


def fit_on_one_page(sheet, last_row: int) -> None:
    """Landscape, scaled to one page wide and tall, tables and chart included."""
    sheet.print_area = (
        f"A1:{get_column_letter(len(COMPLIANCE_WIDTHS))}{max(last_row, CHART_ROWS)}"
    )
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True


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


def wrap_long_text(sheet, columns: list[int]) -> None:
    """Wrap these columns and make each row tall enough for its longest text:
    neither openpyxl nor the programs opening the file size rows by themselves."""
    widths = {c: sheet.column_dimensions[get_column_letter(c)].width for c in columns}
    for row in sheet.iter_rows(min_row=2):
        lines = 1
        for cell in row:
            wrapped = cell.column in widths
            cell.alignment = WRAPPED if wrapped else TOP
            if wrapped:
                lines = max(
                    lines, math.ceil(_text_width(cell.value) / widths[cell.column])
                )
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def _text_width(value) -> float:
    """Width in Excel's column units: a Chinese character takes about two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in text)


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
    wrap_long_text(sheet, [5])


def write_suspects(book: Workbook, suspects: list[Suspect], checked: Checked) -> None:
    names = {client.client_id: client.name for client in unique_clients(checked.book)}
    rows = [
        [
            number,
            suspect.label,
            suspect.code,
            suspect.client_id,
            names.get(suspect.client_id, ""),
            suspect.designer,
            "、".join(suspect.cells),
            suspect.message,
        ]
        for number, suspect in enumerate(suspects, start=1)
    ]
    sheet = add_table_sheet(book, "疑点", SUSPECT_HEADERS, rows, SUSPECT_WIDTHS)
    wrap_long_text(sheet, [7, 8])

    # Printed as a work list: landscape, as wide as the page, as long as it takes.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


def write_notes(
    book: Workbook, fines: MonthFines, checked: Checked, suspects: list[Suspect]
) -> None:
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
        ["疑点", f"{len(suspects)} 条（只供核实，不影响乐捐）"],
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
    fines: MonthFines, checked: Checked, extra_sheets=(), suspects=None
) -> Workbook:
    """The whole output workbook; extra_sheets are callables(book) added before 说明.
    suspects defaults to the audit of the same month and check day."""
    if suspects is None:
        suspects = find_suspects(checked.book, fines.month, checked.as_of)
    compliance = month_compliance(checked.book, fines.month, checked.as_of)
    book = Workbook()
    book.remove(book.active)
    write_summary(book, fines, compliance)
    write_lines(book, fines)
    write_problems(book, checked)
    write_suspects(book, suspects, checked)
    for add_sheet in extra_sheets:
        add_sheet(book)
    write_notes(book, fines, checked, suspects)
    return book


def save_fines_workbook(
    fines: MonthFines, checked: Checked, path: Path, extra_sheets=(), suspects=None
) -> None:
    build_fines_workbook(fines, checked, extra_sheets, suspects).save(path)
