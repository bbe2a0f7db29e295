"""The buttons: xlwings Lite scripts, and the same actions for desktop xlwings.

In xlwings Lite every function marked `@xw.script` becomes a button in the task
pane (App Mode), named by `name=`, with a form built from its type hints: a
`Literal[...]` a drop-down, `str` a text box, `datetime.date` a date picker, and
`typing.Annotated` gives each field its Chinese label. Each script is a thin
wrapper over `addin.actions`, which work on any `xw.Book`.

Lite sends a script's sheets to Python in one payload, so each script asks for
as little as it needs:

- 记录跟踪 takes an async book (`xw.BookAsync`: no values up front) and loads the
  values of 客户 and 规则 only; of 跟踪记录 it needs just the table's metadata to
  append a row, so the follow-up log never travels, however long it grows.
- 刷新逾期标记 and 筛选逾期 read all of 客户, so they use a normal book limited
  with `include=` to 客户, 规则 and 使用说明 (where the refresh time goes).
- 清除筛选 needs no cell values at all.

On desktop xlwings, VBA's RunPython calls the `desktop_*` functions, which take
the workbook from `xw.Book.caller()`.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Literal

import xlwings as xw

from addin import actions, messages
from addin.excel import find_sheet
from workbook import layout

# The drop-down of 跟踪方式: layout.METHODS, spelled out so that App Mode can
# show it (a test checks that the two agree).
Method = Literal["电话", "微信", "面谈", "上门", "到店", "与市场部沟通", "其他"]

REFRESH_SHEETS = [layout.CLIENTS, layout.RULES, layout.REFRESH_NOTE_SHEET]


def described(text: str):
    """Give a script its docstring, which App Mode shows above the button.
    Applied below @xw.script, so the script sees the text."""

    def mark(function):
        function.__doc__ = text
        return function

    return mark


async def load_values(book: xw.Book, names, metadata=()) -> None:
    """xlwings Lite: load the cell values of just these sheets into an async
    book, and fresh table metadata of the `metadata` sheets. Desktop xlwings and
    other engines read the workbook live and need nothing loaded."""
    if sys.platform != "emscripten":  # Pyodide, which xlwings Lite runs on
        return
    for name in names:
        sheet = find_sheet(book, name)
        if sheet is not None:
            await sheet.load(values=True)
    for name in metadata:
        sheet = find_sheet(book, name)
        if sheet is not None:
            await sheet.load()


# xlwings Lite


@xw.script(name=messages.BUTTON_LOG)
@described(messages.DOC_LOG)
async def record_follow_up(
    book: xw.BookAsync,
    method: Annotated[Method, messages.FIELD_METHOD] = "电话",
    content: Annotated[str, messages.FIELD_CONTENT] = "",
    day: Annotated[dt.date | None, messages.FIELD_DATE] = None,
    next_plan: Annotated[str, messages.FIELD_NEXT_PLAN] = "",
):
    await load_values(book, [layout.CLIENTS, layout.RULES], [layout.FOLLOW_UPS])
    actions.log_follow_up(book, method, content, day, next_plan)


@xw.script(name=messages.BUTTON_REFRESH, include=REFRESH_SHEETS)
@described(messages.DOC_REFRESH)
def refresh_marks(book: xw.Book):
    actions.refresh_status(book)


@xw.script(name=messages.BUTTON_FILTER, include=REFRESH_SHEETS)
@described(messages.DOC_FILTER)
def show_overdue(
    book: xw.Book,
    designer: Annotated[str, messages.FIELD_DESIGNER] = "",
):
    actions.filter_overdue(book, designer)


@xw.script(name=messages.BUTTON_CLEAR)
@described(messages.DOC_CLEAR)
async def show_all(book: xw.BookAsync):
    await load_values(book, [], [layout.CLIENTS])
    actions.clear_filter(book)


# Desktop xlwings (VBA: RunPython "from addin.scripts import desktop_refresh; ...")


def desktop_record_follow_up(
    method: str, content: str, day: str = "", next_plan: str = ""
) -> None:
    """记录跟踪 from a VBA macro that asked for the fields (跟踪日期 as text)."""
    actions.log_follow_up(xw.Book.caller(), method, content, day or None, next_plan)


def desktop_refresh() -> None:
    actions.refresh_status(xw.Book.caller())


def desktop_filter_overdue(designer: str = "") -> None:
    actions.filter_overdue(xw.Book.caller(), designer)


def desktop_clear_filter() -> None:
    actions.clear_filter(xw.Book.caller())
