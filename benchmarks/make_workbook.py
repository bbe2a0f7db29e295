"""Seeded benchmark workbooks in the shared layout, at three sizes.

    python benchmarks/make_workbook.py SIZE [-o PATH] [--seed N]

S holds 500 clients and 10,000 follow-ups, M 5,000 and 200,000, L 20,000 and
1,048,575: a 跟踪记录 sheet filled down to Excel's last row.

The sheet XML is streamed straight into the zip (inline strings, dates as serial
numbers with a date format), because openpyxl's write-only mode needs over three
minutes for L on a two-core machine. Memory stays bounded: the follow-ups are
produced in log order from one heap entry per client, never held as a list.
"""

from __future__ import annotations

import argparse
import calendar
import heapq
import math
import random
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from workbook.layout import (
    CLIENT_SHEET,
    FINDING_KINDS,
    FINDING_SHEET,
    FOLLOW_UP_SHEET,
    METHODS,
    NO,
    ROLE_DESIGNER,
    ROLE_MANAGER,
    ROLE_MARKETING,
    ROLE_SPECIALIST,
    ROLE_SUPERVISOR,
    RULE_PARAMETERS,
    RULES_SHEET,
    SOURCE_ADDIN,
    SOURCE_MANUAL,
    STAFF_SHEET,
    STATUS_ACTIVE,
    STATUS_LOST,
    STATUS_SIGNED,
    YES,
    Sheet,
    rule_parameter,
)


@dataclass(frozen=True)
class Size:
    clients: int
    follow_ups: int
    findings: int


SIZES = {
    "S": Size(500, 10_000, 5),
    "M": Size(5_000, 200_000, 10),
    "L": Size(20_000, 1_048_575, 20),
}

# The log runs for a year up to this day; clients are assigned within that year.
LAST_DAY = date(2026, 11, 30)
YEAR_DAYS = 365
LAST = LAST_DAY.toordinal()

# Follow-ups are spread by what the default rules ask of each category.
HANDED_OVER_DAYS = rule_parameter("interval_handed_over").default
HANDOVER_SOON_DAYS = rule_parameter("interval_handover_soon").default
OFF_PLAN_DAYS = rule_parameter("interval_off_plan").default
LONG_TERM_DAYS = 30.4 * rule_parameter("interval_long_term_months").default
SOON_MONTHS = rule_parameter("handover_soon_months").default
BACKFILL_DAYS = rule_parameter("backfill_days").default

# How diligent a designer is with one client: (share of clients, share of the
# follow-ups the rules ask for, before the size's overall density is applied).
DILIGENCE = ((0.75, 1.0), (0.17, 0.7), (0.08, 0.3))
# A share of clients get one long silence (in intervals), so that even busy
# logs have misses.
HOLE_SHARE = 0.15
# How far a follow-up may stray from its evenly spaced slot (fraction of a gap);
# below 1 keeps each client's dates in order.
JITTER = 0.6
MANUAL_SHARE = 0.12

# Weights in the order of layout.METHODS: 电话 微信 面谈 上门 到店 与市场部沟通 其他.
METHOD_WEIGHTS = (35, 35, 10, 5, 8, 2, 5)
LONG_TERM_METHOD_WEIGHTS = (20, 25, 3, 1, 2, 45, 4)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍鹏辉建文红梅琳晨浩宇欣怡轩雨婷"
)
DIGITS = "零一二三四五六七八九"
ESTATES = (
    "翠湖苑", "锦绣华庭", "滨江壹号", "阳光花园", "书香门第", "御景湾", "云麓山庄",
    "紫荆城", "金桂园", "星河湾畔", "梧桐里", "湖畔雅居", "东方名都", "清风苑",
    "天悦府", "海棠湾", "悦澜庭", "青枫苑", "和园", "观澜府",
)  # fmt: skip
TOPICS = (
    "介绍公司案例", "沟通装修风格", "确认户型尺寸", "讨论预算范围", "发送效果图",
    "约量房时间", "介绍套餐报价", "了解交房进度", "推荐主材品牌", "邀请参加样板间活动",
    "解答施工工艺疑问", "沟通软装搭配", "确认家庭成员需求", "对比其他公司方案",
    "讲解合同条款",
)  # fmt: skip
OUTCOMES = (
    "客户有意向", "客户考虑中", "客户比较满意", "客户暂不需要", "需与家人商量",
    "客户较忙，改天再聊", "客户要求优惠", "已加微信", "未接通，稍后再联系",
    "客户表示交房后再定",
)  # fmt: skip
PLANS = (
    "再次电话回访", "发送设计方案", "约客户到店", "上门量房", "跟进报价",
    "邀请参加活动", "确认交房时间",
)  # fmt: skip
NOTES = (
    "喜欢现代简约", "预算有限", "老人同住，需适老化", "已看过样板间", "同时在看别家",
    "二胎家庭，需儿童房", "交房后再量房",
)  # fmt: skip
FINDING_TEXTS = (
    "与客户私下约定，未如实填写跟踪记录", "明知设计师未跟踪，回访时仍记为已跟踪",
    "为设计师补录不实的回访内容", "客户反映无人跟进，专员未上报",
)  # fmt: skip
TEXT_DATE_FORMATS = (
    "{y}/{m}/{d}",
    "{y}-{m:02d}-{d:02d}",
    "{y}.{m}.{d}",
    "{y}年{m}月{d}日",
)


@dataclass
class Team:
    """The 人员 sheet's rows and who the generator can pick from."""

    rows: list[list] = field(default_factory=list)
    designers: list[str] = field(default_factory=list)
    specialists: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Client:
    """One client: its 客户 row plus the hidden truth its follow-ups are drawn from."""

    number: int
    id_value: int | str
    name: str
    designer: int
    specialist: str
    long_term_since: int | None
    row: list
    # Follow-up plan: (first day, weight before it, follow-ups per day) pieces.
    pieces: list[tuple[int, float, float]]
    weight: float
    diligence: float
    planned: int = 0
    done: int = 0
    hole_at: float = 0.0
    hole: float = 0.0


def make_workbook(size: str, path: Path, seed: int = 1) -> Path:
    """Write the benchmark workbook of the given size (S, M or L) to path."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    plan = SIZES[size]
    rng = random.Random(seed)

    team = _make_team(plan, rng)
    clients = [_make_client(1001 + i, team, rng) for i in range(plan.clients)]
    _plan_follow_ups(clients, plan.follow_ups, rng)
    findings = _make_findings(plan.findings, clients, team, rng)

    sheets = (
        (CLIENT_SHEET, len(clients), (client.row for client in clients)),
        (FOLLOW_UP_SHEET, plan.follow_ups, _follow_up_rows(clients, team, rng)),
        (STAFF_SHEET, len(team.rows), team.rows),
        (RULES_SHEET, len(RULE_PARAMETERS), _rule_rows()),
        (FINDING_SHEET, len(findings), findings),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and move it in, so a failed run leaves no half file.
    partial = path.with_name(path.name + ".part")
    _write_xlsx(partial, sheets)
    partial.replace(path)
    return path


# -- staff -----------------------------------------------------------------


def _make_team(plan: Size, rng: random.Random) -> Team:
    team = Team()
    taken: set[str] = set()
    designer_count = max(10, round(plan.clients / 50))
    department_count = math.ceil(designer_count / 10)
    specialist_count = max(2, plan.clients // 500)
    supervisor_count = max(1, math.ceil(specialist_count / 8))

    departments = [f"设计{_chinese_number(n + 1)}部" for n in range(department_count)]
    managers = [_person_name(rng, taken) for _ in departments]
    for manager, department in zip(managers, departments, strict=True):
        team.rows.append(_staff_row(manager, ROLE_MANAGER, department, None, YES))
    for index in range(designer_count):
        designer = _person_name(rng, taken)
        # The newest designer has no 上级 yet, so the manager's share is a problem.
        superior = managers[index // 10] if index < designer_count - 1 else None
        active = NO if rng.random() < 0.02 else YES
        row = _staff_row(
            designer, ROLE_DESIGNER, departments[index // 10], superior, active
        )
        team.rows.append(row)
        team.designers.append(designer)

    team.supervisors = [_person_name(rng, taken) for _ in range(supervisor_count)]
    for supervisor in team.supervisors:
        team.rows.append(_staff_row(supervisor, ROLE_SUPERVISOR, "客服部", None, YES))
    for index in range(specialist_count):
        specialist = _person_name(rng, taken)
        superior = team.supervisors[index % supervisor_count]
        team.rows.append(
            _staff_row(specialist, ROLE_SPECIALIST, "客服部", superior, YES)
        )
        team.specialists.append(specialist)

    for _ in range(max(1, department_count // 4)):
        marketer = _person_name(rng, taken)
        team.rows.append(_staff_row(marketer, ROLE_MARKETING, "市场部", None, YES))
    return team


def _staff_row(name, role, department, superior, active) -> list:
    values = {
        "name": name,
        "role": role,
        "department": department,
        "superior": superior,
        "active": active,
    }
    return _in_order(STAFF_SHEET, values)


def _person_name(rng: random.Random, taken: set[str]) -> str:
    """A made-up name not used by anyone else on the staff (names are the key)."""
    while True:
        length = 1 if rng.random() < 0.3 else 2
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=length))
        if name not in taken:
            taken.add(name)
            return name


def _chinese_number(number: int) -> str:
    """1..99 as written in department names: 一, 十, 十一, 二十, 二十一."""
    tens, ones = divmod(number, 10)
    text = (DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
    return text + (DIGITS[ones] if ones else "")


# -- clients ---------------------------------------------------------------


def _make_client(number: int, team: Team, rng: random.Random) -> Client:
    r = rng.random
    # Recent assignments are more common: old clients have mostly been closed.
    start = LAST - int((YEAR_DAYS - 1) * (1 - math.sqrt(r())))
    handover = _handover_day(rng)

    status = STATUS_SIGNED if (x := r()) < 0.03 else STATUS_LOST if x < 0.05 else None
    stop = start + int((LAST - start) * r()) if status else LAST
    since = start + int((stop - start) * r()) if r() < 0.10 else None

    id_value = str(number) if r() < 0.03 else number
    designer = rng.randrange(len(team.designers))
    specialist = team.specialists[designer % len(team.specialists)]
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=1 + (r() < 0.7)))
    values = {
        "client_id": id_value,
        "name": name,
        "phone": f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
        "estate": rng.choice(ESTATES),
        "room": f"{rng.randint(1, 20)}-{rng.randint(1, 3)}-"
        f"{rng.randint(2, 33)}{rng.randint(1, 4):02d}",
        "handover_date": _date_cell(handover, rng, blank=0.015, text=0.01),
        "designer": team.designers[designer],
        "specialist": None if r() < 0.02 else specialist,
        "assigned_date": _date_cell(start, rng, blank=0.01, text=0.005),
        "long_term": YES if since is not None else (NO if r() < 0.6 else None),
        "long_term_since": _date_cell(since, rng, blank=0.05, text=0.0),
        # 客户状态 left blank means 跟进中, and many people leave it blank.
        "status": status or (STATUS_ACTIVE if r() < 0.7 else None),
        "closed_date": _date_cell(stop, rng, blank=0.08, text=0.0) if status else None,
        "note": rng.choice(NOTES) if r() < 0.1 else None,
    }

    pieces, weight = _follow_up_pieces(start, stop, handover, since)
    return Client(
        number=number,
        id_value=id_value,
        name=name,
        designer=designer,
        specialist=specialist,
        long_term_since=since,
        row=_in_order(CLIENT_SHEET, values),
        pieces=pieces,
        weight=weight,
        diligence=_diligence(rng),
    )


def _handover_day(rng: random.Random) -> int:
    """Handed over already, within the next 3 months, or further away."""
    x = rng.random()
    if x < 0.25:
        return LAST - rng.randint(1, 730)
    if x < 0.42:
        return LAST + rng.randint(1, 92)
    return LAST + rng.randint(93, 1100)


def _diligence(rng: random.Random) -> float:
    x = rng.random()
    for share, diligence in DILIGENCE:
        if x < share:
            return diligence
        x -= share
    return DILIGENCE[-1][1]


def _date_cell(day: int | None, rng: random.Random, blank: float, text: float):
    """The day as a real date, or now and then blank or typed as text."""
    if day is None:
        return None
    x = rng.random()
    if x < blank:
        return None
    if x < blank + text:
        return _text_date(day, rng)
    return date.fromordinal(day)


def _text_date(day: int, rng: random.Random) -> str:
    value = date.fromordinal(day)
    text = rng.choice(TEXT_DATE_FORMATS)
    return text.format(y=value.year, m=value.month, d=value.day)


def _follow_up_pieces(start, stop, handover, since):
    """Split the tracked days into pieces of one category each.

    Each piece carries the follow-ups per day the rules ask for; the running sum
    of those rates is the weight by which follow-ups are spread over the days.
    """
    soon = _add_months(date.fromordinal(handover), -SOON_MONTHS).toordinal()
    end = stop + 1
    inside = {day for day in (soon, handover, since) if day and start < day < end}
    cuts = sorted({start, end} | inside)
    pieces = []
    weight = 0.0
    for first, after in pairwise(cuts):
        if since is not None and first >= since:
            rate = 1 / LONG_TERM_DAYS
        elif first >= handover:
            rate = 1 / HANDED_OVER_DAYS
        elif first >= soon:
            rate = 1 / HANDOVER_SOON_DAYS
        else:
            rate = 1 / OFF_PLAN_DAYS
        pieces.append((first, weight, rate))
        weight += (after - first) * rate
    return pieces, weight


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _plan_follow_ups(clients: list[Client], total: int, rng: random.Random) -> None:
    """Share the size's follow-ups out by what each client needs, exactly to total."""
    needs = [client.weight * client.diligence for client in clients]
    scale = total / sum(needs)
    shares = [need * scale for need in needs]
    planned = [int(share) for share in shares]
    # Largest remainders get the follow-ups that rounding down left over.
    left_over = total - sum(planned)
    by_remainder = sorted(range(len(clients)), key=lambda i: planned[i] - shares[i])
    for index in by_remainder[:left_over]:
        planned[index] += 1

    for client, count in zip(clients, planned, strict=True):
        client.planned = count
        if client.weight > 5 and rng.random() < HOLE_SHARE:
            client.hole = 1.5 + 2 * rng.random()
            client.hole_at = rng.random() * (client.weight - client.hole)


# -- follow-ups ------------------------------------------------------------


def _follow_up_days(clients: list[Client], rng: random.Random):
    """Yield (day, client) for every planned follow-up, in date order."""
    heap = [
        (_next_day(client, rng), i)
        for i, client in enumerate(clients)
        if client.planned
    ]
    heapq.heapify(heap)
    while heap:
        day, index = heap[0]
        client = clients[index]
        client.done += 1
        if client.done < client.planned:
            heapq.heapreplace(heap, (_next_day(client, rng), index))
        else:
            heapq.heappop(heap)
        yield day, client


def _next_day(client: Client, rng: random.Random) -> int:
    """The day of the client's next follow-up: an evenly spaced slot, jittered."""
    span = client.weight - client.hole
    slot = client.done + 0.5 + JITTER * (rng.random() - 0.5)
    position = slot / client.planned * span
    if position >= client.hole_at:
        position += client.hole
    for first, before, rate in reversed(client.pieces):
        if position >= before:
            return int(first + (position - before) / rate)
    return client.pieces[0][0]


def _follow_up_rows(clients: list[Client], team: Team, rng: random.Random):
    """The 跟踪记录 rows in the order they were entered, numbered as entered.

    Follow-ups come in date order; each waits in a heap until its 记录时间, so
    backfilled ones land days later in the log, as they would in the real sheet.
    """
    waiting: list[tuple[datetime, int, dict]] = []
    record = 0
    today = None
    for drawn, (day, client) in enumerate(_follow_up_days(clients, rng)):
        if day != today:
            today = day
            # Nothing drawn from here on was entered before this day.
            midnight = datetime.fromordinal(day)
            while waiting and waiting[0][0] < midnight:
                record += 1
                yield _log_row(record, heapq.heappop(waiting), rng)
        entered_at, values = _follow_up(day, client, team, rng)
        heapq.heappush(waiting, (entered_at, drawn, values))
    while waiting:
        record += 1
        yield _log_row(record, heapq.heappop(waiting), rng)


def _log_row(record: int, entry: tuple[datetime, int, dict], rng) -> list:
    entered_at, _, values = entry
    manual = values["source"] == SOURCE_MANUAL
    values["record_id"] = str(record) if manual and rng.random() < 0.3 else record
    values["entered_at"] = entered_at
    return _in_order(FOLLOW_UP_SHEET, values)


def _follow_up(day: int, client: Client, team: Team, rng: random.Random):
    r = rng.random
    manual = r() < MANUAL_SHARE
    entered_at = _entered_at(day, client, manual, rng)

    follow_up_date = date.fromordinal(day)
    client_id = client.id_value
    if manual:
        # People typing by hand write dates and IDs however they like.
        x = r()
        if x < 0.001:
            follow_up_date = None
        elif x < 0.02:
            follow_up_date = _text_date(day, rng)
        x = r()
        if x < 0.003:
            client_id = client.number * 10
        elif x < 0.1:
            client_id = int(client_id) if isinstance(client_id, str) else str(client_id)

    designer = client.designer
    if r() < 0.01:
        # A colleague from the same department covered this follow-up.
        designer = designer + 1 if designer + 1 < len(team.designers) else designer - 1
    long_term = client.long_term_since is not None and day >= client.long_term_since
    weights = LONG_TERM_METHOD_WEIGHTS if long_term else METHOD_WEIGHTS
    next_day = date.fromordinal(day + 1 + int(r() * 7))
    values = {
        "date": follow_up_date,
        "client_id": client_id,
        "client_name": client.name,
        "designer": team.designers[designer],
        "method": rng.choices(METHODS, weights)[0],
        "content": f"{rng.choice(TOPICS)}，{rng.choice(OUTCOMES)}",
        "next_plan": f"{next_day.month}月{next_day.day}日{rng.choice(PLANS)}"
        if r() < 0.6
        else None,
        "source": SOURCE_MANUAL if manual else SOURCE_ADDIN,
    }
    return entered_at, values


def _entered_at(day: int, client: Client, manual: bool, rng: random.Random):
    """When the follow-up was typed in: the same day, or later when backfilled."""
    r = rng.random
    lag = 0
    if manual:
        x = r()
        lag = 0 if x < 0.65 else 1 + int(r() * 2) if x < 0.85 else 3 + int(r() * 8)
        lag = min(lag, LAST - day)
    entry_day = day + lag

    if lag > BACKFILL_DAYS:
        # Backfills come in sessions: one designer, one afternoon, a few minutes.
        minute = 17 * 60 + (client.designer * 37 + entry_day) % 180 + r() * 5
    elif manual:
        minute = 12 * 60 + r() * 600
    else:
        minute = 8 * 60 + 30 + r() * 780
    return datetime.fromordinal(entry_day) + timedelta(seconds=int(minute * 60))


# -- findings and rules ----------------------------------------------------


def _make_findings(count: int, clients: list[Client], team: Team, rng) -> list[list]:
    rows = []
    for _ in range(count):
        client = rng.choice(clients)
        values = {
            "verified_date": date.fromordinal(LAST - rng.randint(0, 90)),
            "client_id": client.id_value,
            # Without a name the finding falls to the client's 客服专员.
            "specialist": None if rng.random() < 0.2 else client.specialist,
            "kind": rng.choice(FINDING_KINDS),
            "description": rng.choice(FINDING_TEXTS),
            "verifier": rng.choice(team.supervisors),
            "verified": YES if rng.random() < 0.7 else NO,
        }
        rows.append(_in_order(FINDING_SHEET, values))
    rows.sort(key=lambda row: row[0])
    return rows


def _rule_rows() -> Iterator[list]:
    for parameter in RULE_PARAMETERS:
        value = parameter.default
        if isinstance(value, bool):
            value = YES if value else NO
        values = {"name": parameter.name, "value": value, "note": parameter.note}
        yield _in_order(RULES_SHEET, values)


def _in_order(sheet: Sheet, values: dict) -> list:
    return [values.get(column.key) for column in sheet.columns]


# -- the .xlsx package -----------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SPREADSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Fixed entry times keep the file byte-identical for a seed.
ENTRY_TIME = (2026, 12, 1, 0, 0, 0)
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
DATE_STYLE = 1
DATETIME_STYLE = 2
ROWS_PER_WRITE = 2000

STYLES = f"""{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>\
<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>\
</cellStyles></styleSheet>"""


def _write_xlsx(path: Path, sheets) -> None:
    """Write the sheets, each an Excel table, as a minimal .xlsx package."""
    count = len(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        _put(package, "[Content_Types].xml", _content_types(count))
        _put(
            package,
            "_rels/.rels",
            _relationships([("officeDocument", "xl/workbook.xml")]),
        )
        _put(
            package, "xl/workbook.xml", _workbook_xml([sheet for sheet, _, _ in sheets])
        )
        targets = [
            ("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, count + 1)
        ]
        targets.append(("styles", "styles.xml"))
        _put(package, "xl/_rels/workbook.xml.rels", _relationships(targets))
        _put(package, "xl/styles.xml", STYLES)

        for number, (sheet, row_count, rows) in enumerate(sheets, 1):
            table_target = [("table", f"../tables/table{number}.xml")]
            _put(package, f"xl/worksheets/_rels/sheet{number}.xml.rels",
                 _relationships(table_target))  # fmt: skip
            _put(
                package,
                f"xl/tables/table{number}.xml",
                _table_xml(number, sheet, row_count),
            )
            with package.open(
                _entry(f"xl/worksheets/sheet{number}.xml"), "w"
            ) as stream:
                _stream_sheet(stream, sheet, row_count, rows)


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _put(package: zipfile.ZipFile, name: str, text: str) -> None:
    package.writestr(_entry(name), text.encode())


def _content_types(sheet_count: int) -> str:
    parts = [
        ("/xl/workbook.xml", "sheet.main+xml"),
        ("/xl/styles.xml", "styles+xml"),
    ]
    for number in range(1, sheet_count + 1):
        parts.append((f"/xl/worksheets/sheet{number}.xml", "worksheet+xml"))
        parts.append((f"/xl/tables/table{number}.xml", "table+xml"))
    overrides = "".join(
        f'<Override PartName="{name}" ContentType="{SPREADSHEET_TYPE}.{kind}"/>'
        for name, kind in parts
    )
    return (
        f'{XML_HEAD}<Types xmlns="{CONTENT_NS}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


def _relationships(targets: list[tuple[str, str]]) -> str:
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">{links}</Relationships>'


def _workbook_xml(sheets: list[Sheet]) -> str:
    entries = "".join(
        f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, sheet in enumerate(sheets, 1)
    )
    return (
        f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{entries}</sheets></workbook>"
    )


def _table_xml(number: int, sheet: Sheet, row_count: int) -> str:
    ref = f"A1:{_column_letter(len(sheet.columns) - 1)}{row_count + 1}"
    columns = "".join(
        f'<tableColumn id="{n}" name={quoteattr(header)}/>'
        for n, header in enumerate(sheet.headers, 1)
    )
    return (
        f'{XML_HEAD}<table xmlns="{MAIN_NS}" id="{number}" name="{sheet.table}" '
        f'displayName="{sheet.table}" ref="{ref}" totalsRowShown="0">'
        f'<autoFilter ref="{ref}"/>'
        f'<tableColumns count="{len(sheet.columns)}">{columns}</tableColumns>'
        '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
    )


def _stream_sheet(stream, sheet: Sheet, row_count: int, rows: Iterable[list]) -> None:
    letters = [_column_letter(i) for i in range(len(sheet.columns))]
    stream.write(_sheet_head(sheet, f"A1:{letters[-1]}{row_count + 1}").encode())

    chunk = [_row_xml(1, letters, sheet.headers)]
    number = 1
    for number, row in enumerate(rows, 2):
        chunk.append(_row_xml(number, letters, row))
        if len(chunk) >= ROWS_PER_WRITE:
            stream.write("".join(chunk).encode())
            chunk.clear()
    stream.write("".join(chunk).encode())

    # The dimension and the table were written with row_count: they must agree.
    if number - 1 != row_count:
        raise RuntimeError(
            f"{sheet.name}: wrote {number - 1} rows, expected {row_count}"
        )
    stream.write(b'</sheetData><tableParts count="1"><tablePart r:id="rId1"/>')
    stream.write(b"</tableParts></worksheet>")


def _sheet_head(sheet: Sheet, ref: str) -> str:
    widths = "".join(
        f'<col min="{n}" max="{n}" width="{column.width}" customWidth="1"/>'
        for n, column in enumerate(sheet.columns, 1)
    )
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<dimension ref="{ref}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
    )


def _row_xml(number: int, letters: list[str], values) -> str:
    cells = "".join(
        _cell(f"{letter}{number}", value)
        for letter, value in zip(letters, values, strict=True)
        if value is not None
    )
    return f'<row r="{number}">{cells}</row>'


def _cell(ref: str, value) -> str:
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    # datetime before date: a datetime is a date too.
    if kind is datetime:
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        serial = value.toordinal() - EXCEL_EPOCH + seconds / 86400
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if kind is date:
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    raise TypeError(f"{ref}: cannot write {value!r}")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# -- command line ----------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a benchmark workbook.")
    parser.add_argument("size", choices=sorted(SIZES), metavar="SIZE", help="S, M or L")
    parser.add_argument("-o", "--output", type=Path, help="default: benchmarks/out/")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    path = args.output or Path(__file__).parent / "out" / f"benchmark-{args.size}.xlsx"
    began = time.perf_counter()
    make_workbook(args.size, path, args.seed)
    plan = SIZES[args.size]
    print(
        f"{path}: {plan.clients} clients, {plan.follow_ups} follow-ups, "
        f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - began:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
