from datetime import date

import pytest
from django.urls import reverse

from plans import services
from plans.models import FiscalYear, Holiday


@pytest.fixture
def fy(office):
    return services.get_or_create_fiscal_year(office, 2569)[0]


@pytest.fixture
def bangkok_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 6, 1))


def declare(client, year, **data):
    payload = {"action": "declare", "off-date": "", "off-name": "", "off-note": ""}
    payload.update({f"off-{k}": v for k, v in data.items()})
    return client.post(reverse("plans:holidays", args=[year]), payload)


@pytest.mark.django_db
def test_planning_staff_declare_a_day_off_and_the_due_date_moves(client, planning, fy, bangkok_today):
    client.force_login(planning)
    response = declare(client, 2569, date="2026-07-03", name="วันหยุดพิเศษตามมติ ครม.")
    assert response.status_code == 302
    assert fy.quarters.get(number=3).due_date == date(2026, 7, 8)
    page = client.get(reverse("plans:holidays", args=[2569])).content.decode()
    assert "วันหยุดพิเศษตามมติ ครม." in page
    assert "8 ก.ค. 2569" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2027-03-01", "name": "x"}, "อยู่นอกปีงบประมาณ"),
        ({"date": "2026-13-45", "name": "x"}, "is-invalid"),
        ({"date": "", "name": "x"}, "is-invalid"),
        ({"date": "2026-02-16", "name": ""}, "is-invalid"),
        ({"date": "2026-01-01", "name": "ซ้ำ"}, "เป็นวันหยุดราชการอยู่แล้ว"),
    ],
)
def test_invalid_holiday_edits_get_a_message_and_save_nothing(client, planning, fy, data, message):
    client.force_login(planning)
    before = Holiday.objects.count()
    response = declare(client, 2569, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Holiday.objects.count() == before


@pytest.mark.django_db
def test_duplicate_declaration_is_refused(client, planning, fy):
    client.force_login(planning)
    assert declare(client, 2569, date="2026-02-16", name="หยุดพิเศษ").status_code == 302
    response = declare(client, 2569, date="2026-02-16", name="หยุดพิเศษ")
    assert response.status_code == 400
    assert "ประกาศเป็นวันหยุดไว้แล้ว" in response.content.decode()


@pytest.mark.django_db
def test_make_a_holiday_a_working_day(client, planning, fy, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2025, 12, 1))
    client.force_login(planning)
    response = client.post(reverse("plans:holidays", args=[2569]),
                           {"action": "remove", "work-date": "2026-01-02", "work-note": "เปิดทำการ"})
    assert response.status_code == 302
    assert fy.quarters.get(number=1).due_date == date(2026, 1, 8)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "group_head", "finance", "director", "committee"])
def test_other_roles_read_holidays_but_cannot_change_them(client, request, fy, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("plans:holidays", args=[2569]))
    assert page.status_code == 200
    assert "off-date" not in page.content.decode()
    assert declare(client, 2569, date="2026-02-16", name="x").status_code == 403
    assert not Holiday.objects.filter(office=fy.office).exists()


@pytest.mark.django_db
def test_another_offices_planning_staff_cannot_touch_our_calendar(client, other_office_planning, fy):
    client.force_login(other_office_planning)
    assert client.get(reverse("plans:holidays", args=[2569])).status_code == 404
    assert declare(client, 2569, date="2026-02-16", name="x").status_code == 404


@pytest.mark.django_db
def test_create_fiscal_year_from_the_list(client, planning):
    client.force_login(planning)
    response = client.post(reverse("plans:fiscal_year_list"), {"year": "2570"})
    assert response.status_code == 302
    fy = FiscalYear.objects.get(office=planning.office, year=2570)
    assert fy.quarters.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "message"), [("2026", "ปี พ.ศ. 4 หลัก"), ("abcd", "ปี พ.ศ. 4 หลัก")])
def test_malformed_fiscal_year_gets_a_message(client, planning, year, message):
    client.force_login(planning)
    response = client.post(reverse("plans:fiscal_year_list"), {"year": year})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FiscalYear.objects.exists()


@pytest.mark.django_db
def test_owner_cannot_create_fiscal_years(client, owner):
    client.force_login(owner)
    assert client.post(reverse("plans:fiscal_year_list"), {"year": "2570"}).status_code == 403


@pytest.mark.django_db
def test_working_days_setting_moves_open_due_dates(client, planning, fy, bangkok_today):
    client.force_login(planning)
    response = client.post(reverse("plans:fiscal_year_settings", args=[2569]), {"report_working_days": "3",
                                                                                   "form_quarters": ["1", "2", "3", "4"]})
    assert response.status_code == 302
    assert fy.quarters.get(number=3).due_date == date(2026, 7, 3)
    assert fy.quarters.get(number=1).due_date == date(2026, 1, 9)  # passed, unchanged


@pytest.mark.django_db
def test_settings_need_post_and_a_manager(client, owner, planning, fy):
    client.force_login(planning)
    assert client.get(reverse("plans:fiscal_year_settings", args=[2569])).status_code == 405
    client.force_login(owner)
    assert client.post(reverse("plans:fiscal_year_settings", args=[2569]), {"report_working_days": "3"}).status_code == 403


@pytest.mark.django_db
def test_fiscal_year_page_shows_the_monitoring_calendar(client, owner, fy, fin_group):
    from plans.demo import CALENDAR_2562, seed_calendar

    fy62, _ = services.get_or_create_fiscal_year(fy.office, 2562)
    seed_calendar(fy62, CALENDAR_2562)
    client.force_login(owner)
    page = client.get(reverse("plans:fiscal_year_detail", args=[2562])).content.decode()
    assert "ติดตามเป้าหมายการใช้จ่ายงบประมาณ" in page
    assert "ต.ค." in page and "ก.ย." in page
    assert "8 ม.ค. 2562" in page  # Q1 report due


@pytest.mark.django_db
def test_pages_use_a_bounded_number_of_queries(client, planning, fy, django_assert_max_num_queries):
    client.force_login(planning)
    client.get(reverse("plans:fiscal_year_detail", args=[2569]))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("plans:fiscal_year_detail", args=[2569])).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("plans:fiscal_year_list")).status_code == 200


@pytest.mark.django_db
def test_buddhist_era_dates_are_accepted_in_the_form(client, planning, fy, bangkok_today):
    client.force_login(planning)
    assert declare(client, 2569, date="3/7/2569", name="วันหยุดพิเศษ").status_code == 302
    assert Holiday.objects.filter(office=planning.office, date=date(2026, 7, 3)).exists()


@pytest.mark.django_db
def test_bad_working_day_request_gets_a_message(client, planning, fy):
    client.force_login(planning)
    response = client.post(reverse("plans:holidays", args=[2569]), {"action": "remove", "work-date": "31/2/2569"})
    assert response.status_code == 400
    assert "วันที่ไม่ถูกต้อง" in response.content.decode()
