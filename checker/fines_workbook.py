"""The month's fines workbook: 汇总, 明细, 问题清单, 疑点, 说明.

汇总 holds the fines per person, the month's compliance per designer and per
manager (checker/compliance.py) and a native chart of both, set up to print on
one landscape page. 疑点 lists the suspects of checker/audit.py; they never
change a fine. No phone number is written anywhere.

Written with openpyxl in write-only mode: each sheet is laid out as rows first,
then set up and written in one go. A big month has tens of thousands of
suspects, and openpyxl spends some 15 µs on every cell it writes, so write_rows
writes the rows' XML itself and leaves the rest to openpyxl: styles, widths,
frozen panes, filters, merges, print setup, the chart and the package. Text that
came from the checked workbook is always written as text (an inline string), so a
name typed as "=HYPERLINK(…)" can never become a live formula in the output.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import unicodedata
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.compat import safe_string
from openpyxl.compat.numbers import NUMERIC_TYPES
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from checker import __version__
from checker.audit import Suspect, find_suspects
from checker.compliance import MonthCompliance, Tally, month_compliance
from checker.report import Checked, yuan
from checker.rules import CLAUSE_ORDER, CLAUSE_ROLES, MonthFines, unique_clients
from workbook import layout
from workbook.problems import SEVERITY_TEXT

YUAN = '"¥"#,##0.00'
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
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

SUMMARY_HEADERS = ["姓名", "角色", "部门", "次数", "金额"]
LINE_HEADERS = [
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
LINE_WIDTHS = [6, 10, 10, 12, 10, 10, 9, 12, 12, 12, 30]
PROBLEM_HEADERS = ["级别", "工作表", "单元格", "单元格内容", "说明", "代码"]
PROBLEM_WIDTHS = [8, 10, 9, 18, 70, 22]
LINE_HEIGHT = 15  # points per line of wrapped text
NOTE_HEIGHT = 64  # the definitions under the compliance tables
MAX_TEXT = 32767  # characters a cell holds; openpyxl cuts longer text there too


class Look:
    """How a cell looks, as openpyxl style attributes (font, fill, alignment,
    number_format). Each look becomes one style of the workbook when a sheet
    using it is written; compared by identity, so keep one object per look."""

    def __init__(self, **attributes):
        self.attributes = attributes


class Styled(NamedTuple):
    """A cell whose look is not its column's."""

    value: object
    look: Look | None


HEADER = Look(font=HEADER_FONT, fill=HEADER_FILL)
NUMBER_HEADER = Look(
    font=HEADER_FONT, fill=HEADER_FILL, alignment=Alignment(horizontal="right")
)
TOTAL = Look(font=TOTAL_FONT)
MONEY = Look(number_format=YUAN)
TOTAL_MONEY = Look(number_format=YUAN, font=TOTAL_FONT)
RATE = Look(number_format=PERCENT)
TOTAL_RATE = Look(number_format=PERCENT, font=TOTAL_FONT)
DAY = Look(number_format=DATE)
MOMENT = Look(number_format=DATETIME)
TOP = Look(alignment=Alignment(vertical="top"))
WRAPPED = Look(alignment=Alignment(wrap_text=True, vertical="top"))


# --- Writing rows -----------------------------------------------------------------


def write_rows(sheet, rows: list, looks=(), heights=None) -> None:
    """Write rows from row 1 of a new write-only sheet and close it: every sheet
    setting must be made before. A row is a list of values or Styled; a plain
    value has its column's look (looks, by column from A), a date without one
    shows as a date. heights: points by row number."""
    heights = heights or {}
    if writes_xml_itself():
        _write_xml(sheet, rows, looks, heights)
    else:
        _append_cells(sheet, rows, looks, heights)


def cell_look(value, column_look: Look | None) -> tuple:
    """The value to write and its look."""
    if type(value) is Styled:
        return value
    if column_look is None and isinstance(value, dt.date):
        return value, MOMENT if isinstance(value, dt.datetime) else DAY
    return value, column_look


@functools.cache
def writes_xml_itself() -> bool:
    """Whether this openpyxl keeps a closed write-only sheet in a file that
    _write_xml can fill in, as openpyxl 3.1 does. If a later one does not, the
    rows go through openpyxl's own cells: the same workbook, only slower."""
    probe = Workbook(write_only=True).create_sheet()
    try:
        _closed_sheet_xml(probe)
    except (AttributeError, OSError, TypeError, ValueError):
        return False
    return True


EMPTY_SHEET_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")


def _closed_sheet_xml(sheet) -> tuple[str, str, str]:
    """Close a sheet that has no rows; the file openpyxl copies into the package
    on save, and its XML before and after the empty sheetData."""
    sheet.close()
    path = sheet._writer.out
    with open(path, encoding="utf-8", newline="") as file:
        parts = EMPTY_SHEET_DATA.split(file.read())
    if len(parts) != 2:
        raise ValueError(f"{path} has no empty sheetData")
    return path, parts[0], parts[1]


def _write_xml(sheet, rows: list, looks, heights: dict) -> None:
    styles = StyleIds(sheet)
    columns = max(map(len, rows), default=0)
    letters = [get_column_letter(column) for column in range(1, columns + 1)]
    looks = list(looks) + [None] * (columns - len(looks))

    path, head, tail = _closed_sheet_xml(sheet)
    if rows and letters:
        head = _with_dimension(head, f"A1:{letters[-1]}{len(rows)}")
    # Row by row: a list of a quarter of a million suspects joined into one
    # string would cost more memory than the whole input workbook.
    with open(path, "w", encoding="utf-8", newline="") as file:  # "\n" as it is
        file.write(f"{head}<sheetData>")
        for number, row in enumerate(rows, start=1):
            xml = _row_xml(number, row, looks, letters, styles, heights.get(number))
            # Markup never holds these, so one search covers every text;
            # openpyxl refuses them the same way.
            found = ILLEGAL_CHARACTERS_RE.search(xml)
            if found:
                raise IllegalCharacterError(
                    f"{found.group()!r} cannot be used in worksheets."
                )
            file.write(xml)
        file.write(f"</sheetData>{tail}")


def _with_dimension(head: str, reference: str) -> str:
    """The sheet's used range, which openpyxl leaves out in write-only mode and
    writes in normal mode: readers that go by it see the whole sheet. It goes
    before the sheet views, where the file format wants it."""
    if "<dimension" in head:
        return head
    return head.replace("<sheetViews", f'<dimension ref="{reference}" /><sheetViews', 1)


class StyleIds(dict):
    """Look → number of its style in the sheet's workbook, registered on first use."""

    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet

    def __missing__(self, look: Look) -> int:
        self[look] = _openpyxl_cell(self.sheet, 0, look).style_id
        return self[look]


def _row_xml(number: int, row: list, looks, letters, styles, height) -> str:
    start = f'<row r="{number}"'
    if height:
        start += f' ht="{safe_string(height)}" customHeight="1"'
    cells = [start, ">"]
    # looks and letters cover the widest row; this row may be shorter.
    for value, column_look, letter in zip(row, looks, letters, strict=False):
        value, look = cell_look(value, column_look)
        style = f' s="{styles[look]}"' if look else ""
        if value is not None and value != "":
            cells.append(_cell_xml(f"{letter}{number}", style, value))
        elif style:  # as openpyxl does: text typed in later gets the look
            cells.append(f'<c r="{letter}{number}"{style} />')
    if len(cells) == 2 and not height:
        return ""  # a blank row needs no element
    cells.append("</row>")
    return "".join(cells)


def _cell_xml(reference: str, style: str, value) -> str:
    """A cell as openpyxl writes it: text inline, dates as serial numbers."""
    if isinstance(value, str):
        text = _escape(value[:MAX_TEXT])
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return (
            f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
        )
    if isinstance(value, bool):
        return f'<c r="{reference}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        value = to_excel(value)
    elif not isinstance(value, NUMERIC_TYPES):
        raise TypeError(f"cannot write {type(value).__name__} {value!r} to a cell")
    return f'<c r="{reference}"{style} t="n"><v>{safe_string(value)}</v></c>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _append_cells(sheet, rows: list, looks, heights: dict) -> None:
    """write_rows through openpyxl's own cells."""
    for number, row in enumerate(rows, start=1):
        if number in heights:
            sheet.row_dimensions[number].height = heights[number]
        cells = zip_longest(row, looks[: len(row)])
        sheet.append([_openpyxl_cell(sheet, *cell_look(*cell)) for cell in cells])
    sheet.close()


def _openpyxl_cell(sheet, value, look: Look | None):
    if value == "":
        value = None
    if value is None and look is None:
        return None
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    for name, setting in (look.attributes if look else {}).items():
        setattr(cell, name, setting)
    return cell


class Layout:
    """A sheet's rows by number, laid out before they are written: a write-only
    sheet takes its rows in order, and its merges, chart and print setup before."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.rows: dict[int, list] = {}
        self.heights: dict[int, float] = {}

    def put(self, row: int, cells: list) -> None:
        self.rows[row] = cells

    def write(self) -> None:
        last = max(self.rows, default=0)
        rows = [self.rows.get(number, []) for number in range(1, last + 1)]
        write_rows(self.sheet, rows, heights=self.heights)


# --- Sheets -----------------------------------------------------------------------


def table_sheet(book: Workbook, title: str, headers: list, widths: list, rows: int):
    """A new sheet with its column widths, the header row frozen and a filter over
    the header and the rows; set up, not written yet."""
    sheet = book.create_sheet(title)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"
    return sheet


def write_table(sheet, headers: list, rows: list, looks=(), heights=None) -> None:
    """A bold header on a blue fill, then the rows."""
    header = [Styled(text, HEADER) for text in headers]
    write_rows(sheet, [header, *rows], looks, heights)


def wrapped_looks(widths: list, wrapped: list[int]) -> list[Look]:
    """Wrap these columns, top-align the others so that a tall row reads from the
    top."""
    return [WRAPPED if c in wrapped else TOP for c in range(1, len(widths) + 1)]


def wrapped_heights(rows: list, widths: list, wrapped: list[int]) -> dict:
    """Heights for the rows whose wrapped text needs more than one line, by sheet
    row (the rows start at 2): neither openpyxl nor the programs opening the file
    size rows by themselves."""
    heights = {}
    for number, row in enumerate(rows, start=2):
        lines = max([1, *(_lines(row[c - 1], widths[c - 1]) for c in wrapped)])
        if lines > 1:
            heights[number] = LINE_HEIGHT * lines
    return heights


def _lines(value, width: float) -> int:
    text = "" if value is None else str(value)
    if 2 * len(text) <= width:  # no character is wider than two units: one line
        return 1
    return math.ceil(_text_width(text) / width)


def _text_width(value) -> float:
    """Width in Excel's column units: a Chinese character takes about two."""
    text = "" if value is None else str(value)
    return sum(map(CHAR_WIDTHS.__getitem__, text))


class CharWidths(dict):
    """Character → its width, looked up in unicodedata once per character: a long
    list repeats the same few hundred characters."""

    def __missing__(self, char: str) -> float:
        width = 2 if unicodedata.east_asian_width(char) in "WF" else 1.1
        self[char] = width
        return width


CHAR_WIDTHS = CharWidths()


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
    book: Workbook, fines: MonthFines, compliance: MonthCompliance, checked: Checked
) -> None:
    rows = summary_rows(fines)
    sheet = table_sheet(book, "汇总", SUMMARY_HEADERS, COMPLIANCE_WIDTHS, len(rows))
    page = Layout(sheet)
    page.put(1, [Styled(text, HEADER) for text in SUMMARY_HEADERS])
    for number, (*cells, amount) in enumerate(rows, start=2):
        page.put(number, [*cells, Styled(amount, MONEY)])
    total_row = len(rows) + 2
    count = sum(row[3] for row in rows)
    total = Styled(fines.total, TOTAL_MONEY)
    page.put(total_row, [Styled("合计", TOTAL), None, None, count, total])
    page.put(
        total_row + 2,
        [
            f"{fines.month} 乐捐合计 {yuan(fines.total)} 元；"
            f"另有未计乐捐的长期跟踪漏跟 {fines.unfined_misses} 次"
        ],
    )
    if checked.errors:
        # The amounts stand as computed, but nobody should pay them before the
        # workbook's errors are fixed and the month computed again.
        page.put(
            total_row + 3,
            [
                Styled(
                    f"注意：源工作簿有 {len(checked.errors)} 条错误，以上金额可能不准确；"
                    "请改正“问题清单”中的错误后重新计算。",
                    TOTAL,
                )
            ],
        )

    # The chart sits right of the fines table, the compliance tables below both.
    first_row = max(total_row + 4, CHART_ROWS + 2)
    last_row = lay_out_compliance(page, compliance, first_row)
    fit_on_one_page(sheet, last_row)
    page.write()


def lay_out_compliance(page: Layout, compliance: MonthCompliance, row: int) -> int:
    """The designers' table with its chart, the managers' table and what the
    numbers mean; returns the last row."""
    text = COMPLIANCE_TEXT
    title = text["designers"].format(month=compliance.month)
    page.put(row, [Styled(title, TOTAL)])
    if not compliance.designers:
        page.put(row + 1, [text["none"]])
        return row + 1

    last_designer = lay_out_designer_table(page, compliance, row + 1)
    page.sheet.add_chart(
        compliance_chart(page.sheet, compliance, row + 1, last_designer)
    )

    row = last_designer + 3
    title = text["managers"].format(month=compliance.month)
    page.put(row, [Styled(title, TOTAL)])
    row = lay_out_manager_table(page, compliance, row + 1) + 2

    page.put(row, [Styled(text["definition"], WRAPPED)])
    last_column = get_column_letter(len(COMPLIANCE_WIDTHS))
    page.sheet.merged_cells.add(f"A{row}:{last_column}{row}")
    page.heights[row] = NOTE_HEIGHT
    return row


def lay_out_designer_table(
    page: Layout, compliance: MonthCompliance, header_row: int
) -> int:
    """Header, one row per designer, a total row; returns the last designer's row."""
    text = COMPLIANCE_TEXT
    first = [text["designer"], text["department"], text["superior"]]
    page.put(header_row, _compliance_header(first))
    for row, tally in enumerate(compliance.designers, start=header_row + 1):
        name = tally.name or text["unknown_designer"]
        page.put(row, _tally_row([name, tally.department, tally.superior], tally))
    last = header_row + len(compliance.designers)
    total = _tally_row([text["total"], "", ""], compliance.total, bold=True)
    page.put(last + 1, total)
    return last


def lay_out_manager_table(
    page: Layout, compliance: MonthCompliance, header_row: int
) -> int:
    """Header and one row per manager; returns the last row."""
    text = COMPLIANCE_TEXT
    first = [text["manager"], text["department"], text["designer_count"]]
    page.put(header_row, _compliance_header(first))
    for row, tally in enumerate(compliance.managers, start=header_row + 1):
        name = tally.name or text["unknown_manager"]
        page.put(row, _tally_row([name, tally.department, tally.designers], tally))
    return header_row + len(compliance.managers)


def _compliance_header(first: list) -> list:
    text = COMPLIANCE_TEXT
    numbers = [
        text["windows"],
        text["met"],
        text["rate"],
        *(text["category_missed"].format(category=c) for c in layout.CATEGORIES),
        text["missed"],
    ]
    return [
        *(Styled(header, HEADER) for header in first),
        *(Styled(header, NUMBER_HEADER) for header in numbers),  # over the numbers
    ]


def _tally_row(first: list, tally: Tally, bold: bool = False) -> list:
    values = [
        *first,
        tally.windows,
        tally.met,
        tally.rate,
        *tally.misses_by_category(),
        tally.missed,
    ]
    rate, other = (TOTAL_RATE, TOTAL) if bold else (RATE, None)
    return [
        Styled(value, rate if column == RATE_COLUMN else other)
        for column, value in enumerate(values, start=1)
    ]


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
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
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
    sheet = table_sheet(book, "明细", LINE_HEADERS, LINE_WIDTHS, len(rows))
    looks = [None] * 7 + [DAY, DAY, MONEY, None]
    write_table(sheet, LINE_HEADERS, rows, looks)


def write_problems(book: Workbook, checked: Checked) -> None:
    rows = [
        [SEVERITY_TEXT[p.severity], p.sheet, p.cell, p.value, p.message, p.code]
        for p in checked.problems
    ]
    sheet = table_sheet(book, "问题清单", PROBLEM_HEADERS, PROBLEM_WIDTHS, len(rows))
    wrapped = [5]
    looks = wrapped_looks(PROBLEM_WIDTHS, wrapped)
    heights = wrapped_heights(rows, PROBLEM_WIDTHS, wrapped)
    write_table(sheet, PROBLEM_HEADERS, rows, looks, heights)


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
    sheet = table_sheet(book, "疑点", SUSPECT_HEADERS, SUSPECT_WIDTHS, len(rows))
    print_as_work_list(sheet)
    wrapped = [7, 8]
    looks = wrapped_looks(SUSPECT_WIDTHS, wrapped)
    heights = wrapped_heights(rows, SUSPECT_WIDTHS, wrapped)
    write_table(sheet, SUSPECT_HEADERS, rows, looks, heights)


def print_as_work_list(sheet) -> None:
    """Landscape, as wide as the page, as long as it takes, the header on every
    page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
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
    headers = ["项目", "内容"]
    sheet = table_sheet(book, "说明", headers, [22, 70], len(rows))
    sheet.auto_filter.ref = None  # a list of facts, nothing to filter
    write_table(sheet, headers, rows)  # 检查日 and 生成时间 show as dates


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
    """The whole output workbook, in openpyxl's write-only mode with every sheet
    already written: save it once. extra_sheets are callables(book) adding
    write-only sheets before 说明. suspects defaults to the audit of the same
    month and check day."""
    if suspects is None:
        suspects = find_suspects(checked.book, fines.month, checked.as_of)
    compliance = month_compliance(checked.book, fines.month, checked.as_of)
    book = Workbook(write_only=True)
    write_summary(book, fines, compliance, checked)
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
    # Saved to memory first and written in one call, so a full disk fails on
    # that write and not inside openpyxl's half-closed zip.
    buffer = io.BytesIO()
    build_fines_workbook(fines, checked, extra_sheets, suspects).save(buffer)
    Path(path).write_bytes(buffer.getvalue())
