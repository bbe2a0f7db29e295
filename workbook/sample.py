"""A realistic sample workbook: two design departments, three months of follow-ups.

Built from code on top of ``template_workbook()`` with a fixed seed, so every
build gives the same workbook (and, with the fixed timestamps of
``save_workbook``, the same bytes). People, estates and phone numbers are made
up; the phone numbers all have 0000 in the middle.

The department: 设计一部 (经理 王建国; 设计师 李晓明, 张婷) and 设计二部 (经理
陈志强; 设计师 刘洋, 赵静); 客服部 (主管 孙丽华; 专员 周敏 looks after 设计一部's
clients, 吴芳 设计二部's); 市场部 郑凯. 60 clients, 1001–1060, 15 per designer.
Follow-ups run from 2026-09-01 to 2026-11-30 and the 规则 sheet sets 生效日期 to
2026-09-01, so earlier 分配日期 start the clock on 09-01. The status columns
(类别 … 跟踪状态) are left blank for the add-in.

Clients come from hand-written stories (``STORIES``) plus seeded filler. Filler
clients are followed diligently: every 1–2 days while 现房, 4–5 days while
准现房, 9–12 days while 期房 and 18–24 days while 长期跟踪, and sooner when a
category change is coming, so they never miss. Only the stories below miss.

Planted misses, worked by hand from SPEC §2 with the default rules (现房 3 days,
准现房 7, 期房 15, 长期跟踪 1 month, 准现房 3 months before 交房), checked as of
``SAMPLE_AS_OF`` (2026-11-30); any later check day gives the same November. There
are no misses in September or October; every miss is dated in November 2026.
(Were 生效日期 left blank, clients assigned before September would add misses
dated up to 2026-09-22 for the empty months before; November would not change.)

- 1003 刘洋 (设计二部), 现房 (交房 2026-06-18). Follow-ups every 2 days
  09-02 … 11-05, then 11-15, 11-17 … 11-29. Deadline 11-08 missed → miss 11-09;
  anchor 11-08, deadline 11-11 missed → miss 11-12; anchor 11-11, deadline 11-14
  missed → miss 11-15 (the 11-15 follow-up comes a day late); anchor 11-14,
  deadline 11-17 met by 11-15. Three misses, all 现房.
- 1008 李晓明 (设计一部), 准现房 → 现房 on 交房日期 2026-11-10. Follow-ups every 5
  days 09-04 … 11-08, then 11-15, 11-17 … 11-29. From anchor 11-08 the 准现房
  deadline is 11-15, but the client becomes 现房 on 11-10, so the deadline is
  min(11-15, 11-10 + 3) = 11-13; missed → miss 11-14, category 现房. Anchor 11-13,
  deadline 11-16 met by 11-15.
- 1015 张婷 (设计一部), 期房 → 准现房 on 11-15 (交房 2027-02-15). Follow-ups
  09-10, 09-22, 10-04, 10-16, 10-28, 11-09, 11-24, 11-29. From anchor 11-09 the
  期房 deadline is 11-24, but 准现房 from 11-15 makes it min(11-24, 11-22) =
  11-22; missed → miss 11-23, category 准现房. Anchor 11-22, deadline 11-29 met by
  11-24.
- 1022 赵静 (设计二部), 期房 (交房 2027-09-30). Follow-ups 09-05, 09-16, 09-27,
  10-08, 10-19, 10-28, 11-20, 11-30. From anchor 10-28, deadline 11-12 missed →
  miss 11-13, 期房. Anchor 11-12, deadline 11-27 met by 11-20.
- 1027 张婷 (设计一部), 长期跟踪 since 2026-08-15. Follow-ups 09-10, 10-05 (与市场部
  沟通), 11-20. From anchor 10-05, deadline 11-05 missed → miss 11-06, category
  长期跟踪: not fined by default (长期跟踪计入乐捐 = 否). Anchor 11-05, deadline
  12-05 met by 11-20.
- 1035 李晓明 (设计一部), 期房 (交房 2027-06-20), 已流失 with 结束日期 2026-11-18.
  Follow-ups 09-06, 09-18, 09-30, 10-12, 10-25, 11-18. From anchor 10-25,
  deadline 11-09 (before 11-18, so it counts) missed → miss 11-10, 期房. The next
  deadline, 11-24, is after 结束日期 and does not count.
- 1045 李晓明 (设计一部), 期房 (交房 2027-05-20), reassigned from 张婷 with
  分配日期 2026-10-16. 张婷's follow-ups 09-03, 09-15, 09-27, 10-09 come before
  the 分配日期 and do not count. 李晓明's: 11-03, 11-14, 11-25. From anchor 10-16,
  deadline 10-31 missed → miss 11-01 (dated in November), 期房, charged to
  李晓明. Anchor 10-31, deadline 11-15 met by 11-03.

Stories without misses: 1012 张婷 准现房 → 现房 on 2026-10-20; 1040 赵静 现房,
已签约 on 2026-11-12 (follow-ups every 2 days up to 11-12); 1050 刘洋 期房 →
长期跟踪 on 2026-10-15 (follow-up that day); 1056 赵静 without 交房日期 (judged
期房, followed at the 期房 rhythm, reported as incomplete).

Supervision findings (监管记录):

- 2026-11-20, client 1003, 吴芳, 纵容包庇, 是否查实 是 → November.
- 2026-11-25, client 1015, 周敏, 徇私舞弊, 是否查实 否 → no fine.
- 2026-10-12, client 1012, 周敏, 徇私舞弊, 是 → October (周敏 50, 孙丽华 20).
- "2026/11/27" (typed as text), client 1035, no 客服专员 named, 徇私舞弊, 是 →
  November, charged to the client's 客服专员 周敏.

November 2026 fine lines with the default rules (designer 30, manager 10,
specialist 50, supervisor 20):

| 客户 | who | 元 |
| --- | --- | --- |
| 1003 | 刘洋 30 × 3 misses; 陈志强 10 × 3 | 90; 30 |
| 1008 | 李晓明 30; 王建国 10 | 30; 10 |
| 1015 | 张婷 30; 王建国 10 | 30; 10 |
| 1022 | 赵静 30; 陈志强 10 | 30; 10 |
| 1035 | 李晓明 30; 王建国 10 | 30; 10 |
| 1045 | 李晓明 30; 王建国 10 | 30; 10 |
| 1003 finding | 吴芳 50; 孙丽华 20 | 50; 20 |
| 1035 finding | 周敏 50; 孙丽华 20 | 50; 20 |

Totals: 李晓明 90, 张婷 30, 刘洋 90, 赵静 30, 王建国 40, 陈志强 40, 吴芳 50,
周敏 50, 孙丽华 40 (November total 460). With 长期跟踪计入乐捐 = 是, 1027 adds
张婷 30 and 王建国 10.

Also planted, for the audit (疑点) and for review, none of which changes a miss:

- 补录 / 集中补录: 赵静 entered five follow-ups (跟踪日期 11-19 … 11-25, five
  different clients) on 2026-11-28 between 20:31 and 20:38.
- 内容雷同: 刘洋 wrote "客户暂时没有新的想法，下周再联系" for three different
  clients in November.
- One October follow-up of a 张婷 client was made by 李晓明 (张婷休假代为回访):
  it counts, and is listed because the 设计师 differs.

How values are typed: 客户编号 sometimes a number (1001), sometimes text
("1002"), in both 客户 and 跟踪记录; phone numbers as numbers or text; some
交房日期, 分配日期 and hand-entered 跟踪日期 typed as text in the formats of
SPEC §3 (2026/11/3, 2026.10.5, 2026年11月3日, 2026-11-03).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook

from workbook import layout
from workbook.template import (
    default_rule_values,
    fill_rules,
    fill_sheet,
    save_workbook,
    template_workbook,
)
from workbook.values import add_months

SEED = 20261130
PERIOD_START = date(2026, 9, 1)
PERIOD_END = date(2026, 11, 30)
# The day the sample is meant to be checked on: the end of its last month.
SAMPLE_AS_OF = PERIOD_END
SAMPLE_SAVED_AT = datetime(2026, 11, 30, 18, 30)
CLIENT_COUNT = 60
FIRST_CLIENT_ID = 1001

DEPARTMENT_1 = "设计一部"
DEPARTMENT_2 = "设计二部"
SERVICE = "客服部"

MANAGER_1 = "王建国"
MANAGER_2 = "陈志强"
LI = "李晓明"
ZHANG = "张婷"
LIU = "刘洋"
ZHAO = "赵静"
SUPERVISOR = "孙丽华"
ZHOU = "周敏"
WU = "吴芳"
MARKETER = "郑凯"


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    department: str
    superior: str | None = None


STAFF = (
    Person(MANAGER_1, layout.ROLE_MANAGER, DEPARTMENT_1),
    Person(LI, layout.ROLE_DESIGNER, DEPARTMENT_1, MANAGER_1),
    Person(ZHANG, layout.ROLE_DESIGNER, DEPARTMENT_1, MANAGER_1),
    Person(MANAGER_2, layout.ROLE_MANAGER, DEPARTMENT_2),
    Person(LIU, layout.ROLE_DESIGNER, DEPARTMENT_2, MANAGER_2),
    Person(ZHAO, layout.ROLE_DESIGNER, DEPARTMENT_2, MANAGER_2),
    Person(SUPERVISOR, layout.ROLE_SUPERVISOR, SERVICE),
    Person(ZHOU, layout.ROLE_SPECIALIST, SERVICE, SUPERVISOR),
    Person(WU, layout.ROLE_SPECIALIST, SERVICE, SUPERVISOR),
    Person(MARKETER, layout.ROLE_MARKETING, layout.ROLE_MARKETING),
)
DESIGNERS = (LI, ZHANG, LIU, ZHAO)
SPECIALIST_OF = {LI: ZHOU, ZHANG: ZHOU, LIU: WU, ZHAO: WU}


def day(month: int, day_of_month: int, year: int = 2026) -> date:
    return date(year, month, day_of_month)


def every(first: date, last: date, step: int) -> tuple[date, ...]:
    """first, first + step, … up to and including last."""
    count = (last - first).days // step + 1
    return tuple(first + timedelta(days=step * n) for n in range(count))


@dataclass
class Client:
    """One client of the sample and how the designer followed them up.

    follow_ups None means the filler's diligent rhythm; previous is the earlier
    designer and their follow-ups before the 分配日期; notes are the 跟踪内容 of
    particular days.
    """

    client_id: int
    designer: str
    handover: date | None
    assigned: date
    long_term_since: date | None = None
    status: str = layout.STATUS_ACTIVE
    closed: date | None = None
    follow_ups: tuple[date, ...] | None = None
    previous: tuple[str, tuple[date, ...]] | None = None
    notes: dict[date, str] = field(default_factory=dict)
    remark: str = ""


STORIES = (
    Client(
        1003,
        LIU,
        day(6, 18),
        day(5, 20),
        follow_ups=every(day(9, 2), day(11, 5), 2) + every(day(11, 15), day(11, 29), 2),
        notes={day(11, 15): "客户抱怨最近十天没人联系，道歉并约了周末上门"},
    ),
    Client(
        1008,
        LI,
        day(11, 10),
        day(7, 20),
        follow_ups=every(day(9, 4), day(11, 8), 5) + every(day(11, 15), day(11, 29), 2),
        notes={day(11, 15): "客户已收房，约下周上门复尺"},
    ),
    Client(1012, ZHANG, day(10, 20), day(6, 12), remark="10月20日交房"),
    Client(
        1015,
        ZHANG,
        day(2, 15, 2027),
        day(8, 5),
        follow_ups=(
            *(day(9, 10), day(9, 22), day(10, 4), day(10, 16), day(10, 28)),
            *(day(11, 9), day(11, 24), day(11, 29)),
        ),
    ),
    Client(
        1022,
        ZHAO,
        day(9, 30, 2027),
        day(4, 8),
        follow_ups=(
            *(day(9, 5), day(9, 16), day(9, 27), day(10, 8), day(10, 19)),
            *(day(10, 28), day(11, 20), day(11, 30)),
        ),
    ),
    Client(
        1027,
        ZHANG,
        day(12, 20),
        day(5, 10),
        long_term_since=day(8, 15),
        follow_ups=(day(9, 10), day(10, 5), day(11, 20)),
        notes={day(10, 5): "与市场部沟通，客户参加了国庆活动，暂无装修计划"},
        remark="客户暂不考虑，转长期",
    ),
    Client(
        1035,
        LI,
        day(6, 20, 2027),
        day(3, 16),
        status=layout.STATUS_LOST,
        closed=day(11, 18),
        follow_ups=(
            *(day(9, 6), day(9, 18), day(9, 30), day(10, 12), day(10, 25)),
            day(11, 18),
        ),
        notes={day(11, 18): "客户已与其他装修公司签约，确认流失"},
        remark="已选其他公司",
    ),
    Client(
        1040,
        ZHAO,
        day(7, 8),
        day(6, 30),
        status=layout.STATUS_SIGNED,
        closed=day(11, 12),
        follow_ups=every(day(9, 2), day(11, 11), 2) + (day(11, 12),),
        notes={day(11, 12): "到店签订设计合同"},
        remark="11月12日签约",
    ),
    Client(
        1045,
        LI,
        day(5, 20, 2027),
        day(10, 16),
        follow_ups=(day(11, 3), day(11, 14), day(11, 25)),
        previous=(ZHANG, (day(9, 3), day(9, 15), day(9, 27), day(10, 9))),
        notes={day(11, 3): "接手后第一次联系，重新介绍了自己和公司"},
        remark="10月16日由张婷转交李晓明",
    ),
    Client(
        1050,
        LIU,
        day(8, 1, 2027),
        day(2, 26),
        long_term_since=day(10, 15),
        follow_ups=(
            *(day(9, 4), day(9, 16), day(9, 28), day(10, 10), day(10, 15)),
            *(day(11, 5), day(11, 26)),
        ),
        notes={
            day(10, 15): "客户说两三年内不装修，转长期跟踪，以市场部为主",
            day(11, 5): "与市场部沟通，客户暂无新的打算",
        },
        remark="10月15日转长期",
    ),
    Client(1056, ZHAO, None, day(7, 3), remark="客户未提供交房时间"),
)

# Filler kinds and how many of each; each picks 交房日期 from its span.
FILLER_KINDS = (
    ("handed_over", 11),
    ("becomes_handed_over", 8),
    ("becomes_handover_soon", 8),
    ("off_plan", 14),
    ("long_term", 8),
)
HANDOVER_SPANS = {
    "handed_over": (day(10, 1, 2025), day(8, 25)),
    "becomes_handed_over": (day(9, 10), day(11, 25)),
    "becomes_handover_soon": (day(12, 5), day(2, 25, 2027)),
    "off_plan": (day(3, 5, 2027), day(6, 28, 2028)),
    "long_term": (day(1, 5, 2026), day(12, 28, 2027)),
}
NEW_CLIENTS = 5  # filler clients assigned during the period

# How often a diligent designer follows up, by category (days): habits well
# inside the rules' intervals.
DILIGENT_GAPS = {
    layout.HANDED_OVER: (1, 2, 2, 2),
    layout.HANDOVER_SOON: (4, 5),
    layout.OFF_PLAN: (9, 10, 11, 12),
    layout.LONG_TERM: (18, 20, 22, 24),
}
LEAD_MONTHS = layout.rule_parameter("handover_soon_months").default


def build_sample(path: str | os.PathLike[str]) -> Path:
    """Write the sample workbook to path and return the path."""
    return save_workbook(sample_workbook(), path, SAMPLE_SAVED_AT)


def sample_workbook() -> Workbook:
    """The sample workbook, in memory; the same every time."""
    rng = random.Random(SEED)
    clients = all_clients(rng)
    names = client_names(rng)

    wb = template_workbook()
    fill_sheet(wb, layout.STAFF_SHEET, staff_rows())
    fill_sheet(wb, layout.CLIENT_SHEET, client_rows(clients, names, rng))
    fill_sheet(wb, layout.FOLLOW_UP_SHEET, follow_up_rows(clients, names, rng))
    fill_sheet(wb, layout.FINDING_SHEET, finding_rows())
    fill_rules(wb, {**default_rule_values(), "effective_date": PERIOD_START})
    return wb


# Staff


def staff_rows() -> list[dict[str, object]]:
    return [
        {
            "name": person.name,
            "role": person.role,
            "department": person.department,
            "superior": person.superior,
            "active": layout.YES,
        }
        for person in STAFF
    ]


# Clients


def all_clients(rng: random.Random) -> list[Client]:
    """The stories plus diligent filler, 15 clients per designer, by 客户编号."""
    stories = {story.client_id: story for story in STORIES}
    free_ids = [
        client_id
        for client_id in range(FIRST_CLIENT_ID, FIRST_CLIENT_ID + CLIENT_COUNT)
        if client_id not in stories
    ]

    kinds = [kind for kind, count in FILLER_KINDS for _ in range(count)]
    rng.shuffle(kinds)
    designers = filler_designers(len(free_ids))
    # Long-term clients were handed over to 长期跟踪 months ago, so never new.
    could_be_new = [
        client_id
        for client_id, kind in zip(free_ids, kinds, strict=True)
        if kind != "long_term"
    ]
    new_clients = set(rng.sample(could_be_new, NEW_CLIENTS))

    filler = [
        filler_client(client_id, designer, kind, client_id in new_clients, rng)
        for client_id, designer, kind in zip(free_ids, designers, kinds, strict=True)
    ]
    return sorted([*stories.values(), *filler], key=lambda client: client.client_id)


def filler_designers(count: int) -> list[str]:
    """Designers for the filler, topping every designer up to the same number."""
    per_designer = CLIENT_COUNT // len(DESIGNERS)
    wanted = {
        designer: per_designer - sum(story.designer == designer for story in STORIES)
        for designer in DESIGNERS
    }
    order = []
    while len(order) < count:
        for designer in DESIGNERS:
            if wanted[designer] > 0:
                order.append(designer)
                wanted[designer] -= 1
    return order


def filler_client(
    client_id: int, designer: str, kind: str, new: bool, rng: random.Random
) -> Client:
    handover = random_day(rng, *HANDOVER_SPANS[kind])
    long_term_since = None
    if kind == "long_term":
        long_term_since = random_day(rng, day(3, 1), day(8, 20))

    # Clients assigned before the period wait for 生效日期; new ones arrive in it.
    if new:
        assigned = random_day(rng, day(9, 8), day(11, 20))
    else:
        latest = (long_term_since or PERIOD_START) - timedelta(days=30)
        assigned = random_day(rng, day(1, 5), latest)
    return Client(client_id, designer, handover, assigned, long_term_since)


def random_day(rng: random.Random, first: date, last: date) -> date:
    """A day between first and last, never the 29th–31st (clear month sums)."""
    while True:
        candidate = first + timedelta(days=rng.randint(0, (last - first).days))
        if candidate.day <= 28:
            return candidate


# The category rules, as far as a diligent designer keeps to them


def category_on(client: Client, on: date) -> str:
    if client.long_term_since is not None and on >= client.long_term_since:
        return layout.LONG_TERM
    if client.handover is None:
        return layout.OFF_PLAN
    if on >= client.handover:
        return layout.HANDED_OVER
    if on >= add_months(client.handover, -LEAD_MONTHS):
        return layout.HANDOVER_SOON
    return layout.OFF_PLAN


def category_changes(client: Client) -> list[date]:
    changes = [client.long_term_since]
    if client.handover is not None:
        changes += [client.handover, add_months(client.handover, -LEAD_MONTHS)]
    return sorted(change for change in changes if change is not None)


def diligent_days(client: Client, rng: random.Random) -> tuple[date, ...]:
    """Follow-up days of a designer who never lets a window lapse.

    When the category changes before the next planned call, the call moves up
    to fit the new, shorter rhythm, as the rules' earlier deadline requires.
    """
    anchor = max(client.assigned, PERIOD_START)
    end = min(PERIOD_END, client.closed or PERIOD_END)
    days = [anchor] if client.assigned >= PERIOD_START else []

    while True:
        planned = anchor + timedelta(
            days=rng.choice(DILIGENT_GAPS[category_on(client, anchor)])
        )
        for change in category_changes(client):
            if anchor < change <= planned:
                gap = rng.choice(DILIGENT_GAPS[category_on(client, change)])
                planned = min(planned, change + timedelta(days=gap))
        if planned > end:
            return tuple(days)
        days.append(planned)
        anchor = planned


# How people type things


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
# fmt: off
GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂英", "建华", "文", "华",
    "红", "玉兰", "志刚", "海燕", "晓东", "春梅", "国庆", "凤英", "雪", "婷婷",
    "浩然", "子涵", "欣怡", "宇航", "思远", "佳琪", "俊杰", "嘉怡", "振宇",
)
# fmt: on
ESTATES = (
    "滨江华府",
    "翠湖名苑",
    "锦绣东方",
    "云栖花园",
    "金域蓝湾",
    "春风里",
    "悦澜府",
)
PHONE_PREFIXES = ("139", "138", "137", "135", "186", "159")
TEXT_DATE_STYLES = ("slash", "dot", "chinese", "iso")


def client_names(rng: random.Random) -> dict[int, str]:
    """A made-up name per 客户编号, all different and none a staff name."""
    taken = {person.name for person in STAFF}
    names = {}
    for client_id in range(FIRST_CLIENT_ID, FIRST_CLIENT_ID + CLIENT_COUNT):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        while name in taken:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        taken.add(name)
        names[client_id] = name
    return names


def typed_date(value: date, style: str) -> str:
    """A date as someone types it into a text cell."""
    if style == "slash":
        return f"{value.year}/{value.month}/{value.day}"
    if style == "dot":
        return f"{value.year}.{value.month}.{value.day}"
    if style == "chinese":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def maybe_text_date(value: date | None, share: float, rng: random.Random) -> object:
    """The date, or for a share of cells its text as typed."""
    if value is not None and rng.random() < share:
        return typed_date(value, rng.choice(TEXT_DATE_STYLES))
    return value


def typed_id(client_id: int, share: float, rng: random.Random) -> int | str:
    """Some people's IDs end up as text cells, others' as numbers."""
    return str(client_id) if rng.random() < share else client_id


def fake_phone(rng: random.Random, used: set[str]) -> int | str:
    """An obviously made-up mobile number: 0000 in the middle."""
    number = rng.choice(PHONE_PREFIXES) + "0000" + f"{rng.randint(0, 9999):04d}"
    while number in used:
        number = rng.choice(PHONE_PREFIXES) + "0000" + f"{rng.randint(0, 9999):04d}"
    used.add(number)

    style = rng.random()
    if style < 0.4:
        return int(number)
    if style < 0.7:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return number


def room_number(rng: random.Random) -> str:
    building, floor, unit = rng.randint(1, 18), rng.randint(2, 32), rng.randint(1, 4)
    if rng.random() < 0.5:
        return f"{building}栋{floor}{unit:02d}"
    return f"{building}-{rng.randint(1, 3)}-{floor}{unit:02d}"


# The 客户 sheet

REMARKS = (
    "偏好现代简约",
    "预算有限，关注性价比",
    "两套房一起考虑",
    "家有老人，要适老设计",
)


def client_rows(
    clients: list[Client], names: dict[int, str], rng: random.Random
) -> list[dict[str, object]]:
    phones: set[str] = set()
    return [client_row(client, names, phones, rng) for client in clients]


def client_row(
    client: Client, names: dict[int, str], phones: set[str], rng: random.Random
) -> dict[str, object]:
    # The first two rows show both ways an ID is typed; the rest are mixed.
    share_text = {FIRST_CLIENT_ID: 0.0, FIRST_CLIENT_ID + 1: 1.0}
    client_id = typed_id(client.client_id, share_text.get(client.client_id, 0.25), rng)

    long_term = layout.YES if client.long_term_since else rng.choice((layout.NO, None))
    status = client.status
    if status == layout.STATUS_ACTIVE and rng.random() < 0.3:
        status = None  # blank means 跟进中
    remark = client.remark or (rng.choice(REMARKS) if rng.random() < 0.15 else None)

    return {
        "client_id": client_id,
        "name": names[client.client_id],
        "phone": fake_phone(rng, phones),
        "estate": rng.choice(ESTATES),
        "room": room_number(rng),
        "handover_date": maybe_text_date(client.handover, 0.12, rng),
        "designer": client.designer,
        "specialist": SPECIALIST_OF[client.designer],
        "assigned_date": maybe_text_date(client.assigned, 0.08, rng),
        "long_term": long_term,
        "long_term_since": client.long_term_since,
        "status": status,
        "closed_date": client.closed,
        "note": remark,
    }


# The 跟踪记录 sheet

PHRASES = {
    layout.HANDED_OVER: (
        "约客户周末上门复尺",
        "发了两版平面方案，客户在比较",
        "客户问橱柜和衣柜的报价",
        "确认了水电改造的范围",
        "客户对卫生间干湿分离比较满意",
        "微信发了预算明细，等客户回复",
        "客户想把书房改成儿童房，调整了布局",
        "带客户看了同小区的在建工地",
        "讨论了客厅吊顶的做法",
        "客户问工期和入住时间",
        "发了主材清单，客户在看",
        "客户来店里看了瓷砖样板",
    ),
    layout.HANDOVER_SOON: (
        "提醒客户交房前可以先做设计",
        "客户在等开发商的交房通知",
        "聊了收房验房的注意事项",
        "发了同楼盘已完工的案例",
        "客户问交房后多久能开工",
        "约客户到店看材料样板",
        "客户对开放式厨房感兴趣",
        "发了户型的初步布局",
        "客户说收房后再细谈",
    ),
    layout.OFF_PLAN: (
        "问候近况，客户说交房还早",
        "发了楼盘户型的参考设计",
        "邀请客户参加周末家装讲座",
        "客户关注开发商的工程进度",
        "发了同户型的装修案例",
        "客户在了解装修风格，偏好原木风",
        "节日问候，客户态度友好",
        "客户说年后再考虑装修细节",
    ),
    layout.LONG_TERM: (
        "客户暂不考虑装修，保持联系",
        "与市场部沟通，客户近期参加了活动",
        "节日问候，客户说有需要再联系",
        "与市场部沟通，客户暂无装修计划",
        "发了新的活动信息，客户已读",
    ),
}
DETAILS = (
    "客户态度积极",
    "客户有些犹豫",
    "要和家人商量",
    "对价格比较在意",
    "下次带家人一起来",
    "问了环保材料",
    "想尽快定下来",
    "还在对比其他公司",
)
NEXT_PLANS = (
    "三天后再电话联系",
    "下周约到店",
    "等客户确认方案",
    "周末上门复尺",
    "发修改后的方案",
    "下个月再联系",
    None,
    None,
    None,
)
METHODS = {
    layout.HANDED_OVER: ("电话", "微信", "微信", "上门", "到店", "面谈"),
    layout.HANDOVER_SOON: ("电话", "微信", "微信", "到店", "面谈"),
    layout.OFF_PLAN: ("电话", "微信", "微信", "其他"),
    layout.LONG_TERM: ("电话", "微信", "与市场部沟通"),
}
MANUAL_SHARE = 0.12  # follow-ups typed straight into the sheet, not via the add-in

SAME_CONTENT = "客户暂时没有新的想法，下周再联系"
COVER_CONTENT = "张婷休假，代为回访，客户约了下周到店"
BATCH_STARTS_AT = datetime(2026, 11, 28, 20, 31, 5)
BATCH_STEP = timedelta(seconds=97)


@dataclass
class FollowUp:
    day: date
    client: Client
    designer: str
    method: str
    content: str
    next_plan: str | None
    entered_at: datetime | None  # None: typed by hand (来源 手工)


def follow_up_rows(
    clients: list[Client], names: dict[int, str], rng: random.Random
) -> list[dict[str, object]]:
    follow_ups = all_follow_ups(clients, rng)

    plant_cover(follow_ups, clients)
    plant_same_content(follow_ups, clients)
    plant_batch_entry(follow_ups, clients)

    # The sheet lists entries in the order they were made.
    follow_ups.sort(key=entry_order)
    return [
        follow_up_row(number, follow_up, names, rng)
        for number, follow_up in enumerate(follow_ups, 1)
    ]


def all_follow_ups(clients: list[Client], rng: random.Random) -> list[FollowUp]:
    contents: dict[tuple[str, int, str], set[int]] = {}
    follow_ups = []
    for client in clients:
        days = client.follow_ups
        if days is None:
            days = diligent_days(client, rng)
        if client.previous is not None:
            designer, earlier = client.previous
            follow_ups += [
                follow_up(client, d, designer, contents, rng) for d in earlier
            ]
        follow_ups += [
            follow_up(client, d, client.designer, contents, rng) for d in days
        ]
    return follow_ups


def follow_up(
    client: Client,
    on: date,
    designer: str,
    contents: dict[tuple[str, int, str], set[int]],
    rng: random.Random,
) -> FollowUp:
    category = category_on(client, on)
    content = client.notes.get(on) or pick_content(
        category, designer, client.client_id, on, contents, rng
    )
    method = rng.choice(METHODS[category])
    if "市场部" in content:
        method = "与市场部沟通"

    entered_at = None
    if rng.random() >= MANUAL_SHARE:
        moment = time(rng.randint(9, 20), rng.randint(0, 59), rng.randint(0, 59))
        entered_at = datetime.combine(on, moment)
    return FollowUp(
        on, client, designer, method, content, rng.choice(NEXT_PLANS), entered_at
    )


def pick_content(
    category: str,
    designer: str,
    client_id: int,
    on: date,
    contents: dict[tuple[str, int, str], set[int]],
    rng: random.Random,
) -> str:
    """A plausible note, never the same text for so many clients in a month that
    the audit would flag the diligent designers for 内容雷同."""
    limit = layout.rule_parameter("same_content_clients").default
    while True:
        text = rng.choice(PHRASES[category])
        if rng.random() < 0.5:
            text += "，" + rng.choice(DETAILS)
        clients = contents.setdefault((designer, on.month, text), set())
        if len(clients | {client_id}) < limit:
            clients.add(client_id)
            return text


def entry_order(follow_up: FollowUp) -> tuple[datetime, int]:
    # Hand-typed rows have no 记录时间; take them as typed that evening.
    entered = follow_up.entered_at or datetime.combine(follow_up.day, time(21, 30))
    return entered, follow_up.client.client_id


def follow_up_row(
    number: int, follow_up: FollowUp, names: dict[int, str], rng: random.Random
) -> dict[str, object]:
    manual = follow_up.entered_at is None
    return {
        "record_id": number,
        "entered_at": follow_up.entered_at,
        # The add-in writes real dates; people typing by hand sometimes don't.
        "date": maybe_text_date(follow_up.day, 0.35 if manual else 0.0, rng),
        "client_id": typed_id(follow_up.client.client_id, 0.3, rng),
        "client_name": names[follow_up.client.client_id],
        "designer": follow_up.designer,
        "method": follow_up.method,
        "content": follow_up.content,
        "next_plan": follow_up.next_plan,
        "source": layout.SOURCE_MANUAL if manual else layout.SOURCE_ADDIN,
    }


# Planted for the audit and for review; none of them adds or removes a miss.


def filler_of(clients: list[Client], designer: str) -> list[Client]:
    story_ids = {story.client_id for story in STORIES}
    return [
        client
        for client in clients
        if client.designer == designer and client.client_id not in story_ids
    ]


def first_follow_up(
    follow_ups: list[FollowUp], client: Client, first: date, last: date, added: bool
) -> FollowUp | None:
    """The client's earliest follow-up between first and last (via the add-in
    only when added)."""
    for candidate in follow_ups:
        if (
            candidate.client is client
            and first <= candidate.day <= last
            and (candidate.entered_at is not None or not added)
        ):
            return candidate
    return None


def plant_cover(follow_ups: list[FollowUp], clients: list[Client]) -> None:
    """李晓明 calls one of 张婷's clients while she is on leave."""
    for client in filler_of(clients, ZHANG):
        found = first_follow_up(follow_ups, client, day(10, 8), day(10, 14), False)
        if found is not None:
            found.designer = LI
            found.content = COVER_CONTENT
            return
    raise AssertionError("no follow-up for the colleague's cover")


def plant_same_content(follow_ups: list[FollowUp], clients: list[Client]) -> None:
    """刘洋 writes the same note for three clients in November."""
    planted = 0
    for client in filler_of(clients, LIU):
        found = first_follow_up(follow_ups, client, day(11, 10), day(11, 28), False)
        if found is not None:
            found.content = SAME_CONTENT
            planted += 1
        if planted == layout.rule_parameter("same_content_clients").default:
            return
    raise AssertionError("too few follow-ups for the same-content case")


def plant_batch_entry(follow_ups: list[FollowUp], clients: list[Client]) -> None:
    """赵静 enters five earlier follow-ups in one sitting on 11-28."""
    planted = 0
    for client in filler_of(clients, ZHAO):
        found = first_follow_up(follow_ups, client, day(11, 19), day(11, 25), True)
        if found is not None:
            found.entered_at = BATCH_STARTS_AT + BATCH_STEP * planted
            planted += 1
        if planted == layout.rule_parameter("bulk_entries").default:
            return
    raise AssertionError("too few follow-ups for the batch entry")


# The 监管记录 sheet


def finding_rows() -> list[dict[str, object]]:
    return [
        {
            "verified_date": day(10, 12),
            "client_id": 1012,
            "specialist": ZHOU,
            "kind": "徇私舞弊",
            "description": "回访记录与客户所说不符，替设计师隐瞒未跟进",
            "verifier": SUPERVISOR,
            "verified": layout.YES,
        },
        {
            "verified_date": day(11, 20),
            "client_id": 1003,
            "specialist": WU,
            "kind": "纵容包庇",
            "description": "客户反映11月上中旬无人联系，客服专员回访时知情未报",
            "verifier": SUPERVISOR,
            "verified": layout.YES,
        },
        {
            "verified_date": day(11, 25),
            "client_id": "1015",
            "specialist": ZHOU,
            "kind": "徇私舞弊",
            "description": "有人反映客服专员帮设计师补填回访记录，经核查不属实",
            "verifier": SUPERVISOR,
            "verified": layout.NO,
        },
        {
            "verified_date": typed_date(day(11, 27), "slash"),
            "client_id": 1035,
            "specialist": None,
            "kind": "徇私舞弊",
            "description": "客户流失前多次投诉无人跟进，回访记录却写“满意”",
            "verifier": SUPERVISOR,
            "verified": layout.YES,
        },
    ]
