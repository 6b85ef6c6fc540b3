"""A calendar activity is recorded done by planning staff or the head of its responsible group (its overdue
reminders stop); everyone else is refused and nothing changes."""

from datetime import date

import pytest
from django.urls import reverse

from plans.models import CalendarActivity


@pytest.fixture
def activity(fy, promo_group):
    return CalendarActivity.objects.create(fiscal_year=fy, order=1, title="นิเทศติดตามโครงการ", months=[1],
                                           responsible_group=promo_group)


@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [
    ("planning", 302), ("administrator", 302), ("group_head", 302), ("owner", 403), ("other_owner", 403),
    ("director", 403), ("finance", 403), ("committee", 403), ("other_office_planning", 404), ("anonymous", 302)])
def test_mark_done_permission_matrix(client, activity, role, status, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("plans:calendar_done", args=[2569, activity.pk]), {"done": "1"})
    assert response.status_code == status
    activity.refresh_from_db()
    assert (activity.done_on is not None) == (status == 302 and role != "anonymous")


@pytest.mark.django_db
def test_marking_done_and_undoing_shows_on_the_calendar(client, activity, group_head, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 2, 3))
    client.force_login(group_head)
    page = client.get(reverse("plans:fiscal_year_detail", args=[2569])).content.decode()
    assert "บันทึกว่าเสร็จแล้ว" in page
    client.post(reverse("plans:calendar_done", args=[2569, activity.pk]), {"done": "1"})
    activity.refresh_from_db()
    assert activity.done_on == date(2026, 2, 3)
    page = client.get(reverse("plans:fiscal_year_detail", args=[2569])).content.decode()
    assert "ดำเนินการเสร็จเมื่อ" in page and "ยกเลิกว่าเสร็จ" in page
    assert client.get(reverse("plans:calendar_done", args=[2569, activity.pk])).status_code == 405
    client.post(reverse("plans:calendar_done", args=[2569, activity.pk]), {"done": "0"})
    activity.refresh_from_db()
    assert activity.done_on is None
