"""Problems found in a workbook: one record type, and every message in one place.

A problem names its sheet and cell, the value found there and, in Chinese, what
to do about it. The terminal, the JSON output, the fines workbook and the add-in
all render the same records. Standard library only (the Lite bundle carries it).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

SEVERITY_TEXT = {ERROR: "错误", WARNING: "提醒"}

# code -> (severity, message template). Templates may use {header}, {value},
# {extra}; the sheet and cell are put in front when the problem is rendered.
MESSAGES: dict[str, tuple[str, str]] = {
    # Sheets and columns
    "missing-sheet": (ERROR, "找不到工作表“{extra}”，请按模板恢复该工作表"),
    "missing-sheet-default": (
        WARNING,
        "找不到工作表“{extra}”，已按默认处理；建议按模板补上该工作表",
    ),
    "missing-column": (ERROR, "找不到列“{header}”，请在表头行补上这一列"),
    "missing-column-optional": (
        WARNING,
        "找不到列“{header}”，按空白处理；建议在表头行补上这一列",
    ),
    "duplicate-header": (
        ERROR,
        "列名“{header}”出现了两次（另一处在 {extra}），请删除或改名其中一列",
    ),
    "no-header": (ERROR, "前 20 行里找不到表头“{header}”，请把表头放在第 1 行"),
    # Cell values
    "bad-date": (ERROR, "{header}“{value}”不是有效日期，请按 2026-11-03 的格式填写"),
    "impossible-date": (
        ERROR,
        "{header}“{value}”这一天不存在，请核对月份和日期，按 2026-11-03 的格式填写",
    ),
    "date-without-year": (
        ERROR,
        "{header}“{value}”没有年份，请补上年份，按 2026-11-03 的格式填写",
    ),
    "ambiguous-date": (
        ERROR,
        "{header}“{value}”分不清是日/月还是月/日，请按 2026-11-03 的格式填写",
    ),
    "date-out-of-range": (
        ERROR,
        "{header}“{value}”年份不合理，请核对后按 2026-11-03 的格式填写",
    ),
    "error-value": (ERROR, "{header}是错误值“{value}”，请修正公式或直接填写内容"),
    "formula-no-result": (
        ERROR,
        "{header}是公式，但文件里没有计算结果；请在 Excel 中打开、重新计算并保存",
    ),
    "bad-id": (ERROR, "{header}“{value}”不是有效编号，请填写整数或文字编号"),
    "missing-id": (ERROR, "{header}为空，请填写编号"),
    "duplicate-client": (
        ERROR,
        "客户编号“{value}”重复（另一行在 {extra}），请为每位客户使用唯一编号",
    ),
    "bad-yes-no": (ERROR, "{header}“{value}”只能填“是”或“否”"),
    "bad-choice": (ERROR, "{header}“{value}”不在可选项中，请从下拉列表选择：{extra}"),
    "missing-value": (ERROR, "{header}为空，请填写"),
    "not-a-name": (ERROR, "{header}“{value}”不是姓名，请填写人员表中的姓名"),
    "merged-cell": (
        ERROR,
        "{header}在合并单元格 {extra} 中，只有左上角一格有值，本行按空白处理；"
        "请取消合并，并在每一行分别填写",
    ),
    "future-date": (WARNING, "{header}“{value}”晚于检查日 {extra}，这条不计入"),
    "date-after-check-day": (
        WARNING,
        "{header}“{value}”晚于检查日 {extra}，请核对是否填错；暂按所填日期判定",
    ),
    # Clients
    "no-handover-date": (WARNING, "没有可用的交房日期，按期房判定；请补填交房日期"),
    "long-term-without-date": (
        WARNING,
        "长期跟踪为“是”但没有转长期日期，按自分配日期起即为长期跟踪判定；请补填转长期日期",
    ),
    "no-assigned-date": (
        ERROR,
        "没有可用的分配日期，从该客户的第一条跟踪记录起算，可能少算漏跟；请补填分配日期",
    ),
    "incomplete-client": (
        ERROR,
        "既没有分配日期也没有跟踪记录，无法判定（资料不全）；请补填分配日期",
    ),
    "closed-without-date": (
        WARNING,
        "客户状态为“{value}”但没有结束日期，仍按跟进中判定；请补填结束日期",
    ),
    "designer-not-in-staff": (
        ERROR,
        "设计师“{value}”不在人员表中，部门经理连带无法计算；请在人员表中添加此人",
    ),
    "designer-without-superior": (
        ERROR,
        "设计师“{value}”在人员表中没有填写上级，部门经理连带无法计算；请补填上级",
    ),
    "specialist-not-in-staff": (
        ERROR,
        "客服专员“{value}”不在人员表中，客服主管连带无法计算；请在人员表中添加此人",
    ),
    "specialist-without-superior": (
        ERROR,
        "客服专员“{value}”在人员表中没有填写上级，客服主管连带无法计算；请补填上级",
    ),
    # Follow-ups
    "unknown-client": (
        ERROR,
        "客户编号“{value}”在客户表中不存在，这条跟踪不计入；请核对编号",
    ),
    "before-assignment": (
        WARNING,
        "跟踪日期“{value}”早于该客户的分配日期 {extra}，不计入当前设计师的跟踪",
    ),
    "other-designer": (
        WARNING,
        "记录的设计师“{value}”不是该客户的设计师“{extra}”，仍计入，请复核",
    ),
    # Staff
    "duplicate-person": (
        ERROR,
        "姓名“{value}”重复（另一行在 {extra}），请区分同名人员",
    ),
    "unknown-superior": (WARNING, "上级“{value}”不在人员表中，请核对姓名"),
    # Findings
    "finding-without-date": (
        ERROR,
        "已查实的监管记录没有查实日期，无法计入月份；请补填查实日期",
    ),
    "finding-without-specialist": (
        ERROR,
        "监管记录既没有客服专员，对应客户也没有客服专员，无法计算乐捐；请补填客服专员",
    ),
    # Rules
    "missing-rule": (WARNING, "规则表缺少参数“{header}”，已按默认值 {value} 计算"),
    "bad-rule": (ERROR, "参数“{header}”的值“{value}”不可用：{extra}"),
    "unknown-rule": (WARNING, "参数“{value}”不认识，已忽略；请核对参数名称"),
    "duplicate-rule": (
        ERROR,
        "参数“{value}”出现了两次（另一处在 {extra}），请只保留一行",
    ),
    "role-mismatch": (
        WARNING,
        "“{value}”在人员表中的角色是“{extra}”，这里却按{header}计算；"
        "请核对人员表的角色或这里的姓名",
    ),
    "finding-unknown-client": (
        WARNING,
        "客户编号“{value}”在客户表中不存在；这条监管记录仍计入，请核对编号",
    ),
    "reassigned-after-month": (
        WARNING,
        "分配日期 {value} 在 {extra} 之后，而之前已有别人的跟踪记录：若这是转交来的客户，"
        "转交前在 {extra} 的漏跟按当前工作簿已无法计算；请用转交前保存的工作簿计算该月",
    ),
}


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    sheet: str
    cell: str
    value: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def render(self) -> str:
        place = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"[{SEVERITY_TEXT[self.severity]}] {place}: {self.message}"

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "value": self.value,
            "message": self.message,
        }


def problem(code, sheet, cell, value="", header="", extra="") -> Problem:
    """Build a problem from the catalogue, with its Chinese message filled in."""
    severity, template = MESSAGES[code]
    shown = "" if value is None else str(value)
    message = template.format(header=header, value=shown, extra=extra)
    return Problem(code, severity, sheet, cell, shown, message)


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 1-based column index (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """A1 name of a 1-based row and column."""
    return f"{column_letter(column)}{row}"
