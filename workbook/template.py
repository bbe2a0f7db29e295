"""The blank shared workbook: one Excel table per list, drop-downs and row colours.

Every sheet of ``layout.DATA_SHEETS`` becomes an Excel table (ListObject) named
``Sheet.table``, with its header in row 1 and one empty data row, frozen header
and column widths that fit the Chinese headers. The 使用说明 sheet explains the
workbook and holds the add-in's "上次刷新" cell (``layout.REFRESH_NOTE_CELL``).

Choices made here:

- Date and datetime formats are set as the style of the whole column (one
  ``<col style>`` entry each), not cell by cell, so the file stays small and a
  date typed anywhere in the column shows as 2026-11-03. Cells written by code
  carry their own format (see ``write_cell``).
- Drop-downs and the 客户 row colours reach rows 2 to ``layout.PREPARED_LAST_ROW``
  (5000), whole rows from column A to the last layout column, so a growing
  table stays covered. Fixed choices (是/否, 客户状态, 跟踪方式, …) stop a wrong
  entry; staff names only warn, so a newcomer can be entered before 人员 is
  updated (the checker then reports the name).
- Row colours are formula rules on the 跟踪状态 cell of the row, with solid
  fills, which Excel, WPS and LibreOffice all draw.
- Each table starts with one empty data row (Excel needs at least one); readers
  skip blank rows.
- The 使用说明 sheet comes last; the workbook opens on 客户.
- Files are saved with fixed timestamps (document properties and zip entries),
  so building twice gives the same bytes.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from workbook import layout

TABLE_STYLE = "TableStyleMedium2"
# The template's own build time, fixed so the file is reproducible.
TEMPLATE_SAVED_AT = datetime(2026, 9, 1, 8, 0)

# Staff-name columns whose drop-down lists the 人员 sheet's 姓名 column.
STAFF_NAME_COLUMNS = (
    (layout.CLIENT_SHEET, "designer"),
    (layout.CLIENT_SHEET, "specialist"),
    (layout.FOLLOW_UP_SHEET, "designer"),
    (layout.STAFF_SHEET, "superior"),
    (layout.FINDING_SHEET, "specialist"),
    (layout.FINDING_SHEET, "verifier"),
)

COLOUR_NAMES = {
    layout.OVERDUE: "红色",
    layout.DUE_TODAY: "橙色",
    layout.DUE_SOON: "黄色",
    layout.CLOSED: "灰色",
}
STATE_MEANINGS = {
    layout.OVERDUE: "已过应跟踪截止日期仍未跟踪，逾期天数列显示过了几天",
    layout.DUE_TODAY: "今天是应跟踪截止日期，今天内要跟踪",
    layout.DUE_SOON: "离截止日期不超过规则表“即将到期提醒(天)”所设的天数",
    layout.CLOSED: "客户已签约或已流失，不再跟踪",
}


def template_workbook() -> Workbook:
    """The blank shared workbook, in memory."""
    wb = Workbook()
    wb.remove(wb.active)

    for sheet in layout.DATA_SHEETS:
        add_table_sheet(wb, sheet)

    add_validations(wb)
    add_state_colours(wb[layout.CLIENTS])
    fill_rules(wb, default_rule_values())
    add_guide(wb)

    wb.active = 0
    wb.properties.title = "客户跟踪"
    wb.properties.creator = "客户跟踪"
    return wb


def build_template(path: str | os.PathLike[str]) -> Path:
    """Write the blank shared workbook to path and return the path."""
    return save_workbook(template_workbook(), path, TEMPLATE_SAVED_AT)


# Writing cells


def write_cell(cell: Cell, value: object) -> Cell:
    """Put value into cell as data: text is never a formula, dates get a format.

    Use this for any value that comes from people or files: openpyxl would
    otherwise store text that starts with "=" as a formula.
    """
    cell.value = value

    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = layout.DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = layout.DATE_FORMAT
    return cell


def fill_sheet(
    wb: Workbook, sheet: layout.Sheet, rows: Iterable[Mapping[str, object]]
) -> int:
    """Write rows (dicts keyed by Column.key) below the header of a table sheet.

    The table is resized to cover them. Returns the number of rows written.
    """
    ws = wb[sheet.name]
    positions = {column.key: index for index, column in enumerate(sheet.columns, 1)}

    count = 0
    for count, row in enumerate(rows, 1):
        for key, value in row.items():
            if value is not None:
                write_cell(ws.cell(row=count + 1, column=positions[key]), value)

    resize_table(ws, sheet, count)
    return count


def resize_table(ws: Worksheet, sheet: layout.Sheet, data_rows: int) -> None:
    """Make the sheet's table cover the header and data_rows rows (at least one)."""
    table = ws.tables[sheet.table]
    last = get_column_letter(len(sheet.columns))
    table.ref = f"A1:{last}{1 + max(1, data_rows)}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref


def column_letter(sheet: layout.Sheet, key: str) -> str:
    """The column letter of a layout column in the template."""
    return get_column_letter(sheet.columns.index(sheet.column(key)) + 1)


def text_width(text: str) -> int:
    """Display width in Excel column units: Chinese characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def save_workbook(
    wb: Workbook, path: str | os.PathLike[str], saved_at: datetime
) -> Path:
    """Save wb to path with fixed timestamps, so equal workbooks give equal bytes."""
    wb.properties.created = saved_at
    wb.properties.modified = saved_at

    # openpyxl's own save stamps the current time on the properties and on every
    # zip entry; write to memory first, then copy the entries with saved_at.
    raw = BytesIO()
    ExcelWriter(wb, ZipFile(raw, "w", ZIP_DEFLATED)).save()

    # The file itself is written in one call, so a full disk fails there and
    # not inside a half-closed zip.
    stable_bytes = BytesIO()
    with ZipFile(raw) as source, ZipFile(stable_bytes, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            stable = ZipInfo(entry.filename, date_time=saved_at.timetuple()[:6])
            stable.compress_type = ZIP_DEFLATED
            stable.external_attr = 0o600 << 16
            target.writestr(stable, source.read(entry.filename))
    path = Path(path)
    path.write_bytes(stable_bytes.getvalue())
    return path


# Sheets and tables


def add_table_sheet(wb: Workbook, sheet: layout.Sheet) -> Worksheet:
    """A sheet holding one Excel table with the layout's header in row 1."""
    ws = wb.create_sheet(sheet.name)

    for index, column in enumerate(sheet.columns, 1):
        header = write_cell(ws.cell(row=1, column=index), column.header)
        header.font = Font(bold=True)
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = fitted_width(column)
        # Whole-column formats: typed dates show the same way in every row.
        if column.kind == "date":
            dimension.number_format = layout.DATE_FORMAT
        elif column.kind == "datetime":
            dimension.number_format = layout.DATETIME_FORMAT

    table = Table(displayName=sheet.table, ref="A1:A2")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    resize_table(ws, sheet, 1)

    ws.freeze_panes = "A2"
    return ws


def fitted_width(column: layout.Column) -> int:
    """The layout width, widened so the header and its filter button fit."""
    return max(column.width, text_width(column.header) + 4)


# Drop-downs


def add_validations(wb: Workbook) -> None:
    """Drop-downs for every column with fixed choices and for staff names."""
    for sheet in layout.DATA_SHEETS:
        for column in sheet.columns:
            if column.choices:
                choices = '"' + ",".join(column.choices) + '"'
                add_list(wb[sheet.name], sheet, column.key, choices, strict=True)

    staff = layout.STAFF_SHEET
    letter = column_letter(staff, "name")
    names = (
        f"{quote_sheetname(staff.name)}"
        f"!${letter}$2:${letter}${layout.STAFF_LIST_LAST_ROW}"
    )
    for sheet, key in STAFF_NAME_COLUMNS:
        add_list(wb[sheet.name], sheet, key, names, strict=False)

    add_unique_check(wb[layout.CLIENTS], layout.CLIENT_SHEET, "client_id")


def add_list(
    ws: Worksheet, sheet: layout.Sheet, key: str, formula: str, *, strict: bool
) -> DataValidation:
    """A drop-down list on one column's data rows."""
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.errorStyle = "stop" if strict else "warning"
    validation.errorTitle = sheet.column(key).header
    validation.error = (
        "请从下拉列表中选择。"
        if strict
        else "这个姓名不在人员表中，请先在人员表登记，或从下拉列表中选择。"
    )
    validation.showErrorMessage = True
    return add_to_rows(ws, sheet, key, validation)


def add_unique_check(ws: Worksheet, sheet: layout.Sheet, key: str) -> DataValidation:
    """Warn when an ID typed into the column is already there."""
    letter = column_letter(sheet, key)
    rows = f"${letter}$2:${letter}${layout.PREPARED_LAST_ROW}"
    validation = DataValidation(
        type="custom", formula1=f"COUNTIF({rows},{letter}2)<=1", allow_blank=True
    )
    validation.errorStyle = "warning"
    validation.errorTitle = sheet.column(key).header
    validation.error = "这个编号已经有了，编号不能重复。"
    validation.showErrorMessage = True
    return add_to_rows(ws, sheet, key, validation)


def add_to_rows(
    ws: Worksheet, sheet: layout.Sheet, key: str, validation: DataValidation
) -> DataValidation:
    letter = column_letter(sheet, key)
    validation.add(f"{letter}2:{letter}{layout.PREPARED_LAST_ROW}")
    ws.add_data_validation(validation)
    return validation


# Row colours


def add_state_colours(ws: Worksheet) -> None:
    """Colour each whole 客户 row from its 跟踪状态 cell."""
    sheet = layout.CLIENT_SHEET
    state = column_letter(sheet, "state")
    last = get_column_letter(len(sheet.columns))
    rows = f"A2:{last}{layout.PREPARED_LAST_ROW}"

    for value, colour in layout.STATE_COLOURS.items():
        rule = FormulaRule(formula=[f'${state}2="{value}"'], fill=solid_fill(colour))
        ws.conditional_formatting.add(rows, rule)


def solid_fill(colour: str) -> PatternFill:
    # Opaque, and both colours set: Excel draws a conditional fill with bgColor,
    # LibreOffice has used fgColor.
    argb = "FF" + colour
    return PatternFill(fill_type="solid", start_color=argb, end_color=argb)


# The 规则 sheet


def default_rule_values() -> dict[str, object]:
    return {parameter.key: parameter.default for parameter in layout.RULE_PARAMETERS}


def fill_rules(wb: Workbook, values: Mapping[str, object]) -> None:
    """One 规则 row per layout rule parameter, with the given values."""
    rows = [
        {
            "name": parameter.name,
            "value": rule_cell_value(values.get(parameter.key)),
            "note": parameter.note,
        }
        for parameter in layout.RULE_PARAMETERS
    ]
    fill_sheet(wb, layout.RULES_SHEET, rows)

    # Notes are long sentences: wrap them rather than widen the sheet.
    ws = wb[layout.RULES]
    note = column_letter(layout.RULES_SHEET, "note")
    for row in range(2, len(rows) + 2):
        ws[f"{note}{row}"].alignment = Alignment(wrap_text=True, vertical="top")


def rule_cell_value(value: object) -> object:
    """How a rule value is shown: booleans as 是/否, None as an empty cell."""
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    return value


# The 使用说明 sheet


def add_guide(wb: Workbook) -> Worksheet:
    ws = wb.create_sheet(layout.GUIDE)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90

    title = write_cell(ws["A1"], "客户跟踪工作簿 · 使用说明")
    title.font = Font(bold=True, size=14)

    label = write_cell(ws[layout.REFRESH_NOTE_LABEL_CELL], "上次刷新")
    label.font = Font(bold=True)
    ws[layout.REFRESH_NOTE_CELL].number_format = layout.DATETIME_FORMAT

    row = 4
    for heading, lines in guide_sections():
        write_cell(ws.cell(row=row, column=1), heading).font = Font(bold=True)
        row += 1
        for name, text in lines:
            write_guide_line(ws, row, name, text)
            row += 1
        row += 1
    return ws


def write_guide_line(ws: Worksheet, row: int, name: str, text: str) -> None:
    name_cell = write_cell(ws.cell(row=row, column=1), name)
    text_cell = write_cell(ws.cell(row=row, column=2), text)
    text_cell.alignment = Alignment(wrap_text=True, vertical="top")
    name_cell.alignment = Alignment(vertical="top")

    # The colour legend shows the very fill the rows get.
    if name in layout.STATE_COLOURS:
        name_cell.fill = solid_fill(layout.STATE_COLOURS[name])


def guide_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    clients = layout.CLIENT_SHEET
    computed = "、".join(clients.column(key).header for key in layout.STATUS_KEYS)
    state = clients.column("state").header
    entered_at = layout.FOLLOW_UP_SHEET.column("entered_at").header
    client_id = clients.column("client_id").header
    record_id = layout.FOLLOW_UP_SHEET.column("record_id").header
    lead = layout.rule_parameter("handover_soon_months")

    sheets = [
        (
            layout.CLIENTS,
            "每位客户一行：联系方式、楼盘房号、交房日期、设计师、客服专员、分配日期、"
            "是否长期跟踪、客户状态。换设计师时改“设计师”并把“分配日期”改为交接当天。",
        ),
        (
            layout.FOLLOW_UPS,
            f"每次跟踪一行。用插件“记录跟踪”录入时，{entered_at}由插件写入，来源为"
            "“插件”；直接在表中填写的，来源选“手工”。请如实填写。",
        ),
        (
            layout.STAFF,
            "所有设计师、部门经理、客服专员、客服主管和市场部人员。“上级”填直接上级"
            "的姓名：设计师填部门经理，客服专员填客服主管，连带乐捐按此计算。",
        ),
        (
            layout.RULES,
            "跟踪间隔、乐捐金额等参数。只改“值”一列，不要改“参数”名称。",
        ),
        (
            layout.FINDINGS,
            "客服部的监管记录。“是否查实”为“是”的才计乐捐，计入查实日期所在的月份；"
            "没填客服专员的，计给该客户的客服专员。",
        ),
    ]
    columns = [
        (
            "插件写入的列",
            f"{layout.CLIENTS}表的 {computed} 由插件“刷新状态”计算写入，请勿手工填写，"
            f"刷新时会被覆盖。上次刷新的时间写在本页 {layout.REFRESH_NOTE_CELL} 格。",
        ),
        (
            "编号",
            f"{client_id}、{record_id}必须唯一，不可重复；{layout.FOLLOW_UPS}中的"
            f"{client_id}要与{layout.CLIENTS}表一致。",
        ),
        ("日期", "日期请按 2026-11-03 的格式填写。"),
        (
            "类别",
            f"{layout.HANDED_OVER}：已交房；{layout.HANDOVER_SOON}：{lead.default}"
            f"个月内交房；{layout.OFF_PLAN}：离交房还远；{layout.LONG_TERM}：客户暂不"
            "考虑、以市场部跟踪为主。各类的跟踪间隔见规则表。",
        ),
    ]
    colours = [
        (value, f"{COLOUR_NAMES[value]}：{STATE_MEANINGS[value]}")
        for value in layout.STATE_COLOURS
    ]
    return [
        ("各工作表的用途", sheets),
        ("填写须知", columns),
        (f"行的颜色（按“{state}”）", colours),
    ]
