"""Reading real files: cells calamine reads as blank, and sheets that start late."""

import datetime as dt

from openpyxl import Workbook, load_workbook

from tests.workbooks import client_row, follow_up_row, make_book
from workbook.reader import read_workbook


def found(book) -> set:
    return {(p.code, f"{p.sheet}!{p.cell}", p.value) for p in book.problems}


def test_a_formula_without_its_result_is_not_taken_for_a_blank(tmp_path):
    path = make_book(
        tmp_path / "f.xlsx",
        [client_row(1001, handover_date="=DATE(2026,1,1)")],
        [follow_up_row(1001, "=TODAY()")],
    )
    book = read_workbook(path)

    assert ("formula-no-result", "客户!F2", "") in found(book)
    assert ("formula-no-result", "跟踪记录!C2", "") in found(book)
    codes = {p.code for p in book.problems}
    assert "no-handover-date" not in codes and "missing-value" not in codes


def test_error_values_are_reported_with_their_text(tmp_path):
    path = make_book(
        tmp_path / "e.xlsx",
        [client_row(1001, assigned_date="#N/A")],
        [follow_up_row("#REF!", dt.date(2026, 11, 2))],
    )
    book = read_workbook(path)

    assert ("error-value", "客户!I2", "#N/A") in found(book)
    assert ("error-value", "跟踪记录!D2", "#REF!") in found(book)


def test_cells_keep_their_names_when_the_sheet_starts_below_and_right(tmp_path):
    path = make_book(tmp_path / "b.xlsx", [client_row(1001)])
    book = load_workbook(path)
    sheet = book["客户"]
    sheet.insert_rows(1, 2)
    sheet.insert_cols(1, 2)
    sheet["H4"] = "2026-13-01"  # 交房日期 (column F) moved two right, two down
    book.save(path)

    read = read_workbook(path)
    [client] = read.clients
    assert client.row == 4
    assert any(p.cell == "H4" and p.code == "impossible-date" for p in read.problems)


def test_an_empty_workbook_sheet_reads_as_no_rows(tmp_path):
    book = Workbook()
    book.active.title = "客户"
    book.create_sheet("跟踪记录")
    book.create_sheet("人员")
    book.save(tmp_path / "empty.xlsx")

    read = read_workbook(tmp_path / "empty.xlsx")
    assert read.clients == [] and read.follow_ups == []
    assert ("no-header", "客户!A1", "") in found(read)
