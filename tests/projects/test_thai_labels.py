"""The project page says what its figures are: activities done out of all, and the average progress apart
(no "กิจกรรมที่เสร็จ 1/3 (75%)", where 75 % is not the share done)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Activity


@pytest.mark.django_db
def test_timeline_shows_activities_done_of_total_and_average_progress_apart(client, planning, own_project, owner):
    for order in (2, 3):
        Activity.objects.create(project=own_project, order=order, name=f"กิจกรรมที่ {order}", quarters=[1],
                                budget=Decimal("1000"))
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    lines = list(report.activity_progress.order_by("activity__order"))
    values = [{"status": "done", "percent": 100, "description": "เสร็จ"},
              {"status": "in_progress", "percent": 75, "description": "ทำไปแล้ว"},
              {"status": "in_progress", "percent": 50, "description": "ทำไปแล้ว"}]
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"spent_this_quarter": Decimal("0")},
                                activities={line.pk: value for line, value in zip(lines, values, strict=True)},
                                results={})
    workflow.submit(report.pk, by=owner, expected_version=report.version,
                    now=datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Asia/Bangkok")))
    client.force_login(planning)
    page = client.get(reverse("projects:detail", args=[own_project.pk])).content.decode()
    assert "เสร็จ 1 จาก 3 กิจกรรม" in page
    assert "ความคืบหน้าเฉลี่ยร้อยละ 75" in page
    assert "1/3" not in page and "(75%)" not in page
    assert "กิจกรรมที่เสร็จ" not in page
