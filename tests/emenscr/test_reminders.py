"""eMENSCR windows feed the deadline sweep: owners and planning, 3 days before a window closes and on its last day,
each once."""

from datetime import date

import pytest
from django.core import mail

from emenscr import services
from emenscr.stages import ensure_stages
from reminders import sweep
from reminders.models import Reminder

pytestmark = pytest.mark.usefixtures("locmem_mail")

CLOSES = date(2026, 1, 20)  # M1–M6 round 2 and M7 quarter 1 both close on 20 ม.ค. 2569


@pytest.mark.django_db(transaction=True)
def test_owners_and_planning_are_reminded_three_days_before_and_on_the_last_day_once(project, owner, planning):
    letters = sweep.sweep(date(2026, 1, 17))
    assert {letter.recipient for letter in letters} == {owner, planning}
    body = next(m for m in mail.outbox if m.to == [owner.email]).body
    assert "ช่วงเวลานำเข้า eMENSCR" in body and "20 มกราคม พ.ศ. 2569" in body and "/emenscr/?fy=2569" in body
    count = Reminder.objects.count()
    assert sweep.sweep(date(2026, 1, 17)) == [] and sweep.sweep(date(2026, 1, 18)) == []  # once
    assert Reminder.objects.count() == count
    assert {letter.recipient for letter in sweep.sweep(CLOSES)} == {owner, planning}
    assert sweep.sweep(CLOSES) == []


@pytest.mark.django_db(transaction=True)
def test_a_window_whose_projects_are_all_keyed_is_not_reminded(project, owner, planning, fy):
    for stage in ensure_stages(fy):
        services.mark_keyed(user=planning, fiscal_year=fy, stage_code=stage.code, round_=1 if stage.per_quarter else 2,
                            projects=[project], reference="EM-9", confirm_missing=True)
    assert sweep.sweep(date(2026, 1, 17)) == []
    assert not Reminder.objects.filter(key__startswith="emenscr:").exists()


@pytest.mark.django_db(transaction=True)
def test_windows_are_calendar_dates_as_typed(project, owner, fy):
    stage = next(s for s in ensure_stages(fy) if s.code == "M1")
    stage.windows.filter(round=2).update(closes=date(2026, 1, 24))  # a Saturday
    sweep.sweep(date(2026, 1, 21))
    assert Reminder.objects.filter(key__startswith="emenscr:", key__contains=":M1:r2:emenscr-3:").exists()
