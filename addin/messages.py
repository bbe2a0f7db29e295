"""Every Chinese text the add-in shows: button names, form labels, alerts.

Messages are templates filled with `say(code, **fields)`. Refusals say what went
wrong and what to do next, in the words designers use. Standard library only
(the xlwings Lite bundle carries this module).
"""

from __future__ import annotations

ALERT_TITLE = "客户跟踪"

# Buttons (script names in App Mode) and their form fields.
BUTTON_LOG = "记录跟踪"
BUTTON_REFRESH = "刷新逾期标记"
BUTTON_FILTER = "筛选逾期"
BUTTON_CLEAR = "清除筛选"

FIELD_METHOD = {"label": "跟踪方式", "help": "电话、微信、面谈……"}
FIELD_CONTENT = {
    "label": "跟踪内容",
    "help": "必填：这次沟通了什么、客户怎么说，请如实填写",
}
FIELD_DATE = {"label": "跟踪日期", "help": "留空即为今天；不能晚于今天"}
FIELD_NEXT_PLAN = {"label": "下次计划", "help": "选填，例如：下周三带客户看样板间"}
FIELD_DESIGNER = {"label": "设计师", "help": "选填：只看这位设计师的客户"}

# Shown above each button in App Mode (the script's docstring).
DOC_LOG = (
    "先在“客户”表中点一下要记录的客户所在行，填写下面的内容，再点按钮。"
    "插件会在“跟踪记录”表末尾新增一行（记录时间由插件自动写入），"
    "并更新该客户的上次跟踪、应跟踪截止和颜色。"
)
DOC_REFRESH = (
    "按今天的日期重新计算每位客户的类别、上次跟踪、应跟踪截止、逾期天数和"
    "跟踪状态；逾期的行变红，今日到期的变橙，即将到期的变黄。"
)
DOC_FILTER = (
    "先刷新逾期标记，再把客户表筛选为“逾期”和“今日到期”的客户；"
    "填写设计师则只看这位设计师的客户。"
)
DOC_CLEAR = "取消客户表上的筛选，重新显示全部客户。"

ADDIN_MESSAGES: dict[str, str] = {
    # Where the designer is
    "not-clients-sheet": (
        "请先切换到“{sheet}”工作表，点一下要记录的客户所在行的任意单元格，"
        "再点“{button}”。"
    ),
    "no-selection": (
        "没有选中单元格。请在“{sheet}”表中点一下要记录的客户所在行，再点“{button}”。"
    ),
    "several-areas": (
        "选中了多块区域。请只点一下要记录的客户所在行的一个单元格，再点“{button}”。"
    ),
    "several-rows": (
        "选中了 {count} 行（{cells}）。一次只能记录一位客户：请只点一下该客户"
        "所在行的一个单元格，再点“{button}”。"
    ),
    "outside-table": (
        "选中的 {cell} 不在客户表的数据行里（表头或表格外）。请点一下要记录的"
        "客户所在行的任意单元格，再点“{button}”。"
    ),
    "no-client-id": (
        "第 {row} 行没有可用的客户编号（{cell}）。请先填写客户编号，"
        "或点一下另一位客户所在行。"
    ),
    # What the designer typed
    "empty-content": (
        "跟踪内容不能为空。请写明这次跟踪沟通了什么（例如：电话沟通软装方案，"
        "客户下周到店），再点“{button}”。"
    ),
    "bad-method": "跟踪方式“{value}”不在可选项中，请从下拉列表选择：{choices}。",
    "bad-date": "跟踪日期“{value}”不是有效日期，请按 2026-11-03 的格式填写。",
    "future-date": (
        "跟踪日期 {day} 晚于今天 {today}。只能记录已经发生的跟踪，"
        "请把跟踪日期改为今天或更早。"
    ),
    "before-assignment": (
        "跟踪日期 {day} 早于客户 {client} 的分配日期 {assigned}，分配前的跟踪"
        "不计入当前设计师。请核对跟踪日期；如分配日期填错了，请先改正客户表的"
        "{cell}。"
    ),
    # The client
    "closed-client": (
        "客户 {client} 的客户状态是“{status}”，已不再跟踪，不能记录跟踪。"
        "如客户重新跟进，请先把客户状态（{cell}）改回“跟进中”。"
    ),
    "incomplete-client": (
        "客户 {client} 资料不全：既没有分配日期，也没有上次跟踪，无法判定跟踪"
        "周期。请先补填分配日期（{cell}），再记录跟踪。"
    ),
    "no-designer": (
        "客户 {client} 的设计师为空（{cell}）。请先填写设计师，再记录跟踪。"
    ),
    # The workbook
    "missing-sheet": "找不到工作表“{sheet}”。请按模板恢复该工作表后再试。",
    "missing-table": (
        "“{sheet}”工作表上没有 Excel 表格。请按模板恢复；或选中整个列表按 "
        "Ctrl+T 转为表格（勾选“表包含标题”）后再试。"
    ),
    "missing-columns": (
        "“{sheet}”表格缺少列：{headers}。请在表头行补上这些列"
        "（可从模板复制表头）后再试。"
    ),
    "bad-rules": "规则表有错误，为免算错，这次没有写入任何内容。请先改正：\n{problems}",
    "unknown-designer": (
        "客户表“设计师”列中没有“{designer}”。请核对姓名（与客户表中写法一致），"
        "或留空查看全部设计师的客户。筛选没有改变。"
    ),
    # Done
    "logged": "已记录：客户 {client}，{day}，{method}。",
    "next-deadline": "下次应在 {deadline} 前跟踪（{category}，{interval}）。",
    "still-due-today": "今天（{deadline}）就是该客户的应跟踪截止日，请今天内跟踪。",
    "still-overdue": (
        "该客户仍逾期 {days} 天（应在 {deadline} 前跟踪），请尽快再跟踪一次。"
    ),
    "backfilled": (
        "提醒：跟踪日期比今天早 {days} 天，月度检查会把这条列为“补录”。请尽量当天记录。"
    ),
    "refreshed": (
        "已刷新 {count} 位客户的跟踪状态（截至 {today}）：逾期 {overdue} 位，"
        "今日到期 {due_today} 位，即将到期 {due_soon} 位，资料不全 {incomplete} 位。"
    ),
    "filtered": (
        "已筛选出 {count} 位逾期或今日到期的客户{who}。点“{clear}”可重新显示全部客户。"
    ),
    "filtered-none": (
        "目前没有逾期或今日到期的客户{who}，表格暂时显示为空。"
        "点“{clear}”可重新显示全部客户。"
    ),
    "filter-who": "（设计师：{designer}）",
    "cleared": "已清除筛选，客户表显示全部客户。",
    "no-refresh-note": "（找不到“{sheet}”工作表，刷新时间没有写入。）",
    "warnings": "提醒：\n{problems}",
}

# How an interval reads in the next-deadline message.
INTERVAL_DAYS = "每 {count} 天至少跟踪一次"
INTERVAL_MONTHS = "每 {count} 个月至少跟踪一次"

# At most this many problems are listed in one alert; the rest are counted.
LISTED_PROBLEMS = 5
MORE_PROBLEMS = "……另有 {count} 条，请运行月度检查查看全部"


def say(code: str, **fields: object) -> str:
    """The message for code, with its fields filled in."""
    return ADDIN_MESSAGES[code].format(**fields)


def problem_lines(problems: list) -> str:
    """Problems as lines of an alert, the first few only."""
    lines = [problem.render() for problem in problems[:LISTED_PROBLEMS]]
    if len(problems) > LISTED_PROBLEMS:
        lines.append(MORE_PROBLEMS.format(count=len(problems) - LISTED_PROBLEMS))
    return "\n".join(lines)
