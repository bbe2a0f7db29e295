"""Problems that only show when sheets are read together.

Each is reported on the cell a person must change. Incomplete rows are still
judged (see rules.py) in the way that never lowers a fine; these problems say
how they were judged and what to fill in.
"""

from __future__ import annotations

import datetime as dt

from checker.rules import follow_up_days
from workbook import layout
from workbook.problems import problem
from workbook.records import Book, Client
from workbook.values import month_bounds


def cross_checks(book: Book, as_of: dt.date) -> list:
    """Every cross-sheet problem of the book, in sheet order."""
    flagged = {(p.sheet, p.cell) for p in book.problems}
    found = []
    found += duplicate_clients(book)
    found += client_gaps(book, as_of, flagged)
    found += follow_up_mismatches(book, as_of)
    found += finding_gaps(book)
    found += dates_after_check_day(book, as_of)
    return found


def duplicate_clients(book: Book) -> list:
    first_rows, found = {}, []
    for client in book.clients:
        cell = book.cell(layout.CLIENTS, client.row, "client_id")
        if client.client_id in first_rows:
            found.append(
                problem(
                    "duplicate-client",
                    layout.CLIENTS,
                    cell,
                    client.client_id,
                    extra=first_rows[client.client_id],
                )
            )
        else:
            first_rows[client.client_id] = cell
    return found


def client_gaps(book: Book, as_of: dt.date, flagged: set) -> list:
    days = follow_up_days(book, as_of)
    found = []
    for client in book.clients:
        found += _incomplete_fields(
            book, client, bool(days.get(client.client_id)), flagged
        )
        found += _designer_chain(book, client)
    return found


def _incomplete_fields(book: Book, client: Client, followed: bool, flagged) -> list:
    def at(key: str, code: str, value: str = "") -> list:
        cell = book.cell(layout.CLIENTS, client.row, key)
        if (layout.CLIENTS, cell) in flagged:
            return []  # the unreadable value is already reported on this cell
        return [problem(code, layout.CLIENTS, cell, value)]

    found = []
    if client.handover_date is None and not client.long_term:
        found += at("handover_date", "no-handover-date")
    if client.long_term and client.long_term_since is None:
        found += at("long_term_since", "long-term-without-date")
    if client.assigned_date is None:
        found += at(
            "assigned_date", "no-assigned-date" if followed else "incomplete-client"
        )
    if client.status != layout.STATUS_ACTIVE and client.closed_date is None:
        found += at("closed_date", "closed-without-date", client.status)
    return found


def _designer_chain(book: Book, client: Client) -> list:
    if not client.designer:
        return []
    cell = book.cell(layout.CLIENTS, client.row, "designer")
    person = book.staff.get(client.designer)
    if person is None:
        return [problem("designer-not-in-staff", layout.CLIENTS, cell, client.designer)]
    if not person.superior:
        return [
            problem("designer-without-superior", layout.CLIENTS, cell, client.designer)
        ]
    return role_mismatches(
        book, layout.CLIENTS, cell, person, layout.ROLE_DESIGNER, layout.ROLE_MANAGER
    )


def role_mismatches(
    book: Book, sheet: str, cell: str, person, role: str, superior_role: str
) -> list:
    """A person charged under one role whose 人员 row says another, and the same
    for the superior who pays the joint share."""
    found = []
    if person.role and person.role != role:
        found.append(
            problem(
                "role-mismatch",
                sheet,
                cell,
                person.name,
                header=role,
                extra=person.role,
            )
        )
    superior = book.staff.get(person.superior)
    if superior is not None and superior.role and superior.role != superior_role:
        found.append(
            problem(
                "role-mismatch",
                sheet,
                cell,
                superior.name,
                header=superior_role,
                extra=superior.role,
            )
        )
    return found


def follow_up_mismatches(book: Book, as_of: dt.date) -> list:
    clients = {}
    for client in book.clients:
        clients.setdefault(client.client_id, client)
    found = []
    for follow_up in book.follow_ups:
        client = clients.get(follow_up.client_id)
        # Most records are in order; only the others pay for a closer look.
        if (
            client is not None
            and follow_up.date <= as_of
            and (client.assigned_date is None or follow_up.date >= client.assigned_date)
            and (not follow_up.designer or follow_up.designer == client.designer)
        ):
            continue
        found += _follow_up_problems(book, follow_up, client, as_of)
    return found


def _follow_up_problems(book: Book, follow_up, client, as_of: dt.date) -> list:
    def at(key: str, code: str, value: str, **texts):
        cell = book.cell(layout.FOLLOW_UPS, follow_up.row, key)
        return [problem(code, layout.FOLLOW_UPS, cell, value, **texts)]

    if client is None:
        return at("client_id", "unknown-client", follow_up.client_id)
    shown = follow_up.date.isoformat()
    if follow_up.date > as_of:
        return at(
            "date", "future-date", shown, header="跟踪日期", extra=as_of.isoformat()
        )
    if client.assigned_date and follow_up.date < client.assigned_date:
        if follow_up.designer and follow_up.designer != client.designer:
            return []  # the previous designer's history: expected, not counted
        # Before the assignment it was someone else's client: the record does
        # not count, and a different designer on it is expected.
        return at(
            "date", "before-assignment", shown, extra=client.assigned_date.isoformat()
        )
    if follow_up.designer and client.designer and follow_up.designer != client.designer:
        return at(
            "designer", "other-designer", follow_up.designer, extra=client.designer
        )
    return []


def finding_gaps(book: Book) -> list:
    clients = {client.client_id: client for client in book.clients}
    found = []
    for finding in book.findings:
        if not finding.verified:
            continue
        client = clients.get(finding.client_id)
        name = finding.specialist or (client.specialist if client else "")
        cell = book.cell(layout.FINDINGS, finding.row, "specialist")
        if not name:
            found.append(problem("finding-without-specialist", layout.FINDINGS, cell))
            continue
        if finding.client_id and client is None:
            id_cell = book.cell(layout.FINDINGS, finding.row, "client_id")
            found.append(
                problem(
                    "finding-unknown-client",
                    layout.FINDINGS,
                    id_cell,
                    finding.client_id,
                )
            )
        person = book.staff.get(name)
        if person is None:
            found.append(
                problem("specialist-not-in-staff", layout.FINDINGS, cell, name)
            )
        elif not person.superior:
            found.append(
                problem("specialist-without-superior", layout.FINDINGS, cell, name)
            )
        else:
            found += role_mismatches(
                book,
                layout.FINDINGS,
                cell,
                person,
                layout.ROLE_SPECIALIST,
                layout.ROLE_SUPERVISOR,
            )
    return found


def reassigned_after_month(book: Book, month: str) -> list:
    """Clients assigned after the month who have someone else's earlier records:
    probably handed over since, so the month's misses of the previous designer
    are beyond what this workbook can show."""
    _, last = month_bounds(month)
    earlier_by_others = {
        f.client_id for f in book.follow_ups if f.designer and f.date <= last
    }
    found = []
    for client in book.clients:
        if client.assigned_date is None or client.assigned_date <= last:
            continue
        if client.client_id not in earlier_by_others:
            continue
        cell = book.cell(layout.CLIENTS, client.row, "assigned_date")
        found.append(
            problem(
                "reassigned-after-month",
                layout.CLIENTS,
                cell,
                client.assigned_date.isoformat(),
                extra=month,
            )
        )
    return found


# Dates that cannot lie after the day of the check: a client is assigned, turned
# long-term, signed or lost, and a finding verified, on a day that has come. A
# 交房日期 in the future is normal, and follow-ups have their own warning.
PAST_DATES = (
    (
        layout.CLIENT_SHEET,
        "clients",
        ("assigned_date", "long_term_since", "closed_date"),
    ),
    (layout.FINDING_SHEET, "findings", ("verified_date",)),
)


def dates_after_check_day(book: Book, as_of: dt.date) -> list:
    found = []
    for sheet, records, keys in PAST_DATES:
        for record in getattr(book, records):
            for key in keys:
                day = getattr(record, key)
                if day is not None and day > as_of:
                    found.append(
                        problem(
                            "date-after-check-day",
                            sheet.name,
                            book.cell(sheet.name, record.row, key),
                            day.isoformat(),
                            header=sheet.column(key).header,
                            extra=as_of.isoformat(),
                        )
                    )
    return found
