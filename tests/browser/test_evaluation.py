"""The annual plan evaluation clicked through in Chromium, as a new user would: planning builds the form and
invites an outside evaluator, who answers through the printed link in a fresh browser without logging in;
planning sees the answer counted, writes and proposes the summary with a lesson; the director approves it; the
next year's plan shows the lesson. Screenshots go to var/screens/evaluation-*.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import Answer, EvaluationForm, Summary
from plans import services as plan_services

from ..conftest import make_project
from .test_inspections import as_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outside_evaluator_answers_through_the_link_and_the_director_approves(
        browser, live_server, screenshot, office, fy, planning, director, owner, promo_group, strategy, own_project):
    url = live_server.url
    next_year = plan_services.get_or_create_fiscal_year(office, 2570)[0]
    make_project(next_year, promo_group, "N-1")
    context, page = as_user(browser, live_server, planning)
    page.goto(f"{url}/evaluation/?fy=2569")
    page.click("button[value=create]")
    page.wait_for_load_state("networkidle")
    assert "/evaluation/form/" in page.url and page.locator("#criteria tbody tr").count() == 8
    # the closed year's form takes answers for another month
    EvaluationForm.objects.update(deadline=timezone.localdate() + timedelta(days=30))
    page.goto(f"{url}/evaluation/projects/?fy=2569")
    page.click(f"a[href='/evaluation/project/{own_project.pk}/']")
    page.fill("#invite-outside #id_name", "นายวิชัย รักถิ่น")
    page.fill("#invite-outside #id_role_text", "ผู้อำนวยการโรงเรียน")
    page.click("#invite-outside button[type=submit]")
    page.wait_for_load_state("networkidle")
    link = page.inner_text("#evaluation-url").strip()
    assert link.startswith(f"{url}/evaluation/e/")
    screenshot(page, "evaluation-link")

    # a fresh browser, nobody logged in
    outside = browser.new_context(viewport={"width": 375, "height": 800}, locale="th-TH")
    answer = outside.new_page()
    answer.goto(link)
    assert own_project.name in answer.inner_text("#project-summary")
    for fieldset in range(4):
        answer.locator("#answer-form fieldset").nth(fieldset).locator("input[type=radio]").nth(3).check()
    answer.fill("#answer-form textarea >> nth=0", "ผู้เรียนได้รับประโยชน์")
    screenshot(answer, "evaluation-answer-375")
    answer.click("#answer-form button[type=submit]")
    answer.wait_for_load_state("networkidle")
    assert "ขอบคุณ" in answer.content()
    assert sorted(Answer.objects.values_list("rate", flat=True)) == [4, 4, 4, 4]
    # a changed link saves nothing and says why in Thai
    answer.goto(link[:-3] + "xx/")
    assert "ไม่ถูกต้อง" in answer.inner_text("#link-refused")
    outside.close()

    page.goto(f"{url}/evaluation/project/{own_project.pk}/")
    assert page.locator("#invitations .bi-check-circle").count() == 1
    page.goto(f"{url}/evaluation/summary/?fy=2569")
    page.fill("#id_overview", "โครงการส่วนใหญ่บรรลุวัตถุประสงค์")
    page.click("#summary-form button[value=save]")
    page.wait_for_load_state("networkidle")
    page.select_option("#lesson-form select", str(strategy.pk))
    page.fill("#lesson-form textarea", "ควรวางแผนการเบิกจ่ายตั้งแต่ต้นปี")
    page.click("#lesson-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("#moves button[value=propose]")
    page.wait_for_load_state("networkidle")
    assert Summary.objects.get().state == "submitted"
    screenshot(page, "evaluation-summary-proposed")
    context.close()

    context, page = as_user(browser, live_server, director)
    page.goto(f"{url}/evaluation/summary/?fy=2569")
    page.click("#moves button[value=approve]")
    page.wait_for_load_state("networkidle")
    assert Summary.objects.get().state == "approved" and Summary.objects.get().snapshot["projects"]
    screenshot(page, "evaluation-summary-approved")
    page.goto(f"{url}/projects/plan/2570/")
    assert "ควรวางแผนการเบิกจ่ายตั้งแต่ต้นปี" in page.inner_text("#plan-lessons")
    context.close()

    context, page = as_user(browser, live_server, planning)
    page.goto(f"{url}/projects/plan/2570/")
    page.select_option("#plan-lessons select", label="N-1 โครงการ N-1")
    page.click("#plan-lessons button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "N-1" in page.inner_text("#plan-lessons")
    screenshot(page, "evaluation-plan-lessons")
    context.close()
