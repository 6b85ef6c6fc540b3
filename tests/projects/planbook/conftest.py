"""Fixtures for the plan workbook: a fiscal year with its policy tree, and a way to fill a workbook."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from plans import services
from plans.models import Indicator, PlanItem
from projects.planbook import build_template
from projects.planbook.columns import ACTIVITIES_SHEET, KEY_ROW, PROJECTS_SHEET


@pytest.fixture
def fy(office):
    return services.get_or_create_fiscal_year(office, 2569)[0]


@pytest.fixture
def policy_tree(fy):
    policy = PlanItem.objects.create(fiscal_year=fy, kind=PlanItem.Kind.POLICY, code="P1", name="นโยบายที่ 1")
    s1 = PlanItem.objects.create(fiscal_year=fy, parent=policy, kind=PlanItem.Kind.STRATEGY, code="S1",
                                 name="กลยุทธ์ที่ 1")
    s2 = PlanItem.objects.create(fiscal_year=fy, parent=policy, kind=PlanItem.Kind.STRATEGY, code="S2",
                                 name="กลยุทธ์ที่ 2")
    ind1 = Indicator.objects.create(fiscal_year=fy, plan_item=s1, code="IND01", name="ร้อยละของโรงเรียน")
    ind2 = Indicator.objects.create(fiscal_year=fy, plan_item=s2, code="IND02", name="คุณภาพการจัดการศึกษา",
                                    is_qualitative=True)
    return {"P1": policy, "S1": s1, "S2": s2, "IND01": ind1, "IND02": ind2}


def to_bytes(workbook) -> BytesIO:
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def fill(projects=(), activities=(), *, office=None, base=None, edit=None) -> BytesIO:
    """A plan workbook (the template, or ``base`` bytes) with rows added by column key.

    Each row is a dict {key: value}; ``edit(workbook)`` may change anything before saving.
    """
    source = base if base is not None else to_bytes(build_template(office))
    source.seek(0)
    workbook = load_workbook(source)
    for sheet, rows in ((PROJECTS_SHEET, projects), (ACTIVITIES_SHEET, activities)):
        ws = workbook[sheet]
        columns = {cell.value: cell.column for cell in ws[KEY_ROW] if cell.value}
        start = ws.max_row + 1
        for offset, row in enumerate(rows):
            for key, value in row.items():
                cell = ws.cell(row=start + offset, column=columns[key], value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed text, not a formula
    if edit is not None:
        edit(workbook)
    return to_bytes(workbook)


def project_row(**overrides):
    row = {
        "code": "P01", "name": "โครงการพัฒนาคุณภาพการศึกษา", "source": "plan", "group": "PROMO",
        "owners": "owner@test.go.th", "rationale": "หลักการและเหตุผล", "objectives": "วัตถุประสงค์",
        "target_groups": "โรงเรียนในสังกัด", "start_date": "1/11/2568", "end_date": "30/9/2569",
        "budget_obec": 125000.5, "budget_office": "10,000.25", "budget_other": None, "status": "planned",
        "cancel_reason": None, "strategies": "S1, S2", "indicators": "IND01=80; IND02=ทุกโรงเรียนผ่านเกณฑ์",
    }
    row.update(overrides)
    return row


def activity_row(**overrides):
    row = {"project_code": "P01", "no": 1, "name": "ประชุมเชิงปฏิบัติการ", "quarters": "1,2", "budget": 50000,
           "responsible": "owner@test.go.th"}
    row.update(overrides)
    return row
