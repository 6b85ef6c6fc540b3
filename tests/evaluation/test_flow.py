"""The evaluation from the form to the approved summary: locking and versions, computed figures and the "no
data" level, the summary's moves on the review engine, lessons on the next year's plan, exports, reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluation import results, scoring, services, workflow
from evaluation.models import Criterion, EvaluationForm, Summary
from plans import services as plan_services
from projects.models import Project
from reviews.machine import NotAllowed, WorkflowError

from ..conftest import make_project
from .conftest import rates


@pytest.mark.django_db
def test_the_form_locks_at_the_first_answer_and_changes_through_a_new_version(eform, planning, owner_invitation,
                                                                             rated):
    services.add_criterion(eform, by=planning, criterion=Criterion(code="R5", name="ความพึงพอใจ", kind="rated",
                                                                   weight=1, scale_max=3,
                                                                   level_names=["น้อย", "กลาง", "มาก"]))
    rated = services.rated_criteria(eform)
    services.answer(owner_invitation.pk, data=rates(rated, 3))
    eform.refresh_from_db()
    assert eform.locked
    with pytest.raises(WorkflowError):
        services.add_criterion(eform, by=planning, criterion=Criterion(code="R6", name="x", kind="rated",
                                                                       level_names=["1", "2", "3", "4", "5"]))
    with pytest.raises(WorkflowError):
        services.remove_criterion(eform, by=planning, criterion_id=rated[0].pk)
    second = services.new_version(eform, by=planning)
    assert second.version == 2 and not second.locked
    assert list(second.criteria.values_list("code", flat=True)) == list(eform.criteria.values_list("code", flat=True))
    owner_invitation.refresh_from_db()
    assert owner_invitation.form == eform  # the answer keeps the version it answered
    assert services.current_form(eform.fiscal_year) == second
    # answers given to version 1 still count for the same criteria of version 2
    found = results.project_results(second, Project.objects.filter(pk=owner_invitation.evaluation.project_id))
    assert [c.raters for c in found[0].criteria if c.kind == "rated"] == [1] * 5


@pytest.mark.django_db
def test_only_planning_builds_the_form(fy, owner, director):
    for user in (owner, director):
        with pytest.raises(NotAllowed):
            services.create_form(fy, by=user)


@pytest.mark.django_db
def test_copy_the_form_from_the_previous_year(office, fy, planning, eform):
    next_year = plan_services.get_or_create_fiscal_year(office, 2570)[0]
    services.remove_criterion(eform, by=planning, criterion_id=eform.criteria.get(code="R4").pk)
    copied = services.copy_form(next_year, by=planning, source_year=2569)
    assert copied.fiscal_year == next_year and copied.version == 1 and "2570" in copied.title
    assert sorted(copied.criteria.values_list("code", flat=True)) == ["C1", "C2", "C3", "C4", "R1", "R2", "R3"]
    with pytest.raises(WorkflowError):
        services.copy_form(next_year, by=planning, source_year=2569)


@pytest.mark.django_db
def test_computed_figures_and_the_weighted_score_by_hand(with_data, eform, owner_invitation, outside_invitation,
                                                        rated):
    services.answer(owner_invitation.pk, data=rates(rated, 4))
    services.answer(outside_invitation.pk, data=rates(rated, 5))
    found = results.project_results(eform, Project.objects.filter(pk=with_data.pk), today=timezone.localdate())[0]
    by_code = {c.code: c for c in found.criteria}
    # indicators: 1 target, no result reported → 0 % → level 1 of 5 = 20 %
    assert by_code["C1"].figure == Decimal("0.00") and by_code["C1"].percent == Decimal("20.00")
    # budget: 50,000.25 of 100,000.50 = 50 % → level 3 = 60 %
    assert by_code["C2"].figure == Decimal("50.00") and by_code["C2"].percent == Decimal("60.00")
    # activities: one, not done → 0 % → 20 %; forms on time: none sent of 4 due quarters → 0 % → 20 %
    assert by_code["C3"].percent == Decimal("20.00") and by_code["C4"].percent == Decimal("20.00")
    # rated: (4 + 5) / 2 = 4.5 → 90 %, two raters, both comments kept
    assert by_code["R1"].value == Decimal("4.50") and by_code["R1"].raters == 2 and len(by_code["R1"].comments) == 2
    # (3×20 + 2×60 + 2×20 + 1×20 + (3+3+1+1)×90) / 16 = (60+120+40+20+720) / 16 = 960 / 16 = 60
    assert found.score == Decimal("60.00") and found.level == scoring.PARTLY
    assert (found.invited, found.answered) == (2, 2)


@pytest.mark.django_db
def test_a_project_without_indicators_budget_or_answers_is_no_data(fy, promo_group, planning, eform):
    project = Project.objects.create(fiscal_year=fy, group=promo_group, code="P-EMPTY", name="ว่าง")
    found = results.project_results(eform, Project.objects.filter(pk=project.pk), today=fy.start)[0]
    assert all(c.percent is None for c in found.criteria)
    assert found.score is None and found.level == scoring.NO_DATA


@pytest.mark.django_db
def test_the_summary_is_proposed_returned_with_a_reason_and_approved_frozen(client, fy, eform, planning, director,
                                                                           owner, own_project, owner_invitation,
                                                                           rated):
    services.answer(owner_invitation.pk, data=rates(rated, 5))
    url = reverse("evaluation:summary") + "?fy=2569"
    client.force_login(planning)
    assert client.post(url, {"op": "save", "overview": "สรุปผลการประเมิน"}).status_code == 302
    summary = Summary.objects.get()
    assert client.post(url, {"op": "propose", "version": summary.version}).status_code == 302
    summary.refresh_from_db()
    assert summary.state == Summary.State.SUBMITTED
    assert client.post(url, {"op": "approve", "version": summary.version}).status_code == 403
    client.force_login(director)
    response = client.post(url, {"op": "return", "version": summary.version, "reason": ""})
    assert response.status_code == 400
    assert client.post(url, {"op": "return", "version": summary.version, "reason": "เพิ่มสาเหตุ"}).status_code == 302
    summary.refresh_from_db()
    assert summary.state == Summary.State.RETURNED and summary.return_reason == "เพิ่มสาเหตุ"
    summary = workflow.save_summary(summary.pk, by=planning, expected_version=summary.version, overview="แก้แล้ว")
    summary = workflow.move_summary(summary.pk, "propose", by=planning, expected_version=summary.version)
    client.force_login(director)
    assert client.post(url, {"op": "approve", "version": summary.version}).status_code == 302
    summary.refresh_from_db()
    assert summary.state == Summary.State.APPROVED and summary.approved_at
    frozen = summary.snapshot
    assert frozen["projects"][0]["code"] == own_project.code and frozen["form_version"] == 1
    # later answers do not change the approved figures
    services.answer(owner_invitation.pk, data=rates(rated, 1))
    summary.refresh_from_db()
    assert summary.snapshot == frozen
    assert [e.action for e in summary.events.all()] == ["submitted", "returned", "saved", "submitted", "approved"]
    # nothing changes an approved summary
    client.force_login(planning)
    assert client.post(url, {"op": "save", "overview": "x", "version": summary.version}).status_code == 403


@pytest.mark.django_db
def test_committee_reads_the_approved_summary_only(client, fy, eform, planning, director, committee):
    url = reverse("evaluation:summary") + "?fy=2569"
    summary = Summary.objects.create(fiscal_year=fy, overview="สรุป")
    client.force_login(committee)
    assert client.get(url).status_code == 404
    assert client.get(reverse("evaluation:export", args=[2569, "xlsx"])).status_code == 404
    summary = workflow.move_summary(summary.pk, "propose", by=planning, expected_version=summary.version)
    workflow.move_summary(summary.pk, "approve", by=director, expected_version=summary.version)
    page = client.get(url)
    assert page.status_code == 200 and "สรุป" in page.content.decode()
    assert 'name="op"' not in page.content.decode()
    assert client.get(reverse("evaluation:export", args=[2569, "xlsx"])).status_code == 200


@pytest.mark.django_db
def test_lessons_show_on_the_next_years_plan_and_are_taken_up_by_its_project(client, office, fy, strategy, planning,
                                                                            owner, promo_group, other_office_planning):
    lesson = services.add_lesson(fy, by=planning, text="ควรวางแผนการเบิกจ่ายให้เร็วขึ้น", plan_item=strategy)
    next_year = plan_services.get_or_create_fiscal_year(office, 2570)[0]
    project = make_project(next_year, promo_group, "N-1")
    plan = reverse("projects:plan", args=[2570])
    client.force_login(planning)
    page = client.get(plan).content.decode()
    assert "ควรวางแผนการเบิกจ่ายให้เร็วขึ้น" in page and f'action="{reverse("evaluation:take_up", args=[lesson.pk])}"' in page
    assert "ควรวางแผนการเบิกจ่ายให้เร็วขึ้น" not in client.get(reverse("projects:plan", args=[2569])).content.decode()
    client.force_login(owner)
    assert "ควรวางแผนการเบิกจ่ายให้เร็วขึ้น" in client.get(plan).content.decode()
    assert client.post(reverse("evaluation:take_up", args=[lesson.pk]), {"project": project.pk}).status_code == 403
    client.force_login(other_office_planning)
    assert client.post(reverse("evaluation:take_up", args=[lesson.pk]), {"project": project.pk}).status_code == 404
    client.force_login(planning)
    assert client.post(reverse("evaluation:take_up", args=[lesson.pk]), {"project": project.pk}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.taken_up_by == project and lesson.taken_up_at
    # a project of the evaluated year itself is not "the next plan"
    old = make_project(fy, promo_group, "O-1")
    client.post(reverse("evaluation:take_up", args=[lesson.pk]), {"project": old.pk})
    lesson.refresh_from_db()
    assert lesson.taken_up_by == project


@pytest.mark.django_db
def test_exports_one_row_per_project_and_the_command(tmp_path, fy, eform, own_project, group_project, planning,
                                                     owner_invitation, rated, client):
    services.answer(owner_invitation.pk, data=rates(rated, 4))
    out = tmp_path / "evaluation.xlsx"
    call_command("export_evaluation", "--fy", "2569", "-o", str(out))
    sheet = load_workbook(out)["Projects" if "Projects" in load_workbook(out).sheetnames else load_workbook(out).sheetnames[0]]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in rows] == ["P-GROUP", "P-OWN"] or sorted(r[0] for r in rows) == ["P-GROUP", "P-OWN"]
    header = next(sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    assert len(header) == 3 + 8 + 4 and header[-4].startswith(("คะแนน", "Score"))
    own = next(r for r in rows if r[0] == "P-OWN")
    assert own[3 + 4] == 4  # R1 mean
    pdf = tmp_path / "evaluation.pdf"
    call_command("export_evaluation", "--fy", "2569", "-o", str(pdf), "--format", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    client.force_login(planning)
    response = client.get(reverse("evaluation:export", args=[2569, "xlsx"]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_export_command_refuses_a_year_without_form(fy):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_evaluation", "--fy", "2569", "-o", "/tmp/never.xlsx")


@pytest.mark.django_db
def test_evaluators_who_have_not_answered_are_reminded_once_per_rule(eform, owner_invitation,
                                                                    outside_invitation, rated, group_head, planning,
                                                                    own_project):
    from reminders import sweep
    from reminders.models import Message

    head_invitation = services.invite(own_project, by=planning, user=group_head)
    services.answer(head_invitation.pk, data=rates(rated))
    seven_before = eform.deadline - timedelta(days=7)
    letters = sweep.sweep(seven_before)
    assert {letter.email for letter in letters} == {owner_invitation.user.email, outside_invitation.email}
    message = Message.objects.get(recipient__isnull=False)
    assert message.recipient == owner_invitation.user and own_project.name in message.body_text
    assert reverse("evaluation:answer", args=[owner_invitation.pk]) in message.body_text
    assert "แบบประเมินโครงการที่รอท่านตอบ 1 รายการ" in message.subject
    assert sweep.sweep(seven_before) == [] and sweep.sweep(seven_before + timedelta(days=1)) == []
    assert Message.objects.count() == 2
    assert [letter.recipient for letter in sweep.sweep(eform.deadline - timedelta(days=1))] \
        == [owner_invitation.user, None]
    services.answer(owner_invitation.pk, data=rates(rated))
    EvaluationForm.objects.filter(pk=eform.pk).update(deadline=eform.deadline + timedelta(days=10))
    # a new deadline is a new reminder, but only for who still has not answered (the outside evaluator)
    assert [letter.recipient for letter in sweep.sweep(eform.deadline + timedelta(days=3))] == [None]


@pytest.mark.django_db
def test_answers_received_for_the_health_page(office, fy, eform, owner_invitation, outside_invitation, rated):
    from evaluation.metrics import answers_received

    assert answers_received(office, fy) == (0, 2)
    services.answer(outside_invitation.pk, data=rates(rated))
    assert answers_received(office, fy) == (1, 2)


@pytest.mark.django_db
def test_lists_run_a_bounded_number_of_queries(client, fy, eform, planning, promo_group, owner, indicator, strategy,
                                              django_assert_max_num_queries):
    for n in range(12):
        project = make_project(fy, promo_group, f"Q-{n:02d}", owners=[owner])
        project.strategies.add(strategy)
        services.invite(project, by=planning, name=f"ผู้ประเมิน {n}")
    client.force_login(planning)
    for name in ("evaluation:projects", "evaluation:results", "evaluation:summary", "evaluation:index"):
        with django_assert_max_num_queries(30):
            assert client.get(reverse(name) + "?fy=2569").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [{"thresholds_text": "80, 20"}, {"thresholds_text": "20, 40"},
                                 {"thresholds_text": "a, b, c, d"}, {"level_names_text": "หนึ่ง, สอง"},
                                 {"source": ""}])
def test_a_criterion_with_bad_thresholds_or_levels_is_refused(client, eform, planning, bad):
    client.force_login(planning)
    data = {"op": "add", "code": "C9", "name": "ใหม่", "kind": "computed", "source": "budget", "weight": 1,
            "scale_max": 5, **bad}
    response = client.post(reverse("evaluation:form", args=[eform.pk]), data)
    assert response.status_code == 400
    assert not Criterion.objects.filter(code="C9").exists()


@pytest.mark.django_db
def test_the_annual_report_has_the_evaluation_part_once_the_summary_is_approved(fy, eform, planning, director):
    from reporting import annual

    summary = Summary.objects.create(fiscal_year=fy, overview="สรุปผลการประเมินของปี")
    summary = workflow.move_summary(summary.pk, "propose", by=planning, expected_version=summary.version)
    assert annual.snapshot(fy, "ktpn")["evaluation"] is None
    workflow.move_summary(summary.pk, "approve", by=director, expected_version=summary.version)
    data = annual.snapshot(fy, "ktpn")
    assert data["evaluation"]["overview"] == "สรุปผลการประเมินของปี"
    parts = annual.body_parts(data, False)
    titles = [p.title for p in parts if p.key == "evaluation"]
    assert titles and titles[0].endswith("ผลการประเมินแผนปฏิบัติการประจำปี")
    assert "สรุปผลการประเมินของปี" in next(p.html for p in parts if p.key == "evaluation")
