from datetime import date

import pytest

from inspections.models import InspectingBody, InspectionIssue, InspectionRound, Recommendation


@pytest.fixture
def inspection_round(fy, planning):
    return InspectionRound.objects.create(fiscal_year=fy, body=InspectingBody.objects.get(office=fy.office, code="obec"), number=1, title="การตรวจราชการ รอบที่ 1",
                                          start_date=date(2026, 2, 10), end_date=date(2026, 2, 12),
                                          inspectors="นายตรวจ ราชการ ผู้ตรวจราชการ สพฐ.", created_by=planning)


@pytest.fixture
def issue(inspection_round, promo_group, owner):
    return InspectionIssue.objects.create(round=inspection_round, code="1", title="การลดความเหลื่อมล้ำทางการศึกษา",
                                          group=promo_group, responsible=owner)


@pytest.fixture
def recommendation(issue, planning):
    return Recommendation.objects.create(issue=issue, number=1, text="ควรติดตามนักเรียนที่มีความเสี่ยงรายบุคคล",
                                         created_by=planning)
