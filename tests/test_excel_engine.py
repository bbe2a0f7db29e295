"""Tests of the openpyxl-backed xlwings test engine itself (made-up data)."""

from __future__ import annotations

import datetime as dt
import decimal

import openpyxl
import pytest
import xlwings as xw
from openpyxl.worksheet.table import Table

from tests import excel_engine as ee


def _clients_workbook() -> openpyxl.Workbook:
    """客户 with table Clients (A1:E4) and 跟踪记录 with table FollowUps (A1:D3)."""
    wb = openpyxl.Workbook()
    clients = wb.active
    clients.title = "客户"
    clients.append(["客户编号", "客户姓名", "交房日期", "长期跟踪", "跟踪状态"])
    clients.append([1001, "赵一", dt.date(2026, 3, 1), True, "逾期"])
    clients.append([1002, "钱二", dt.date(2026, 5, 20), False, "正常"])
    clients.append([1003, None, None, None, "逾期"])
    for row in range(2, 5):
        clients.cell(row, 3).number_format = "yyyy-mm-dd"
    clients.add_table(Table(displayName="Clients", ref="A1:E4"))

    follow_ups = wb.create_sheet("跟踪记录")
    follow_ups.append(["记录编号", "跟踪日期", "客户编号", "跟踪内容"])
    follow_ups.append([1, dt.date(2026, 1, 5), 1001, "电话沟通"])
    follow_ups.append([2, dt.date(2026, 1, 6), 1002, "微信回访"])
    follow_ups.add_table(Table(displayName="FollowUps", ref="A1:D3"))
    return wb


@pytest.fixture
def book() -> xw.Book:
    return ee.open_book(_clients_workbook())


@pytest.fixture
def desktop_book() -> xw.Book:
    return ee.open_book(_clients_workbook(), lite=False)


# --- The book is a real xlwings Book ---------------------------------------------


def test_open_book_gives_an_xlwings_book_on_the_engine(book):
    assert isinstance(book, xw.Book)
    assert type(book.impl).__module__ == ee.__name__
    assert book.sheet_names == ["客户", "跟踪记录"]
    assert [sheet.name for sheet in book.sheets] == ["客户", "跟踪记录"]
    assert book.sheets[1].name == "跟踪记录"
    assert book.sheets["跟踪记录"].index == 2


def test_open_book_from_a_file(tmp_path):
    path = tmp_path / "clients.xlsx"
    _clients_workbook().save(path)

    book = ee.open_book(path)

    assert book.name == "clients.xlsx"
    assert book.sheets["客户"]["B2"].value == "赵一"


def test_missing_sheet_raises_like_xlwings_lite(book):
    with pytest.raises(ValueError, match="doesn't exist"):
        book.sheets["规则"]


# --- Reading values as Excel returns them --------------------------------------


def test_values_read_as_excel_returns_them(book):
    row = book.sheets["客户"]["A2:E2"].value

    assert row == [1001.0, "赵一", dt.datetime(2026, 3, 1), True, "逾期"]
    assert type(row[0]) is float
    assert book.sheets["客户"]["B4:D4"].value == [None, None, None]


def test_value_shapes_follow_xlwings_conversion(book):
    sheet = book.sheets["客户"]

    assert sheet["A2"].value == 1001.0
    assert sheet["A2:A4"].value == [1001.0, 1002.0, 1003.0]
    assert sheet["A1:B2"].value == [["客户编号", "客户姓名"], [1001.0, "赵一"]]
    assert sheet["A2"].options(ndim=2).value == [[1001.0]]
    assert sheet["A2:B2"].options(ndim=2).value == [[1001.0, "赵一"]]


def test_read_options_go_through_the_engine_cleaning(book):
    sheet = book.sheets["客户"]

    assert sheet["C2"].options(dates=dt.date).value == dt.date(2026, 3, 1)
    assert sheet["A2"].options(numbers=int).value == 1001
    assert sheet["B4"].options(empty="").value == ""


def test_serial_number_in_date_formatted_cell_reads_as_datetime(book):
    ws = book.impl.workbook["客户"]
    ws["G1"] = 46000
    ws["G1"].number_format = "yyyy/m/d"
    ws["G2"] = 0.5
    ws["G2"].number_format = "h:mm"

    assert book.sheets["客户"]["G1:G2"].value == [
        dt.datetime(2025, 12, 9),
        dt.datetime(1899, 12, 30, 12, 0),
    ]


def test_formula_cells_are_not_evaluated(book):
    book.impl.workbook["客户"]["G1"] = "=A2*2"

    with pytest.raises(NotImplementedError, match="客户!G1 holds a formula"):
        _ = book.sheets["客户"]["G1"].value


def test_error_cells_read_as_none_or_their_text(book):
    ws = book.impl.workbook["客户"]
    ws["G1"] = "#N/A"  # openpyxl stores this as an error value
    ws["G2"] = "#N/A"
    ws["G2"].data_type = "s"  # text that merely looks like an error

    assert book.sheets["客户"]["G1:G2"].value == [None, "#N/A"]
    assert book.sheets["客户"]["G1"].options(err_to_str=True).value == "#N/A"


def test_reading_creates_no_cells(book):
    ws = book.impl.workbook["客户"]

    values = book.sheets["客户"]["A1:Z100"].value

    assert values[99][25] is None
    assert (ws.max_row, ws.max_column) == (4, 5)
    assert book.sheets["客户"].used_range.address == "$A$1:$E$4"


# --- Writing values and counting ---------------------------------------------------


def test_block_write_is_one_counted_write(book):
    sheet = book.sheets["客户"]

    sheet["G2"].value = [[1, "甲"], [2, "乙"], [3, "丙"]]

    assert ee.stats(book).writes == 1
    assert ee.stats(book).write_addresses == ["客户!G2:H4"]
    assert ee.cell_values(book, "客户", "G2:H4") == [
        [1.0, "甲"],
        [2.0, "乙"],
        [3.0, "丙"],
    ]


def test_scalar_write_fills_the_range_in_one_write(book):
    book.sheets["客户"]["G1:H2"].value = "是"

    assert ee.cell_values(book, "客户", "G1:H2") == [["是", "是"], ["是", "是"]]
    assert ee.stats(book).writes == 1


def test_ten_thousand_rows_are_one_write_and_one_read():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户编号", "跟踪状态"])
    for client_id in range(10_000):
        ws.append([client_id, None])
    ws.add_table(Table(displayName="Clients", ref="A1:B10001"))
    book = ee.open_book(wb)
    table = book.sheets[0].tables["Clients"]

    ids = table.data_body_range[:, 0].value
    book.sheets[0]["B2"].value = [["正常"] for _ in ids]

    assert ee.stats(book).reads == 1
    assert ee.stats(book).writes == 1
    assert ee.stats(book).write_addresses == ["Sheet!B2:B10001"]


def test_writing_dates_stores_real_dates(book):
    sheet = book.sheets["客户"]

    sheet["G1"].value = dt.date(2026, 11, 3)
    sheet["G2"].value = dt.datetime(2026, 11, 3, 14, 30)

    ws = book.impl.workbook["客户"]
    assert ws["G1"].value == dt.date(2026, 11, 3)
    assert ws["G1"].is_date and ws["G2"].is_date
    assert ee.cell_values(book, "客户", "G1:G2") == [
        [dt.datetime(2026, 11, 3)],
        [dt.datetime(2026, 11, 3, 14, 30)],
    ]


def test_writing_a_date_keeps_the_cells_date_format(book):
    book.sheets["客户"]["C4"].value = dt.date(2026, 8, 8)

    assert book.impl.workbook["客户"]["C4"].number_format == "yyyy-mm-dd"


def test_number_format_is_stored(desktop_book):
    cell = desktop_book.sheets["客户"]["G1"]
    cell.value = 46000

    cell.number_format = "yyyy/m/d"

    assert cell.number_format == "yyyy/m/d"
    assert cell.value == dt.datetime(2025, 12, 9)
    assert ("number_format", "客户!G1") in ee.stats(desktop_book).actions


def test_save_and_reopen_keeps_values_and_number_formats(tmp_path, desktop_book):
    sheet = desktop_book.sheets["客户"]
    sheet["G1"].value = [[dt.date(2026, 11, 3), 12.5, "'0012"]]
    sheet["H1"].number_format = "0.00"
    path = tmp_path / "out.xlsx"

    ee.save(desktop_book, path)

    ws = openpyxl.load_workbook(path)["客户"]
    assert ws["G1"].value == dt.datetime(2026, 11, 3)
    assert ws["G1"].number_format == "yyyy-mm-dd"
    assert (ws["H1"].value, ws["H1"].number_format) == (12.5, "0.00")
    assert (ws["I1"].value, ws["I1"].data_type) == ("0012", "s")
    assert ws["C2"].number_format == "yyyy-mm-dd"
    assert ws.tables["Clients"].ref == "A1:E4"


@pytest.mark.parametrize(
    "text", ["13800138000", "2026-11-03", "2026年11月3日", "=SUM(A1)", "TRUE", "50%"]
)
def test_text_that_excel_would_convert_is_refused(book, text):
    with pytest.raises(ee.TextCoercionError, match="客户!H1"):
        book.sheets["客户"]["G1"].value = [["张三", text]]

    assert ee.cell_values(book, "客户", "G1:H1") == [[None, None]]
    assert ee.stats(book).writes == 0


def test_text_stays_text_with_apostrophe_or_text_format(book):
    sheet = book.sheets["客户"]
    sheet["H1"].number_format = "@"

    sheet["G1"].value = [["'13800138000", "2026-11-03"]]

    assert ee.cell_values(book, "客户", "G1:H1") == [["13800138000", "2026-11-03"]]
    assert book.impl.workbook["客户"]["G1"].quotePrefix


def test_values_excel_cannot_store_are_refused(book):
    with pytest.raises(TypeError, match="cannot write a Decimal"):
        book.sheets["客户"]["G1"].value = decimal.Decimal("1.5")


# --- Lite mode: a run reads its snapshot --------------------------------------------


def test_lite_reading_what_the_run_wrote_raises(book):
    sheet = book.sheets["客户"]
    sheet["E2"].value = "正常"

    with pytest.raises(ee.StaleReadError, match="客户!E1:E4 after this run wrote"):
        _ = sheet["E1:E4"].value


def test_lite_next_run_reads_the_writes(book):
    sheet = book.sheets["客户"]
    sheet["E2"].value = "正常"

    ee.start_run(book)

    assert sheet["E2"].value == "正常"


def test_desktop_reads_its_own_writes(desktop_book):
    sheet = desktop_book.sheets["客户"]

    sheet["E2"].value = "正常"

    assert sheet["E2"].value == "正常"


def test_lite_number_format_cannot_be_read(book):
    with pytest.raises(ee.LiteUnsupportedError, match="get_number_format"):
        _ = book.sheets["客户"]["C2"].number_format


def test_lite_used_range_is_the_snapshot(book):
    sheet = book.sheets["客户"]
    sheet["G10"].value = 1

    assert sheet.used_range.address == "$A$1:$E$4"
    ee.start_run(book)
    assert sheet.used_range.address == "$A$1:$G$10"


# --- Range geometry ------------------------------------------------------------------


def test_range_geometry(book):
    sheet = book.sheets["客户"]
    rng = sheet["B2:C3"]

    assert (rng.row, rng.column, rng.shape, rng.count) == (2, 2, (2, 2), 4)
    assert (rng.rows.count, rng.columns.count) == (2, 2)
    assert rng.address == "$B$2:$C$3"
    assert rng.get_address(False, False) == "B2:C3"
    assert rng.get_address(include_sheetname=True) == "客户!$B$2:$C$3"
    assert rng.sheet.name == "客户"
    assert rng.resize(1, 3).address == "$B$2:$D$2"
    assert rng.offset(1, 1).address == "$C$3:$D$4"
    assert rng.last_cell.address == "$C$3"
    assert rng.rows[1].address == "$B$3:$C$3"
    assert sheet[1, 0].address == "$A$2"


def test_expand_follows_xlwings_rules(book):
    sheet = book.sheets["客户"]

    assert sheet["A1"].expand().address == "$A$1:$E$4"
    assert sheet["A1"].expand("down").address == "$A$1:$A$4"
    assert sheet["A1"].expand("right").address == "$A$1:$E$1"
    assert sheet["A1"].options(expand="table").value[3][0] == 1003.0


def test_end_within_a_block(book):
    assert book.sheets["客户"]["A1"].end("down").address == "$A$4"
    with pytest.raises(NotImplementedError, match="differs between Excel"):
        book.sheets["客户"]["B3"].end("down")


# --- Tables ----------------------------------------------------------------------


def test_table_ranges(book):
    table = book.sheets["客户"].tables["Clients"]

    assert table.name == "Clients"
    assert table.range.address == "$A$1:$E$4"
    assert table.header_row_range.value[0] == "客户编号"
    assert table.data_body_range.address == "$A$2:$E$4"
    assert len(table.rows) == 3
    assert [column.name for column in table.columns][-1] == "跟踪状态"
    assert "Clients" in book.sheets["客户"].tables


def test_empty_table_has_no_data_body():
    wb = openpyxl.Workbook()
    wb.active.append(["记录编号", "跟踪内容"])
    wb.active.add_table(Table(displayName="Empty", ref="A1:B2", insertRow=True))
    book = ee.open_book(wb)
    table = book.sheets[0].tables["Empty"]

    assert table.data_body_range is None
    assert len(table.rows) == 0


def test_rows_add_appends_and_counts_one_write(book):
    table = book.sheets["跟踪记录"].tables["FollowUps"]

    row = table.rows.add([3, 46031, 1003, "到店面谈"])

    assert row.index == 3
    assert book.impl.workbook["跟踪记录"].tables["FollowUps"].ref == "A1:D4"
    assert ee.cell_values(book, "跟踪记录", "A4:D4") == [
        [3.0, dt.datetime(2026, 1, 9), 1003.0, "到店面谈"]
    ]
    assert ee.stats(book).writes == 1


def test_rows_add_shifts_rows_below_instead_of_overwriting(desktop_book):
    ws = desktop_book.impl.workbook["跟踪记录"]
    ws["A4"] = "别人的记录"
    ws["F4"] = "表格外"
    table = desktop_book.sheets["跟踪记录"].tables["FollowUps"]

    table.rows.add([3, 46031, 1003, "上门"])

    assert table.rows[2].range.value == [3.0, dt.datetime(2026, 1, 9), 1003.0, "上门"]
    assert ee.cell_values(desktop_book, "跟踪记录", "A5:F5") == [
        ["别人的记录", None, None, None, None, None]
    ]
    assert ws["F4"].value == "表格外"


def test_rows_add_refuses_to_fill_a_row_that_is_not_empty():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["记录编号", "跟踪内容"])
    ws.append([None, "有人写了"])  # Excel would call this table empty
    ws.add_table(Table(displayName="Log", ref="A1:B2", insertRow=True))
    book = ee.open_book(wb)

    with pytest.raises(ee.OverwriteError, match="Sheet!A2:B2 is not empty"):
        book.sheets[0].tables["Log"].rows.add([1, "新记录"])

    assert ee.cell_values(book, "Sheet", "A2:B2") == [[None, "有人写了"]]
    assert ee.stats(book).writes == 0


def test_writing_just_below_a_table_is_refused(book):
    with pytest.raises(NotImplementedError, match="directly below table FollowUps"):
        book.sheets["跟踪记录"]["A4:D4"].value = [[3, 46031, 1003, "电话"]]


def test_lite_table_reports_its_snapshot_size_until_next_run(book):
    table = book.sheets["跟踪记录"].tables["FollowUps"]

    table.rows.add([3, 46031, 1003, "电话"])

    assert table.range.address == "$A$1:$D$3"
    assert len(table.rows) == 3
    ee.start_run(book)
    assert table.range.address == "$A$1:$D$4"


def test_resize_changes_the_openpyxl_ref(desktop_book):
    sheet = desktop_book.sheets["跟踪记录"]
    table = sheet.tables["FollowUps"]

    table.resize(sheet["A1:D2"])

    assert desktop_book.impl.workbook["跟踪记录"].tables["FollowUps"].ref == "A1:D2"
    assert table.data_body_range.address == "$A$2:$D$2"
    assert ee.cell_values(desktop_book, "跟踪记录", "D3") == [["微信回访"]]


def test_columns_add_appends_a_column(desktop_book):
    table = desktop_book.sheets["跟踪记录"].tables["FollowUps"]

    table.columns.add("来源")

    assert table.range.address == "$A$1:$E$3"
    assert [column.name for column in table.columns][-1] == "来源"
    assert ee.cell_values(desktop_book, "跟踪记录", "E1") == [["来源"]]


# --- AutoFilter ------------------------------------------------------------------


def test_filter_by_values_hides_the_other_rows(book):
    table = book.sheets["客户"].tables["Clients"]

    table.autofilter.apply_values(5, ["逾期"])

    assert ee.hidden_rows(book, "客户") == [3]
    xml = book.impl.workbook["客户"].tables["Clients"].autoFilter
    assert xml.ref == "A1:E4"
    assert [(fc.colId, fc.filters.filter) for fc in xml.filterColumn] == [(4, ["逾期"])]


def test_filters_on_two_columns_combine(book):
    table = book.sheets["客户"].tables["Clients"]

    table.autofilter.apply_values(5, ["逾期"])
    table.autofilter.apply_comparison(1, "greater_than", 1001)

    assert ee.hidden_rows(book, "客户") == [2, 3]


def test_filter_comparisons_on_dates_and_blanks(book):
    table = book.sheets["客户"].tables["Clients"]

    table.autofilter.apply_comparison(3, "less_than", dt.date(2026, 4, 1))
    assert ee.hidden_rows(book, "客户") == [3, 4]

    table.autofilter.apply_comparison(2, "equal_to", None)
    assert ee.hidden_rows(book, "客户") == [2, 3, 4]


def test_clearing_the_filter_shows_all_rows(book):
    table = book.sheets["客户"].tables["Clients"]
    table.autofilter.apply_values(5, ["逾期"])

    table.autofilter.clear()

    assert ee.hidden_rows(book, "客户") == []
    assert book.impl.workbook["客户"].tables["Clients"].autoFilter.filterColumn == []


def test_hiding_the_filter_buttons_shows_all_rows(book):
    table = book.sheets["客户"].tables["Clients"]
    table.autofilter.apply_values(5, ["逾期"])

    table.show_autofilter = False

    assert table.show_autofilter is False
    assert ee.hidden_rows(book, "客户") == []


def test_filtered_table_saves_and_reopens_filtered(tmp_path, book):
    book.sheets["客户"].tables["Clients"].autofilter.apply_values(5, ["正常"])
    path = tmp_path / "filtered.xlsx"

    ee.save(book, path)

    reopened = ee.open_book(path, lite=False)
    assert ee.hidden_rows(reopened, "客户") == [2, 4]
    criteria = reopened.sheets["客户"].tables["Clients"].autofilter.criteria
    assert (criteria[4].type, criteria[4].values) == ("values", ["正常"])


def test_lite_filter_criteria_cannot_be_read(book):
    with pytest.raises(ee.LiteUnsupportedError, match="get_criteria"):
        _ = book.sheets["客户"].tables["Clients"].autofilter.criteria


# --- Selection and alerts ----------------------------------------------------------


def test_selection_is_what_the_user_selected(book):
    ee.select(book, "跟踪记录", "B3")

    assert book.selection.address == "$B$3"
    assert book.selection.sheet.name == "跟踪记录"
    assert book.sheets.active.name == "跟踪记录"


def test_lite_script_selection_applies_after_the_run(book):
    ee.select(book, "客户", "A2")

    book.sheets["客户"]["A3"].select()

    assert book.selection.address == "$A$2"
    ee.start_run(book)
    assert book.selection.address == "$A$3"


def test_desktop_script_selection_applies_at_once(desktop_book):
    desktop_book.sheets["客户"]["A3:E3"].select()

    assert desktop_book.selection.address == "$A$3:$E$3"


def test_alerts_are_recorded_and_return_none_in_lite(book):
    answer = book.app.alert("已记录跟踪", title="客户跟踪", mode="info")

    assert answer is None
    assert ee.alerts(book) == [ee.Alert("已记录跟踪", "客户跟踪", "ok", "info", None)]


def test_desktop_alerts_return_the_queued_answer(desktop_book):
    ee.answer_alerts(desktop_book, "no")

    assert desktop_book.app.alert("覆盖吗？", buttons="yes_no") == "no"
    with pytest.raises(RuntimeError, match="no answer queued"):
        desktop_book.app.alert("再问一次？", buttons="yes_no")


# --- Strictness --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("use", "message"),
    [
        (lambda book: book.sheets[0]["A1"].color, "Range.color not implemented"),
        (lambda book: book.sheets[0]["A1"].api.Font, "Range.api is engine-specific"),
        (lambda book: book.sheets[0]["A1"].formula, "Range.formula not implemented"),
        (lambda book: book.sheets[0].tables[0].api, "Table.api not implemented"),
        (lambda book: book.sheets[0].tables[0].sort(1), "Table.sort not implemented"),
        (lambda book: book.sheets.add("新表"), "Sheets.add not implemented"),
        (lambda book: "客户" in book.sheets, "use 'name in book.sheet_names'"),
        (lambda book: book.sheets[0]["Clients_Total"], "named ranges"),
    ],
)
def test_unimplemented_features_raise(book, use, message):
    with pytest.raises(NotImplementedError, match=message):
        use(book)


def test_setting_an_unimplemented_property_raises(book):
    with pytest.raises(NotImplementedError, match="setting Range.color"):
        book.sheets[0]["A1"].color = (255, 0, 0)
