"""The policy's rules (SPEC §2), one at a time, on records built in the test."""

import datetime as dt

import pytest

from checker.rules import all_misses, month_fines, statuses
from workbook import layout
from workbook.records import Book, Client, Finding, FollowUp, Person, Rules


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def client(client_id="1", **fields) -> Client:
    fields.setdefault("designer", "王设计")
    fields.setdefault("specialist", "林客服")
    fields.setdefault("handover_date", day("2026-01-01"))  # 现房 throughout
    fields.setdefault("assigned_date", day("2026-11-01"))
    for key in ("handover_date", "assigned_date", "long_term_since", "closed_date"):
        if isinstance(fields.get(key), str):
            fields[key] = day(fields[key])
    return Client(client_id=client_id, row=2, **fields)


def follow_ups(client_id: str, *dates: str) -> list[FollowUp]:
    return [
        FollowUp(row=10 + i, date=day(d), client_id=client_id)
        for i, d in enumerate(dates)
    ]


STAFF = {
    "王设计": Person("王设计", 2, layout.ROLE_DESIGNER, "设计一部", "赵经理"),
    "赵经理": Person("赵经理", 3, layout.ROLE_MANAGER, "设计一部", ""),
    "林客服": Person("林客服", 4, layout.ROLE_SPECIALIST, "客服部", "陈主管"),
    "吴客服": Person("吴客服", 5, layout.ROLE_SPECIALIST, "客服部", "陈主管"),
    "陈主管": Person("陈主管", 6, layout.ROLE_SUPERVISOR, "客服部", ""),
}


def book(clients, follow_up_list=(), rules=None, findings=()) -> Book:
    return Book(
        clients=list(clients),
        follow_ups=list(follow_up_list),
        staff=dict(STAFF),
        findings=list(findings),
        rules=rules or Rules(),
    )


def miss_dates(the_book: Book, until: str) -> list[str]:
    return [m.date.isoformat() for m in all_misses(the_book, day(until))]


def deadlines(the_book: Book, until: str) -> list[str]:
    return [m.deadline.isoformat() for m in all_misses(the_book, day(until))]


def test_worked_example_of_the_spec():
    the_book = book(
        [client()], follow_ups("1", "2026-11-02", "2026-11-05", "2026-11-12")
    )

    assert deadlines(the_book, "2026-11-15") == ["2026-11-08", "2026-11-11"]
    assert miss_dates(the_book, "2026-11-15") == ["2026-11-09", "2026-11-12"]
    [status] = statuses(the_book, day("2026-11-15"))
    assert status.deadline == day("2026-11-15")
    assert status.state == layout.DUE_TODAY


@pytest.mark.parametrize(
    ("handover", "interval"),
    [("2026-01-01", 3), ("2027-01-15", 7), ("2027-12-01", 15)],
    ids=["handed-over", "handover-soon", "off-plan"],
)
def test_a_client_left_alone_misses_once_per_interval(handover, interval):
    the_book = book([client(handover_date=handover)])

    start = day("2026-11-01")
    expected = [
        (start + dt.timedelta(days=interval * k + 1)).isoformat() for k in range(1, 4)
    ]
    until = day(expected[-1])
    assert miss_dates(the_book, until.isoformat()) == expected


def test_a_follow_up_on_the_deadline_meets_it():
    the_book = book([client()], follow_ups("1", "2026-11-04", "2026-11-07"))

    assert miss_dates(the_book, "2026-11-10") == []


def test_category_change_inside_a_window_takes_the_earlier_deadline():
    # 期房 until 2026-11-10 (handover 2027-02-10 minus 3 months), then 准现房:
    # the 15-day deadline 11-16 becomes 11-10 + 7 = 11-17? no: the earlier one.
    the_book = book([client(handover_date="2027-02-10")])
    assert deadlines(the_book, "2026-11-17")[:1] == ["2026-11-16"]

    # Handover on 11-03 turns a 准现房 window (deadline 11-08) into 现房: 11-06.
    soon = book([client(handover_date="2026-11-03")])
    assert deadlines(soon, "2026-11-10")[:1] == ["2026-11-06"]


def test_misses_stop_at_the_closing_date_of_a_signed_client():
    the_book = book([client(status=layout.STATUS_SIGNED, closed_date="2026-11-11")])

    # Deadlines 11-04, 11-07 and 11-10 are before 11-11; 11-13 is not.
    assert deadlines(the_book, "2026-11-30") == [
        "2026-11-04",
        "2026-11-07",
        "2026-11-10",
    ]
    [status] = statuses(the_book, day("2026-11-30"))
    assert status.state == layout.CLOSED


def test_signed_without_a_closing_date_is_still_tracked():
    the_book = book([client(status=layout.STATUS_LOST)])

    assert len(miss_dates(the_book, "2026-11-30")) == 9


def test_long_term_misses_are_unfined_unless_the_rule_says_so():
    long_term = client(
        long_term=True, long_term_since="2026-09-01", assigned_date="2026-09-01"
    )
    default = month_fines(book([long_term]), "2026-11")
    switched = month_fines(
        book([long_term], rules=Rules().replace(fine_long_term=True)), "2026-11"
    )

    assert default.lines == [] and default.unfined_misses == 1
    assert [(line.clause, line.amount) for line in switched.lines] == [
        ("designer", 30),
        ("manager", 10),
    ]


def test_a_miss_dated_the_first_of_december_belongs_to_december():
    # Assigned 11-27: deadline 11-30, miss dated 12-01.
    the_book = book([client(assigned_date="2026-11-27")])

    assert month_fines(the_book, "2026-11").lines == []
    december = month_fines(the_book, "2026-12", as_of=day("2026-12-01"))
    assert [line.date for line in december.lines] == [day("2026-12-01")] * 2


def test_month_interval_ends_at_the_end_of_a_shorter_month():
    the_book = book(
        [
            client(
                long_term=True, long_term_since="2026-01-31", assigned_date="2026-01-31"
            )
        ]
    )

    assert deadlines(the_book, "2026-04-30") == [
        "2026-02-28",
        "2026-03-28",
        "2026-04-28",
    ]


def test_the_clock_starts_no_earlier_than_the_effective_date():
    rules = Rules().replace(effective_date=day("2026-11-20"))
    the_book = book([client(assigned_date="2026-09-01")], rules=rules)

    assert miss_dates(the_book, "2026-11-30") == [
        "2026-11-24",
        "2026-11-27",
        "2026-11-30",
    ]


def test_a_reassigned_clients_clock_starts_at_the_new_assignment():
    # The previous designer's follow-ups before 11-10 do not count.
    the_book = book(
        [client(assigned_date="2026-11-10")],
        follow_ups("1", "2026-11-01", "2026-11-08", "2026-11-12"),
    )

    assert deadlines(the_book, "2026-11-20") == ["2026-11-15", "2026-11-18"]


def test_without_an_assigned_date_the_clock_starts_at_the_first_follow_up():
    no_date = client(assigned_date=None)
    the_book = book([no_date], follow_ups("1", "2026-11-05"))

    assert deadlines(the_book, "2026-11-12") == ["2026-11-08", "2026-11-11"]
    [status] = statuses(book([no_date]), day("2026-11-12"))
    assert status.state == layout.INCOMPLETE


def test_without_a_handover_date_the_client_is_judged_off_plan():
    the_book = book([client(handover_date=None)])

    assert deadlines(the_book, "2026-11-30") == ["2026-11-16"]


def test_long_term_without_its_date_is_long_term_from_assignment():
    the_book = book([client(long_term=True, assigned_date="2026-10-01")])

    assert deadlines(the_book, "2026-11-30") == ["2026-11-01"]


def test_designer_and_manager_are_charged_for_each_miss():
    the_book = book([client(name="李女士")], follow_ups("1", "2026-11-03"))

    fines = month_fines(the_book, "2026-11")
    first = fines.lines[:2]
    assert [
        (line.person, line.role, line.amount, line.date.isoformat()) for line in first
    ] == [
        ("王设计", "设计师", 30, "2026-11-07"),
        ("赵经理", "部门经理", 10, "2026-11-07"),
    ]
    assert first[0].client_name == "李女士"
    assert fines.total == 40 * len(fines.misses)


def test_a_designer_without_a_superior_is_charged_alone():
    the_book = book([client(designer="孙新人", handover_date="2027-12-01")])

    fines = month_fines(the_book, "2026-11")
    assert [(line.person, line.clause) for line in fines.lines] == [
        ("孙新人", "designer")
    ]


def finding(**fields) -> Finding:
    fields.setdefault("verified_date", day("2026-11-20"))
    fields.setdefault("client_id", "1")
    fields.setdefault("verified", True)
    return Finding(row=2, **fields)


def test_verified_findings_charge_specialist_and_supervisor():
    followed = follow_ups("1", *[f"2026-11-{d:02d}" for d in range(2, 31, 2)])
    findings = [
        finding(specialist="吴客服"),
        finding(verified=False, specialist="吴客服"),
        finding(verified_date=day("2026-10-31"), specialist="吴客服"),
        finding(),  # no specialist named: the client's 客服专员 pays
    ]
    fines = month_fines(book([client()], followed, findings=findings), "2026-11")

    assert [(line.person, line.clause, line.amount) for line in fines.lines] == [
        ("吴客服", "specialist", 50),
        ("陈主管", "supervisor", 20),
        ("林客服", "specialist", 50),
        ("陈主管", "supervisor", 20),
    ]


def test_every_amount_comes_from_the_rules():
    rules = Rules().replace(
        fine_designer=25,
        fine_manager=0,
        fine_specialist=60,
        fine_supervisor=15.5,
        interval_handed_over=5,
    )
    the_book = book([client()], findings=[finding()], rules=rules)

    fines = month_fines(the_book, "2026-11")
    assert {(line.clause, line.amount) for line in fines.lines} == {
        ("designer", 25),
        ("specialist", 60),
        ("supervisor", 15.5),
    }
    assert fines.lines[0].deadline == day("2026-11-06")


@pytest.mark.parametrize(
    ("as_of", "state", "days_overdue"),
    [
        ("2026-11-02", layout.ON_TRACK, 0),
        ("2026-11-03", layout.DUE_SOON, 0),
        ("2026-11-04", layout.DUE_TODAY, 0),
        ("2026-11-06", layout.OVERDUE, 2),
    ],
)
def test_status_states(as_of, state, days_overdue):
    [status] = statuses(book([client()]), day(as_of))

    assert (status.state, status.days_overdue) == (state, days_overdue)
    assert status.deadline == day("2026-11-04")  # first missed since last follow-up


def test_a_month_computed_on_its_own_matches_the_whole_history():
    # A long history with gaps: the month's misses must not depend on whether
    # the walk started at the assignment or at a later follow-up.
    days = [
        "2026-03-02",
        "2026-03-20",
        "2026-06-01",
        "2026-10-30",
        "2026-11-01",
        "2026-11-09",
        "2026-11-20",
    ]
    the_book = book([client(assigned_date="2026-03-01")], follow_ups("1", *days))

    everything = all_misses(the_book, day("2026-11-30"))
    november = [m for m in everything if m.date >= day("2026-11-01")]
    assert month_fines(the_book, "2026-11").misses == november
    assert november[0].date == day("2026-11-05")
    [status] = statuses(the_book, day("2026-11-30"))
    assert status.last_follow_up == day("2026-11-20")
    assert status.deadline == day("2026-11-23")


def test_a_miss_dated_the_first_of_the_month_with_a_follow_up_that_day():
    # Deadline 10-31 missed, the late follow-up comes on 11-01: the miss is
    # November's although the walk for November could start at 11-01.
    the_book = book([client(assigned_date="2026-10-28")], follow_ups("1", "2026-11-01"))

    assert [m.date for m in month_fines(the_book, "2026-11").misses][:1] == [
        day("2026-11-01")
    ]
