"""A planning user sets up FY 2569 from a workbook, fixes a broken one from the error list, and looks at the plan."""

import pytest

from accounts.models import Role
from plans import services
from projects.models import Project

from ..factories import UserFactory
from ..projects.planbook.conftest import activity_row, fill, project_row
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(office, promo_group, sup_group, plan_group, owner):
    from plans.models import Indicator, PlanItem

    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    policy = PlanItem.objects.create(fiscal_year=fy, kind="policy", code="P1", name="ด้านคุณภาพ")
    PlanItem.objects.create(fiscal_year=fy, parent=policy, kind="strategy", code="S1", name="พัฒนาหลักสูตร")
    PlanItem.objects.create(fiscal_year=fy, parent=policy, kind="strategy", code="S2", name="พัฒนาครู")
    Indicator.objects.create(fiscal_year=fy, code="IND01", name="ร้อยละของโรงเรียน", unit="ร้อยละ", target_value=80)
    Indicator.objects.create(fiscal_year=fy, code="IND02", name="คุณภาพ", is_qualitative=True)
    planner = UserFactory(email="planner@test.go.th", office=office, roles=[Role.PLANNING], groups=[plan_group])
    return fy, planner


def test_import_fix_and_browse_the_plan(page, live_server, screenshot, setup, tmp_path, office):
    fy, planner = setup
    broken = fill(
        [project_row(), project_row(code="P02", name="โครงการนิเทศ", group="ไม่มีกลุ่มนี้", budget_obec=-5)],
        [activity_row(), activity_row(project_code="P99", no=1)],
        office=office,
    )
    (tmp_path / "broken.xlsx").write_bytes(broken.getvalue())
    fixed = fill(
        [project_row(), project_row(code="P02", name="โครงการนิเทศ", group="SUP", budget_obec=80000)],
        [activity_row(), activity_row(project_code="P02", no=1, name="นิเทศโรงเรียน")],
        office=office,
    )
    (tmp_path / "fixed.xlsx").write_bytes(fixed.getvalue())

    log_in(page, live_server, planner.email, "correct-horse-battery")
    page.goto(f"{live_server.url}/reporting/plan/2569/import/")
    page.set_input_files("input[type=file]", str(tmp_path / "broken.xlsx"))
    page.get_by_role("button", name="ตรวจสอบและนำเข้า").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("table").last.inner_text()
    assert "ไม่พบกลุ่ม" in table and "P99" in table and "ติดลบ" in table
    screenshot(page, "plan-import-errors")
    assert Project.objects.count() == 0

    page.set_input_files("input[type=file]", str(tmp_path / "fixed.xlsx"))
    page.get_by_role("button", name="ตรวจสอบและนำเข้า").click()
    page.wait_for_load_state("networkidle")
    assert "เพิ่มโครงการใหม่ 2 โครงการ" in page.content()
    assert Project.objects.filter(fiscal_year=fy).count() == 2

    page.goto(f"{live_server.url}/plans/2569/plan/")
    assert "พัฒนาหลักสูตร" in page.content()
    screenshot(page, "plan-overview")
    page.goto(f"{live_server.url}/projects/?fy=2569")
    assert "โครงการนิเทศ" in page.content()
    with page.expect_response(lambda r: "/projects/?" in r.url and "q=" in r.url):
        page.fill("#id_q", "นิเทศ")
    page.wait_for_timeout(200)
    assert "โครงการพัฒนาคุณภาพการศึกษา" not in page.locator("#results").inner_text()
    screenshot(page, "project-list-search")
    # A select still filters at once; leaving the search box sends nothing more (no request to abort).
    with page.expect_response(lambda r: "/projects/?" in r.url and "status=" in r.url):
        page.select_option("#id_status", index=1)
    page.select_option("#id_status", index=0)
    page.wait_for_load_state("networkidle")
    page.click("text=โครงการนิเทศ")
    page.wait_for_load_state("networkidle")
    assert "นิเทศโรงเรียน" in page.content() and "80,000.00" in page.content()
    screenshot(page, "project-detail")
    page.goto(f"{live_server.url}/plans/2569/")
    screenshot(page, "fiscal-year-2569-calendar")
