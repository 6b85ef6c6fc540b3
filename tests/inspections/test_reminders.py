"""Inspection actions feed the deadline sweep: owners before and on the due date, escalation after it."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from inspections import workflow
from plans.lib.workdays import shift_working_days
from plans.services import holiday_dates
from reminders import sweep
from reminders.models import Reminder

DUE = date(2026, 4, 30)


pytestmark = pytest.mark.usefixtures("locmem_mail")


@pytest.fixture
def action(recommendation, director, planning, promo_group, owner):
    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ")
    return workflow.assign_action(recommendation.pk, by=planning, title="จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง",
                                  group=promo_group, owner=owner, due_date=DUE)


def day(offset: int, office) -> date:
    return shift_working_days(DUE, offset, holiday_dates(office, DUE - timedelta(days=30),
                                                               DUE + timedelta(days=30)))


@pytest.mark.django_db(transaction=True)
def test_owner_is_reminded_before_and_on_the_due_date_once(action, owner, office):
    letters = sweep.sweep(day(-3, office))
    assert [letter.recipient for letter in letters] == [owner]
    (message,) = mail.outbox
    assert "จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง" in message.body and "30 เมษายน พ.ศ. 2569" in message.body
    assert "เหลืออีก 3 วันทำการ" in message.body and f"/inspections/actions/{action.pk}/" in message.body
    assert "การตรวจราชการ" in message.subject or "ตรวจราชการ" in message.subject
    assert sweep.sweep(day(-3, office)) == []  # never twice
    sweep.sweep(DUE)
    assert len(mail.outbox) == 2 and "ครบกำหนดวันนี้" in mail.outbox[1].body
    assert Reminder.objects.filter(rule__startswith="action").count() == 2


@pytest.mark.django_db(transaction=True)
def test_overdue_actions_escalate_to_the_group_head_and_planning(action, owner, group_head, planning, office):
    letters = sweep.sweep(day(3, office))
    assert {letter.recipient for letter in letters} == {group_head, planning}
    body = next(m for m in mail.outbox if m.to == [group_head.email]).body
    assert "เกินกำหนด 3 วันทำการ" in body and owner.full_name in body


@pytest.mark.django_db(transaction=True)
def test_done_actions_are_not_reminded(action, owner, office):
    from inspections.demo import _pdf

    action = workflow.follow_up(action.pk, by=owner, expected_version=action.version, text="เสร็จ", files=_pdf("a.pdf"))
    workflow.move_action(action.pk, "done", by=owner, expected_version=action.version)
    assert sweep.sweep(day(-3, office)) == []
    out = StringIO()
    call_command("send_reminders", "--today", day(3, office).isoformat(), "--dry-run", stdout=out)
    assert "inspection action" not in out.getvalue()
