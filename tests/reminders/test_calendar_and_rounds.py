"""Calendar activities and monitoring rounds feed the deadline sweep: before the start / due date, and overdue."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from inspections.models import MonitoringResult, MonitoringRound
from plans.lib.workdays import shift_working_days
from plans.models import CalendarActivity
from plans.services import holiday_dates
from reminders import sweep
from reminders.models import Reminder, ReminderRule

pytestmark = pytest.mark.usefixtures("locmem_mail")

START, END = date(2026, 3, 1), date(2026, 3, 31)  # FY 2569: the activity runs in March (1 March is a Sunday)
ROUND_DUE = date(2026, 4, 30)


def shifted(day, offset, office):
    return shift_working_days(day, offset, holiday_dates(office, day - timedelta(days=40), day + timedelta(days=40)))


@pytest.fixture
def activity(fy, promo_group):
    return CalendarActivity.objects.create(fiscal_year=fy, order=1, title="นิเทศติดตามโครงการตามแผนปฏิบัติการ",
                                           months=[3], responsible_group=promo_group)


@pytest.fixture
def monitoring_result(fy, indicator, owner, promo_group, planning):
    monitoring_round = MonitoringRound.objects.create(fiscal_year=fy, title="ติดตามนโยบาย รอบ 6 เดือน",
                                                      due_date=ROUND_DUE, opened_by=planning)
    return MonitoringResult.objects.create(round=monitoring_round, indicator=indicator, responsible=owner,
                                           group=promo_group)


def test_an_activity_spans_its_months_in_fiscal_order(fy, promo_group):
    across = CalendarActivity(fiscal_year=fy, title="x", months=[11, 12, 1])
    assert across.span() == (date(2025, 11, 1), date(2026, 1, 31)) and len(across.runs()) == 1
    quarterly = CalendarActivity(fiscal_year=fy, title="q", months=[1, 4, 7])
    assert quarterly.runs() == [(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 30)),
                                (date(2026, 7, 1), date(2026, 7, 31))]
    quarterly.done_on = date(2026, 2, 3)  # the January run was done; April's is still ahead
    assert quarterly.open_run(date(2026, 4, 2)) == (date(2026, 4, 1), date(2026, 4, 30))
    assert quarterly.open_run(date(2026, 3, 1)) is None
    dated = CalendarActivity(fiscal_year=fy, title="y", start_date=date(2026, 5, 4), end_date=date(2026, 5, 8))
    assert dated.span() == (date(2026, 5, 4), date(2026, 5, 8))
    assert CalendarActivity(fiscal_year=fy, title="z").span() is None


@pytest.mark.django_db(transaction=True)
def test_calendar_activity_reminds_head_and_planning_before_it_starts_once(activity, group_head, planning,
                                                                          owner, office):
    before = shifted(START, -5, office)
    letters = sweep.sweep(before)
    assert {letter.recipient for letter in letters} == {group_head, planning}
    body = next(m for m in mail.outbox if m.to == [group_head.email]).body
    assert "นิเทศติดตามโครงการตามแผนปฏิบัติการ" in body and "1 มีนาคม พ.ศ. 2569" in body
    assert "จะเริ่มในอีก 4 วันทำการ" in body  # 23 Feb → the Friday before the Sunday it starts and "#calendar" in body
    assert sweep.sweep(before) == [] and sweep.sweep(before + timedelta(days=1)) == []  # once per person per rule
    assert Reminder.objects.filter(rule="cal-start-5").count() == 2


@pytest.mark.django_db(transaction=True)
def test_overdue_activity_reminds_until_marked_done(activity, group_head, planning, office):
    after = shifted(END, 1, office)
    letters = sweep.sweep(after)
    assert {letter.recipient for letter in letters} == {group_head, planning}
    assert "เกินกำหนด 1 วันทำการ" in mail.outbox[0].body
    activity.done_on = END
    activity.save()
    Reminder.objects.all().delete()
    assert sweep.sweep(after) == []


@pytest.mark.django_db(transaction=True)
def test_calendar_rules_are_per_year_and_separate_from_form_rules(activity, fy, office):
    assert [r.code for r in sweep.rules_for(fy, ReminderRule.Source.CALENDAR)] == ["cal-start-5", "cal-due+1"]
    assert all(r.source == "form" for r in sweep.rules_for(fy))
    ReminderRule.objects.filter(fiscal_year=fy, source="calendar", anchor="start").update(is_active=False)
    assert sweep.sweep(shifted(START, -5, office)) == []


@pytest.mark.django_db(transaction=True)
def test_round_reminds_the_responsible_before_and_escalates_after(monitoring_result, owner, group_head, planning,
                                                                  office):
    letters = sweep.sweep(shifted(ROUND_DUE, -3, office))
    assert [letter.recipient for letter in letters] == [owner]
    (message,) = mail.outbox
    assert "ติดตามนโยบาย รอบ 6 เดือน" in message.body and "KPI01" in message.body
    assert "เหลืออีก 3 วันทำการ" in message.body and f"/monitoring/results/{monitoring_result.pk}/" in message.body
    assert sweep.sweep(shifted(ROUND_DUE, -3, office)) == []
    letters = sweep.sweep(shifted(ROUND_DUE, 3, office))
    assert {letter.recipient for letter in letters} == {group_head, planning}
    body = next(m for m in mail.outbox if m.to == [group_head.email]).body
    assert "เกินกำหนด 3 วันทำการ" in body and owner.full_name in body


@pytest.mark.django_db(transaction=True)
def test_sent_results_are_not_reminded(monitoring_result, office):
    MonitoringResult.objects.filter(pk=monitoring_result.pk).update(state="submitted")
    assert sweep.sweep(shifted(ROUND_DUE, -3, office)) == []


@pytest.mark.django_db(transaction=True)
def test_dry_run_lists_the_activity_and_the_round_once_before_they_are_due(activity, monitoring_result, office,
                                                                           group_head, planning, owner):
    # A calendar activity starting in five working days and a round due in three, on the same day.
    activity.start_date, activity.end_date, activity.months = shifted(ROUND_DUE, 2, office), ROUND_DUE + timedelta(days=20), []
    activity.save()
    day = shifted(ROUND_DUE, -3, office)
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--today", day.isoformat(), stdout=out)
    text = out.getvalue()
    assert text.count("calendar activity") == 2  # the group head and planning, one line each
    assert text.count("monitoring round") == 1 and "would send" in text
    assert not mail.outbox and not Reminder.objects.exists()
