"""The blank workbook as a user opens it: tables, drop-downs, colours and help."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from workbook import layout
from workbook.template import (
    build_template,
    column_letter,
    fill_sheet,
    template_workbook,
    text_width,
)

SHEET_IDS = [sheet.name for sheet in layout.DATA_SHEETS]
CHOICE_COLUMNS = [
    (sheet, column)
    for sheet in layout.DATA_SHEETS
    for column in sheet.columns
    if column.choices
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = build_template(tmp_path_factory.mktemp("template") / "客户跟踪.xlsx")
    return load_workbook(path)


def validations_at(ws, coordinate):
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def state_rules(ws):
    """(range, formula, fill colour) of every conditional format on the sheet."""
    return [
        (str(entry.sqref), rule.formula[0], rule.dxf.fill.bgColor.rgb)
        for entry in ws.conditional_formatting
        for rule in entry.rules
    ]


def guide_text(wb):
    cells = wb[layout.GUIDE].iter_rows(values_only=True)
    return "\n".join(str(value) for row in cells for value in row if value)


@pytest.mark.parametrize("sheet", layout.DATA_SHEETS, ids=SHEET_IDS)
def test_each_list_is_one_table_with_the_layout_headers(template, sheet):
    ws = template[sheet.name]
    header = next(ws.iter_rows(max_row=1, values_only=True))

    assert header == sheet.headers
    assert list(ws.tables) == [sheet.table]
    table = ws.tables[sheet.table]
    assert [column.name for column in table.tableColumns] == list(sheet.headers)
    assert table.tableStyleInfo.name


def test_empty_tables_cover_the_header_and_one_row(template):
    last = get_column_letter(len(layout.CLIENT_SHEET.columns))

    assert template[layout.CLIENTS].tables["Clients"].ref == f"A1:{last}2"
    rules_rows = len(layout.RULE_PARAMETERS) + 1
    assert template[layout.RULES].tables["Rules"].ref == f"A1:C{rules_rows}"


@pytest.mark.parametrize("sheet", layout.DATA_SHEETS, ids=SHEET_IDS)
def test_header_row_stays_in_view(template, sheet):
    assert template[sheet.name].freeze_panes == "A2"


@pytest.mark.parametrize("sheet", layout.DATA_SHEETS, ids=SHEET_IDS)
def test_columns_fit_their_chinese_headers(template, sheet):
    ws = template[sheet.name]

    for index, column in enumerate(sheet.columns, 1):
        width = ws.column_dimensions[get_column_letter(index)].width
        assert width >= column.width, column.header
        # Room for the header and the table's filter button.
        assert width >= text_width(column.header) + 2, column.header


def test_date_columns_show_dates_and_entry_times(template):
    for sheet in layout.DATA_SHEETS:
        ws = template[sheet.name]
        for column in sheet.columns:
            shown = ws.column_dimensions[column_letter(sheet, column.key)].number_format
            expected = {
                "date": layout.DATE_FORMAT,
                "datetime": layout.DATETIME_FORMAT,
            }.get(column.kind, "General")
            assert shown == expected, f"{sheet.name}.{column.header}"


def test_rules_sheet_lists_every_parameter_with_its_default(template):
    rows = list(template[layout.RULES].iter_rows(min_row=2, values_only=True))

    assert [row[0] for row in rows] == [p.name for p in layout.RULE_PARAMETERS]
    shown = {row[0]: row[1] for row in rows}
    assert shown["现房跟踪间隔(天)"] == 3
    assert shown["长期跟踪间隔(月)"] == 1
    assert shown["设计师乐捐(元)"] == 30
    assert shown["长期跟踪计入乐捐"] == layout.NO
    assert shown["生效日期"] is None
    assert all(row[2] for row in rows), "every parameter has a 说明"


@pytest.mark.parametrize(
    ("sheet", "column"),
    CHOICE_COLUMNS,
    ids=[f"{sheet.name}.{column.header}" for sheet, column in CHOICE_COLUMNS],
)
def test_fixed_choices_are_drop_downs(template, sheet, column):
    ws = template[sheet.name]
    letter = column_letter(sheet, column.key)

    for coordinate in (f"{letter}2", f"{letter}{layout.PREPARED_LAST_ROW}"):
        (validation,) = validations_at(ws, coordinate)
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(column.choices) + '"'
        assert validation.errorStyle == "stop"
    assert validations_at(ws, f"{letter}1") == [], "the header is not validated"


@pytest.mark.parametrize(
    ("sheet", "key"),
    [
        (layout.CLIENT_SHEET, "designer"),
        (layout.CLIENT_SHEET, "specialist"),
        (layout.FOLLOW_UP_SHEET, "designer"),
        (layout.STAFF_SHEET, "superior"),
        (layout.FINDING_SHEET, "specialist"),
    ],
    ids=[
        "客户.设计师",
        "客户.客服专员",
        "跟踪记录.设计师",
        "人员.上级",
        "监管记录.客服专员",
    ],
)
def test_staff_names_drop_down_from_the_staff_sheet(template, sheet, key):
    ws = template[sheet.name]
    (validation,) = validations_at(ws, f"{column_letter(sheet, key)}2")

    assert validation.type == "list"
    assert validation.formula1 == f"'人员'!$A$2:$A${layout.STAFF_LIST_LAST_ROW}"
    assert column_letter(layout.STAFF_SHEET, "name") == "A"


def test_client_ids_warn_when_repeated(template):
    ws = template[layout.CLIENTS]
    (validation,) = validations_at(ws, "A2")

    assert validation.type == "custom"
    assert "COUNTIF" in validation.formula1


def test_whole_client_rows_are_coloured_by_their_state(template):
    state = column_letter(layout.CLIENT_SHEET, "state")
    last = get_column_letter(len(layout.CLIENT_SHEET.columns))
    rows = f"A2:{last}{layout.PREPARED_LAST_ROW}"

    expected = [
        (rows, f'${state}2="{value}"', "FF" + colour)
        for value, colour in layout.STATE_COLOURS.items()
    ]
    assert state_rules(template[layout.CLIENTS]) == expected
    assert set(layout.STATE_COLOURS) == {"逾期", "今日到期", "即将到期", "已结束"}
    assert len(set(layout.STATE_COLOURS.values())) == 4, "four distinct colours"


def test_guide_explains_sheets_computed_columns_colours_and_ids(template):
    text = guide_text(template)

    for sheet in layout.DATA_SHEETS:
        assert sheet.name in text
    for key in layout.STATUS_KEYS:
        assert layout.CLIENT_SHEET.column(key).header in text
    for colour in ("红色", "橙色", "黄色", "灰色"):
        assert colour in text
    assert "唯一" in text


def test_guide_legend_cells_wear_the_row_colours(template):
    ws = template[layout.GUIDE]
    legend = {row[0].value: row[0] for row in ws.iter_rows() if row[0].value}

    for value, colour in layout.STATE_COLOURS.items():
        assert legend[value].fill.fgColor.rgb == "FF" + colour


def test_refresh_time_has_a_labelled_empty_cell_on_the_guide(template):
    ws = template[layout.REFRESH_NOTE_SHEET]

    assert ws[layout.REFRESH_NOTE_LABEL_CELL].value == "上次刷新"
    assert ws[layout.REFRESH_NOTE_CELL].value is None
    assert ws[layout.REFRESH_NOTE_CELL].number_format == layout.DATETIME_FORMAT
    assert not ws.tables, "the note is away from every table"


def test_text_that_starts_with_equals_is_kept_as_text(tmp_path):
    wb = template_workbook()
    fill_sheet(
        wb,
        layout.CLIENT_SHEET,
        [{"client_id": 1001, "name": "=王先生", "note": "=1+1 要问清楚"}],
    )
    path = tmp_path / "公式.xlsx"
    wb.save(path)

    ws = load_workbook(path)[layout.CLIENTS]
    note = column_letter(layout.CLIENT_SHEET, "note")
    assert ws["B2"].value == "=王先生"
    assert ws[f"{note}2"].value == "=1+1 要问清楚"
    assert ws["B2"].data_type == "s"
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_filled_rows_grow_the_table_and_dates_keep_their_format(tmp_path):
    wb = template_workbook()
    rows = [
        {"record_id": n, "date": date(2026, 11, n), "client_id": 1001}
        for n in (1, 2, 3)
    ]
    rows[0]["entered_at"] = datetime(2026, 11, 1, 9, 30)
    fill_sheet(wb, layout.FOLLOW_UP_SHEET, rows)
    path = tmp_path / "跟踪.xlsx"
    wb.save(path)

    ws = load_workbook(path)[layout.FOLLOW_UPS]
    assert ws.tables["FollowUps"].ref == "A1:J4"
    assert ws["C2"].number_format == layout.DATE_FORMAT
    assert ws["B2"].number_format == layout.DATETIME_FORMAT
    assert ws["C4"].value == datetime(2026, 11, 3)


def test_template_builds_to_the_same_bytes_twice(tmp_path):
    first = build_template(tmp_path / "一.xlsx").read_bytes()
    second = build_template(tmp_path / "二.xlsx").read_bytes()

    assert first == second
