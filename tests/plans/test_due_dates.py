"""Report due dates: the 5th working day after each quarter ends, against real Thai holidays."""

from datetime import date

import pytest

from plans import services
from plans.models import Holiday, Quarter


def due_dates(year, **kwargs):
    return [due for _span, due in services.quarter_schedule(year, **kwargs)]


@pytest.mark.django_db
def test_fy_2569_q1_skips_new_year_and_the_cabinet_special_day():
    # 1 Jan 2026 New Year's Day and 2 Jan 2026 special cabinet holiday: due Fri 9 Jan 2026.
    assert due_dates(2569) == [date(2026, 1, 9), date(2026, 4, 8), date(2026, 7, 7), date(2026, 10, 7)]


@pytest.mark.django_db
def test_fy_2569_q2_skips_chakri_day():
    # Q2 ends Tue 31 Mar 2026; Mon 6 Apr is Chakri Memorial Day.
    assert due_dates(2569)[1] == date(2026, 4, 8)


@pytest.mark.django_db
def test_fy_2566_q1_skips_substitution_days():
    # New Year's Day 2023 fell on a Sunday and New Year's Eve 2022 on a Saturday:
    # Mon 2 and Tue 3 Jan 2023 were substitution days, so Q1 was due Tue 10 Jan 2023.
    days = services.holiday_dates(None, date(2023, 1, 1), date(2023, 1, 31))
    assert {date(2023, 1, 2), date(2023, 1, 3)} <= days
    assert due_dates(2566)[0] == date(2023, 1, 10)


@pytest.mark.django_db
def test_royal_ploughing_day_is_a_government_holiday():
    assert date(2026, 5, 13) in services.holiday_dates(None, date(2026, 5, 1), date(2026, 5, 31))


@pytest.mark.django_db
def test_national_holidays_are_copied_into_the_table_once_per_year():
    services.holiday_dates(None, date(2026, 1, 1), date(2026, 12, 31))
    count = Holiday.objects.national().filter(date__year=2026).count()
    assert count > 15
    services.load_national_holidays(2026)
    assert Holiday.objects.national().filter(date__year=2026).count() == count


@pytest.mark.django_db
def test_a_corrected_national_holiday_is_used(office):
    # A superuser corrects the national calendar: an extra day off on Mon 6 Jul 2026.
    services.ensure_national_holidays(date(2026, 1, 1), date(2026, 12, 31))
    Holiday.objects.create(office=None, date=date(2026, 7, 6), name="วันหยุดพิเศษ", source=Holiday.Source.MANUAL)
    assert due_dates(2569)[2] == date(2026, 7, 8)


@pytest.mark.django_db
def test_working_days_setting_changes_due_dates(office):
    assert due_dates(2569, office=office, working_days=3)[0] == date(2026, 1, 7)


@pytest.mark.django_db
def test_creating_a_fiscal_year_stores_its_quarters(office):
    fy, created = services.get_or_create_fiscal_year(office, 2569)
    assert created
    assert [(q.number, q.due_date) for q in fy.quarters.all()] == [
        (1, date(2026, 1, 9)), (2, date(2026, 4, 8)), (3, date(2026, 7, 7)), (4, date(2026, 10, 7)),
    ]
    again, created = services.get_or_create_fiscal_year(office, 2569)
    assert again == fy and not created
    assert Quarter.objects.filter(fiscal_year=fy).count() == 4


@pytest.mark.django_db
def test_declared_day_off_moves_open_due_dates_but_not_passed_ones(office, monkeypatch):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 6, 1))
    # Q3 ends Tue 30 Jun 2026; the office declares Fri 3 Jul a day off → due moves from 7 to 8 Jul.
    services.declare_day_off(fiscal_year=fy, day=date(2026, 7, 3), name="วันหยุดราชการเพิ่มเป็นกรณีพิเศษ")
    due = {q.number: q.due_date for q in fy.quarters.all()}
    assert due[3] == date(2026, 7, 8)
    assert due[1] == date(2026, 1, 9)  # passed: stays
    # Another office in the same database is not affected.
    assert due_dates(2569)[2] == date(2026, 7, 7)


@pytest.mark.django_db
def test_a_passed_due_date_does_not_move(office, monkeypatch):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 3, 1))
    services.declare_day_off(fiscal_year=fy, day=date(2026, 1, 6), name="ทดสอบ")
    assert fy.quarters.get(number=1).due_date == date(2026, 1, 9)


@pytest.mark.django_db
def test_making_a_holiday_a_working_day_pulls_the_due_date_earlier(office, monkeypatch):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2025, 12, 1))
    services.make_working_day(fiscal_year=fy, day=date(2026, 1, 2), note="สำนักงานเปิดทำการ")
    assert fy.quarters.get(number=1).due_date == date(2026, 1, 8)
    # Declaring it again restores the national holiday.
    services.declare_day_off(fiscal_year=fy, day=date(2026, 1, 2), name="วันหยุดพิเศษ")
    assert fy.quarters.get(number=1).due_date == date(2026, 1, 9)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2024, 1, 5), "อยู่นอกปีงบประมาณ 2569"),
        (date(2026, 1, 1), "เป็นวันหยุดราชการอยู่แล้ว"),
        (date(2026, 1, 3), "เสาร์-อาทิตย์"),
    ],
)
def test_invalid_day_off_is_refused(office, day, message):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    with pytest.raises(services.CalendarError, match=message):
        services.declare_day_off(fiscal_year=fy, day=day, name="x")


@pytest.mark.django_db
def test_declaring_the_same_day_twice_is_refused(office):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    services.declare_day_off(fiscal_year=fy, day=date(2026, 2, 16), name="วันหยุดพิเศษ")
    with pytest.raises(services.CalendarError, match="ประกาศเป็นวันหยุดไว้แล้ว"):
        services.declare_day_off(fiscal_year=fy, day=date(2026, 2, 16), name="ซ้ำ")
    assert Holiday.objects.filter(office=office, date=date(2026, 2, 16)).count() == 1


@pytest.mark.django_db
def test_making_an_ordinary_day_a_working_day_is_refused(office):
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    with pytest.raises(services.CalendarError, match="17 ก.พ. 2569 ไม่ใช่วันหยุด"):
        services.make_working_day(fiscal_year=fy, day=date(2026, 2, 17))
