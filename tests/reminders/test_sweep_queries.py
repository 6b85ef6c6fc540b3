"""The sweep's queries do not grow with the number of forms, letters or offices (issue 18 §3)."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from plans import services
from projects import workflow
from reminders import sweep
from reminders.models import Message, Reminder

from ..conftest import make_project, submit_q1
from ..factories import OfficeFactory, UserFactory, WorkGroupFactory

# FY 2569 Q1 is due Fri 9 Jan 2026: 7 Jan is two working days before, 14 Jan three after (escalation).
BEFORE, ESCALATION = date(2026, 1, 7), date(2026, 1, 14)


def add_offices(offices: int, projects: int, start: int = 0) -> None:
    """``offices`` offices with ``projects`` projects each, over two groups and three owners: one form sent,
    one returned, the rest not started; a group head per group and planning staff to escalate to."""
    for n in range(start, start + offices):
        office = OfficeFactory(code=f"Q{n}")
        fy = services.get_or_create_fiscal_year(office, 2569)[0]
        groups = [WorkGroupFactory(office=office, code=f"Q{n}G{g}") for g in range(2)]
        owners = [UserFactory(office=office, roles=[Role.OWNER], groups=[groups[o % 2]]) for o in range(3)]
        planner = UserFactory(office=office, roles=[Role.PLANNING], groups=[groups[0]])
        for group in groups:
            UserFactory(office=office, roles=[Role.GROUP_HEAD], groups=[group])
        made = [make_project(fy, groups[p % 2], f"Q{n}-{p}", owners=[owners[p % 3], owners[(p + 1) % 3]])
                for p in range(projects)]
        submit_q1(made[0], owners[0])
        returned = submit_q1(made[1], owners[1])
        workflow.return_report(returned.pk, by=planner, expected_version=returned.version,
                               reason="เพิ่มหลักฐาน")


def counted_sweep(day: date) -> tuple[int, int, int]:
    """(queries, letters, reminders) of a sweep on ``day``, undone afterwards."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        letters = sweep.sweep(day)
        reminders = Reminder.objects.count()
        assert Message.objects.filter(kind=Message.Kind.DEADLINE).count() == len(letters)
        assert not Reminder.objects.filter(message=None).exists()  # each linked to its letter's message
        transaction.set_rollback(True)
    return len(queries) - 3, len(letters), reminders  # less the three checks above


@pytest.mark.django_db
@pytest.mark.parametrize("day", [BEFORE, ESCALATION])
def test_sweep_queries_do_not_grow_with_forms_or_offices(day, locmem_mail):
    add_offices(2, 3)
    small, small_letters, small_reminders = counted_sweep(day)
    add_offices(4, 10, start=2)
    large, large_letters, large_reminders = counted_sweep(day)
    assert large_letters > 2 * small_letters and large_reminders > 5 * small_reminders
    assert large <= small + 2, f"{small} queries for {small_letters} letters, {large} for {large_letters}"


@pytest.mark.django_db(transaction=True)
def test_a_sweep_racing_another_neither_crashes_nor_sends_twice_and_keeps_each_reminder_linked(locmem_mail,
                                                                                                monkeypatch):
    """Where the advisory lock does not hold (SQLite), another sweep may record the same letter between this one's
    plan and its inserts: its message and reminders stand, this one adds the rest, linked, and nothing goes twice."""
    from django.core import mail

    add_offices(1, 3)
    planned = sweep.plan

    def racing(today):
        letters = planned(today)
        first = letters[0]
        message = Message.objects.create(key=sweep._message_key(first, today), kind=Message.Kind.DEADLINE,
                                         recipient=first.recipient, office_id=first.recipient.office_id,
                                         to_email=first.email, subject="s", body_text="t")
        Reminder.objects.bulk_create([Reminder(key=item.key, office_id=item.office_id, recipient=first.recipient,
                                               project=item.project, quarter=item.quarter, rule=item.rule.code,
                                               audience=item.rule.audience, due_date=item.due_date, day=today,
                                               message=message) for item in first.items])
        return letters

    monkeypatch.setattr(sweep, "plan", racing)
    mail.outbox.clear()
    letters = sweep.sweep(BEFORE)
    deadline = Message.objects.filter(kind=Message.Kind.DEADLINE)
    assert deadline.count() == len(letters) > 1  # the racer's message was not made again
    assert Reminder.objects.count() == sum(len(letter.items) for letter in letters)
    assert not Reminder.objects.filter(message=None).exists()
    assert len(mail.outbox) == len(letters) - 1  # the racer's letter is the racer's to send


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_postgresql_write_each_letter_once(locmem_mail):
    """The advisory lock: the second sweep waits for the first, then finds everything told."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    add_offices(2, 4)
    results, errors = [], []

    def run():
        try:
            results.append(len(sweep.sweep(BEFORE)))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sorted(results)[0] == 0 and sorted(results)[1] > 0
    assert Message.objects.filter(kind=Message.Kind.DEADLINE).count() == max(results)
    assert not Reminder.objects.filter(message=None).exists()
