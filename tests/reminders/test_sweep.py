"""The deadline sweep: the right people, on the right working days, exactly once, one e-mail each."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Role
from projects import workflow
from reminders import sweep
from reminders.models import Message, Reminder, ReminderRule

from ..conftest import make_project, submit_q1
from ..factories import UserFactory

# FY 2569 Q1: ends Wed 31 Dec 2025; due Fri 9 Jan 2026 (1-2 Jan are days off).
DUE = date(2026, 1, 9)


pytestmark = pytest.mark.usefixtures("locmem_mail")


@pytest.fixture
def projects(fy, promo_group, owner, other_owner, sup_group):
    return {
        "a": make_project(fy, promo_group, "P-A", owners=[owner]),
        "b": make_project(fy, promo_group, "P-B", owners=[owner]),
        "c": make_project(fy, sup_group, "P-C", owners=[other_owner]),
    }


@pytest.mark.django_db(transaction=True)
def test_each_owner_gets_one_mail_listing_their_forms_and_never_twice(projects, owner, other_owner):
    letters = sweep.sweep(date(2026, 1, 7))  # two working days before the due date
    assert {letter.recipient for letter in letters} == {owner, other_owner}
    assert len(mail.outbox) == 2
    mine = next(m for m in mail.outbox if m.to == [owner.email])
    assert "P-A" in mine.body and "P-B" in mine.body and "P-C" not in mine.body
    assert "9 มกราคม พ.ศ. 2569" in mine.body and "เหลืออีก 2 วันทำการ" in mine.body
    assert "/projects/" in mine.body and "/q1/" in mine.body
    assert Reminder.objects.filter(rule="due-2").count() == 3
    # Again the same day, and an hour later: nothing new.
    assert sweep.sweep(date(2026, 1, 7)) == []
    assert len(mail.outbox) == 2 and Message.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_sent_forms_stop_reminders_and_returned_ones_bring_the_reason(projects, owner, planning):
    submit_q1(projects["a"], owner)
    b = submit_q1(projects["b"], owner)
    workflow.return_report(b.pk, by=planning, expected_version=b.version, reason="แนบหลักฐานเพิ่ม")
    mail.outbox.clear()
    sweep.sweep(DUE)  # the due day
    mine = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(mine) == 1
    assert "P-A" not in mine[0].body and "P-B" in mine[0].body
    assert "แนบหลักฐานเพิ่ม" in mine[0].body and "ครบกำหนดวันนี้" in mine[0].body


@pytest.mark.django_db(transaction=True)
def test_escalation_goes_to_the_group_head_and_planning_with_the_owners_named(projects, owner, group_head,
                                                                             planning, other_owner):
    sweep.sweep(date(2026, 1, 12))  # 1 working day after: the owners are told
    mail.outbox.clear()
    letters = sweep.sweep(date(2026, 1, 14))  # 3 working days after: escalation
    to = {letter.recipient: letter for letter in letters}
    assert set(to) == {group_head, planning}
    assert {i.project.code for i in to[group_head].items} == {"P-A", "P-B"}
    assert {i.project.code for i in to[planning].items} == {"P-A", "P-B", "P-C"}
    head_mail = next(m for m in mail.outbox if m.to == [group_head.email])
    assert owner.full_name in head_mail.body and "เกินกำหนด 3 วันทำการ" in head_mail.body


@pytest.mark.django_db(transaction=True)
def test_rules_are_per_year_and_can_be_switched_off(projects, fy, owner):
    sweep.rules_for(fy)
    ReminderRule.objects.filter(fiscal_year=fy, anchor="due", offset=-2).update(is_active=False)
    assert sweep.sweep(date(2026, 1, 7)) == []
    ReminderRule.objects.create(fiscal_year=fy, anchor="due", offset=-1, audience="owner")
    assert {letter.recipient for letter in sweep.sweep(date(2026, 1, 8))} == {owner, projects["c"].owners.get()}


@pytest.mark.django_db(transaction=True)
def test_window_opening_reminder_and_catch_up(projects, owner):
    assert sweep.sweep(date(2025, 12, 30)) == []  # before the quarter's last day
    assert sweep.sweep(date(2026, 1, 2))  # missed on 31 Dec: caught up within two days
    assert Reminder.objects.filter(rule="window").count() == 3


@pytest.mark.django_db(transaction=True)
def test_command_dry_run_sends_nothing_and_a_second_run_sends_nothing(projects, owner):
    out = StringIO()
    call_command("send_reminders", "--today", "2026-01-12", "--dry-run", stdout=out)
    assert "would send 1 e-mail to " + owner.email in out.getvalue() and "[due+1, owner]" in out.getvalue()
    assert mail.outbox == [] and not Reminder.objects.exists()
    out = StringIO()
    call_command("send_reminders", "--today", "2026-01-12", stdout=out)
    assert "2 e-mail(s), 3 reminder(s) queued" in out.getvalue() and len(mail.outbox) == 2
    out = StringIO()
    call_command("send_reminders", "--today", "2026-01-12", stdout=out)
    assert "0 e-mail(s), 0 reminder(s) queued" in out.getvalue() and len(mail.outbox) == 2


@pytest.mark.django_db
def test_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "12/1/2569")


@pytest.mark.django_db(transaction=True)
def test_other_offices_and_cancelled_projects_and_inactive_owners_get_nothing(projects, owner, other_office):
    from plans import services

    other_fy = services.get_or_create_fiscal_year(other_office, 2569)[0]
    stranger = UserFactory(office=other_office, roles=[Role.OWNER])
    from accounts.models import WorkGroup

    group = WorkGroup.objects.create(office=other_office, code="X", name="กลุ่ม X")
    make_project(other_fy, group, "T-1", owners=[stranger])
    projects["c"].status = "cancelled"
    projects["c"].cancel_reason = "ยกเลิก"
    projects["c"].save()
    owner.is_active = False
    owner.save()
    letters = sweep.sweep(date(2026, 1, 7))
    assert {letter.recipient for letter in letters} == {stranger}
    assert {i.project.code for i in letters[0].items} == {"T-1"}
