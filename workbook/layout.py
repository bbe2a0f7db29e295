"""The shared workbook's layout: sheets, columns, allowed values and rule parameters.

This module is the single description of the workbook that the template, the
reader, the checker and the add-in all follow. It uses only the standard library
because the add-in bundle for xlwings Lite carries it along.
"""

from __future__ import annotations

from dataclasses import dataclass

# Sheet names, exactly as people see them in Excel.
CLIENTS = "客户"
FOLLOW_UPS = "跟踪记录"
STAFF = "人员"
RULES = "规则"
FINDINGS = "监管记录"
GUIDE = "使用说明"

# Values people choose from drop-downs.
YES = "是"
NO = "否"
STATUS_ACTIVE = "跟进中"
STATUS_SIGNED = "已签约"
STATUS_LOST = "已流失"
CLIENT_STATUSES = (STATUS_ACTIVE, STATUS_SIGNED, STATUS_LOST)
METHODS = ("电话", "微信", "面谈", "上门", "到店", "与市场部沟通", "其他")
SOURCE_ADDIN = "插件"
SOURCE_MANUAL = "手工"
SOURCES = (SOURCE_ADDIN, SOURCE_MANUAL)
ROLE_DESIGNER = "设计师"
ROLE_MANAGER = "部门经理"
ROLE_SPECIALIST = "客服专员"
ROLE_SUPERVISOR = "客服主管"
ROLE_MARKETING = "市场部"
ROLES = (ROLE_DESIGNER, ROLE_MANAGER, ROLE_SPECIALIST, ROLE_SUPERVISOR, ROLE_MARKETING)
FINDING_KINDS = ("徇私舞弊", "纵容包庇")

# Categories and highlight states, as written into the 客户 sheet.
HANDED_OVER = "现房"
HANDOVER_SOON = "准现房"
OFF_PLAN = "期房"
LONG_TERM = "长期跟踪"
CATEGORIES = (HANDED_OVER, HANDOVER_SOON, OFF_PLAN, LONG_TERM)

OVERDUE = "逾期"
DUE_TODAY = "今日到期"
DUE_SOON = "即将到期"
ON_TRACK = "正常"
CLOSED = "已结束"
INCOMPLETE = "资料不全"
STATES = (OVERDUE, DUE_TODAY, DUE_SOON, ON_TRACK, CLOSED, INCOMPLETE)


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the field it fills and how it is typed.

    kind is one of: id, text, date, datetime, yes_no, choice, number, computed.
    """

    header: str
    key: str
    kind: str = "text"
    width: int = 12
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    table: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


CLIENT_SHEET = Sheet(
    CLIENTS,
    "Clients",
    (
        Column("客户编号", "client_id", "id", 10, required=True),
        Column("客户姓名", "name", "text", 10),
        Column("联系电话", "phone", "text", 14),
        Column("楼盘", "estate", "text", 14),
        Column("房号", "room", "text", 10),
        Column("交房日期", "handover_date", "date", 12),
        Column("设计师", "designer", "text", 10, required=True),
        Column("客服专员", "specialist", "text", 10),
        Column("分配日期", "assigned_date", "date", 12),
        Column("长期跟踪", "long_term", "yes_no", 9, (YES, NO)),
        Column("转长期日期", "long_term_since", "date", 12),
        Column("客户状态", "status", "choice", 10, CLIENT_STATUSES),
        Column("结束日期", "closed_date", "date", 12),
        Column("备注", "note", "text", 24),
        # Written by the add-in, ignored as input except 上次跟踪, which the
        # audit compares with the log.
        Column("类别", "category", "computed", 9),
        Column("上次跟踪", "last_follow_up", "computed", 12),
        Column("应跟踪截止", "deadline", "computed", 12),
        Column("逾期天数", "days_overdue", "computed", 9),
        Column("跟踪状态", "state", "computed", 10),
    ),
)

FOLLOW_UP_SHEET = Sheet(
    FOLLOW_UPS,
    "FollowUps",
    (
        Column("记录编号", "record_id", "id", 10),
        Column("记录时间", "entered_at", "datetime", 17),
        Column("跟踪日期", "date", "date", 12, required=True),
        Column("客户编号", "client_id", "id", 10, required=True),
        Column("客户姓名", "client_name", "text", 10),
        Column("设计师", "designer", "text", 10),
        Column("跟踪方式", "method", "choice", 13, METHODS),
        Column("跟踪内容", "content", "text", 36),
        Column("下次计划", "next_plan", "text", 24),
        Column("来源", "source", "choice", 8, SOURCES),
    ),
)

STAFF_SHEET = Sheet(
    STAFF,
    "Staff",
    (
        Column("姓名", "name", "text", 10, required=True),
        Column("角色", "role", "choice", 10, ROLES),
        Column("部门", "department", "text", 12),
        Column("上级", "superior", "text", 10),
        Column("在职", "active", "yes_no", 8, (YES, NO)),
    ),
)

RULES_SHEET = Sheet(
    RULES,
    "Rules",
    (
        Column("参数", "name", "text", 22, required=True),
        Column("值", "value", "text", 12),
        Column("说明", "note", "text", 60),
    ),
)

FINDING_SHEET = Sheet(
    FINDINGS,
    "Findings",
    (
        Column("查实日期", "verified_date", "date", 12),
        Column("客户编号", "client_id", "id", 10),
        Column("客服专员", "specialist", "text", 10),
        Column("问题类型", "kind", "choice", 10, FINDING_KINDS),
        Column("情况说明", "description", "text", 36),
        Column("查实人", "verifier", "text", 10),
        Column("是否查实", "verified", "yes_no", 9, (YES, NO)),
    ),
)

DATA_SHEETS = (CLIENT_SHEET, FOLLOW_UP_SHEET, STAFF_SHEET, RULES_SHEET, FINDING_SHEET)
STATUS_KEYS = ("category", "last_follow_up", "deadline", "days_overdue", "state")


@dataclass(frozen=True)
class RuleParameter:
    """One row of the 规则 sheet. kind: days, months, yuan, yes_no, date, count, minutes."""

    name: str
    key: str
    kind: str
    default: object
    note: str


RULE_PARAMETERS = (
    RuleParameter(
        "现房跟踪间隔(天)",
        "interval_handed_over",
        "days",
        3,
        "已交房的客户，至少每隔几天跟踪一次",
    ),
    RuleParameter(
        "准现房跟踪间隔(天)",
        "interval_handover_soon",
        "days",
        7,
        "交房前几个月内的客户，至少每隔几天跟踪一次",
    ),
    RuleParameter(
        "期房跟踪间隔(天)",
        "interval_off_plan",
        "days",
        15,
        "离交房还远的客户，至少每隔几天跟踪一次",
    ),
    RuleParameter(
        "长期跟踪间隔(月)",
        "interval_long_term_months",
        "months",
        1,
        "长期跟踪客户，至少每隔几个月跟踪一次（可与市场部沟通后记录）",
    ),
    RuleParameter(
        "准现房提前(月)",
        "handover_soon_months",
        "months",
        3,
        "交房日期前几个月起算作准现房",
    ),
    RuleParameter(
        "设计师乐捐(元)",
        "fine_designer",
        "yuan",
        30,
        "设计师每漏跟一次、每户的乐捐金额",
    ),
    RuleParameter(
        "部门经理连带(元)",
        "fine_manager",
        "yuan",
        10,
        "设计师漏跟时，其上级部门经理连带的金额",
    ),
    RuleParameter(
        "客服专员乐捐(元)",
        "fine_specialist",
        "yuan",
        50,
        "客服专员经查实徇私舞弊、纵容包庇时，每次每户的金额",
    ),
    RuleParameter(
        "客服主管连带(元)",
        "fine_supervisor",
        "yuan",
        20,
        "客服专员被查实时，其上级客服主管连带的金额",
    ),
    RuleParameter(
        "长期跟踪计入乐捐",
        "fine_long_term",
        "yes_no",
        False,
        "填“是”则长期跟踪客户漏跟也计乐捐；默认“否”，由市场部为主跟踪",
    ),
    RuleParameter(
        "即将到期提醒(天)",
        "warning_days",
        "days0",
        1,
        "离截止还有几天以内标为“即将到期”（黄色）",
    ),
    RuleParameter(
        "生效日期", "effective_date", "date", None, "本办法从哪天起算；留空表示不限"
    ),
    RuleParameter(
        "补录判定(天)",
        "backfill_days",
        "days0",
        2,
        "记录时间比跟踪日期晚超过几天，列为“补录”疑点",
    ),
    RuleParameter(
        "集中补录条数",
        "bulk_entries",
        "count",
        5,
        "同一设计师在短时间内录入这么多条，列为“集中补录”疑点",
    ),
    RuleParameter(
        "集中补录分钟",
        "bulk_minutes",
        "minutes",
        10,
        "“集中补录”所指的时间长度（分钟）",
    ),
    RuleParameter(
        "内容雷同客户数",
        "same_content_clients",
        "count",
        3,
        "同一设计师当月对这么多个不同客户写了相同内容，列为“内容雷同”疑点",
    ),
)


def rule_parameter(key: str) -> RuleParameter:
    for parameter in RULE_PARAMETERS:
        if parameter.key == key:
            return parameter
    raise KeyError(key)


# Cell formats the template gives date and datetime columns; the add-in uses the
# same ones when it writes dates.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# The template's drop-downs and row colours reach down to this row of each sheet,
# so the tables can grow by typing below them.
PREPARED_LAST_ROW = 5000
# Drop-downs of staff names list this many rows of the 人员 sheet's 姓名 column.
STAFF_LIST_LAST_ROW = 200

# Row colours of the 客户 sheet, keyed on 跟踪状态 (RGB hex, no alpha).
STATE_COLOURS = {
    OVERDUE: "FF9B9B",
    DUE_TODAY: "FFC076",
    DUE_SOON: "FFF09A",
    CLOSED: "D9D9D9",
}

# Where the add-in writes when it last refreshed the status columns: a labelled
# cell on the guide sheet, away from the tables, which grow.
REFRESH_NOTE_SHEET = GUIDE
REFRESH_NOTE_LABEL_CELL = "A2"
REFRESH_NOTE_CELL = "B2"

# States a manager acts on today: what 筛选逾期 and `status --overdue` show.
NEEDS_ACTION = (OVERDUE, DUE_TODAY)
