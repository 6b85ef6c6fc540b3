"""Inspection screens clicked through with the test client, with scoping."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import FollowUpAction, InspectionIssue, InspectionRound

from .test_workflow import PDF


@pytest.mark.django_db
def test_round_issue_report_recommendation_action_to_closure(client, fy, planning, director, owner, promo_group,
                                                             other_owner, other_office_planning):
    client.force_login(planning)
    response = client.post(reverse("inspections:rounds") + "?fy=2569", {
        "body": fy.office.inspecting_bodies.get(code="obec").pk, "number": 1, "title": "ตรวจราชการ รอบที่ 1/2569", "start_date": "10/02/2569",
        "end_date": "12/02/2569", "inspectors": "นายตรวจ ดี"})
    inspection_round = InspectionRound.objects.get()
    assert response.url == reverse("inspections:round", args=[inspection_round.pk])
    assert inspection_round.start_date == date(2026, 2, 10) and inspection_round.office == fy.office
    client.post(reverse("inspections:round", args=[inspection_round.pk]), {
        "code": "1", "title": "การลดความเหลื่อมล้ำ", "group": promo_group.pk, "responsible": owner.pk})
    issue = InspectionIssue.objects.get()
    # The responsible owner writes the report with evidence and submits it.
    client.force_login(owner)
    response = client.post(reverse("inspections:issue", args=[issue.pk]), {
        "op": "save", "version": 1, "report": "ติดตามนักเรียน 120 คน", "then": "submit",
        "evidence_files": SimpleUploadedFile("ภาพ.pdf", PDF, content_type="application/pdf")})
    issue.refresh_from_db()
    assert response.status_code == 302 and issue.state == "submitted" and issue.evidence.count() == 1
    evidence = issue.evidence.get()
    assert client.get(reverse("inspections:evidence", args=["issue", evidence.pk])).status_code == 200
    # Others: another group's owner and another office see nothing.
    client.force_login(other_owner)
    assert client.get(reverse("inspections:issue", args=[issue.pk])).status_code == 404
    assert client.get(reverse("inspections:evidence", args=["issue", evidence.pk])).status_code == 404
    client.force_login(other_office_planning)
    assert client.get(reverse("inspections:round", args=[inspection_round.pk])).status_code == 404
    # Planning verifies, the director approves.
    client.force_login(planning)
    client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "verify", "version": issue.version})
    issue.refresh_from_db()
    client.force_login(director)
    client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "approve", "version": issue.version})
    issue.refresh_from_db()
    assert issue.state == "approved"
    # A recommendation: planning records and analyses it, the director decides, planning assigns an action.
    client.force_login(planning)
    client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "add_recommendation", "number": 1,
                                                                 "text": "ควรมีระบบติดตามรายบุคคล"})
    rec = issue.recommendations.get()
    client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "analyse", "recommendation": rec.pk,
                                                                 "analysis": "ทำได้ภายในไตรมาส 3"})
    response = client.post(reverse("inspections:issue", args=[issue.pk]), {
        "op": "assign", "recommendation": rec.pk, "title": "พัฒนาระบบ", "group": promo_group.pk,
        "owner": owner.pk, "due_date": "30/04/2569"})
    assert response.status_code == 400 and not FollowUpAction.objects.exists()  # not decided yet
    client.force_login(director)
    client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "decide", "recommendation": rec.pk,
                                                                 "decision": "เห็นชอบ"})
    client.force_login(planning)
    client.post(reverse("inspections:issue", args=[issue.pk]), {
        "op": "assign", "recommendation": rec.pk, "title": "พัฒนาระบบติดตาม", "group": promo_group.pk,
        "owner": owner.pk, "due_date": "30/04/2569"})
    action = FollowUpAction.objects.get()
    assert action.due_date == date(2026, 4, 30)
    # The owner follows up with evidence and marks it done; planning closes it.
    client.force_login(owner)
    assert "พัฒนาระบบติดตาม" in client.get(reverse("inspections:mine")).content.decode()
    client.post(reverse("inspections:action", args=[action.pk]), {
        "op": "save", "version": action.version, "progress": "ระบบใช้งานแล้ว",
        "evidence_links": "https://example.go.th/report"})
    action.refresh_from_db()
    assert action.state == "in_progress"
    client.post(reverse("inspections:action", args=[action.pk]), {"op": "done", "version": action.version})
    action.refresh_from_db()
    assert action.state == "done"
    response = client.post(reverse("inspections:action", args=[action.pk]), {"op": "close", "version": action.version})
    assert response.status_code == 403
    client.force_login(planning)
    client.post(reverse("inspections:action", args=[action.pk]), {"op": "close", "version": action.version})
    action.refresh_from_db()
    assert action.state == "closed"
    board = client.get(reverse("inspections:board"), {"fy": 2569}).content.decode()
    assert "พัฒนาระบบติดตาม" in board


@pytest.mark.django_db
def test_stale_page_and_bad_input_save_nothing(client, issue, owner, planning):
    client.force_login(owner)
    client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "save", "version": 1, "report": "ก"})
    response = client.post(reverse("inspections:issue", args=[issue.pk]), {"op": "save", "version": 1,
                                                                           "report": "ข"})
    assert response.status_code == 409
    issue.refresh_from_db()
    assert issue.report == "ก"
    response = client.post(reverse("inspections:issue", args=[issue.pk]), {
        "op": "save", "version": issue.version, "report": "ค",
        "evidence_files": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf")})
    assert response.status_code == 400
    issue.refresh_from_db()
    assert issue.report == "ก" and not issue.evidence.exists()
    client.force_login(planning)
    response = client.post(reverse("inspections:rounds"), {"title": "", "start_date": "31/02/2569"})
    assert response.status_code == 400 and not InspectionRound.objects.exclude(pk=issue.round_id).exists()
    assert client.get(reverse("inspections:board")).status_code == 200
    client.force_login(owner)
    assert client.get(reverse("inspections:board")).status_code == 403


@pytest.mark.django_db
def test_dashboard_lists_open_inspection_actions(client, recommendation, director, planning, promo_group, owner):
    from inspections import workflow

    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ")
    workflow.assign_action(recommendation.pk, by=planning, title="พัฒนาระบบติดตาม", group=promo_group, owner=owner,
                           due_date=date(2026, 4, 30))
    client.force_login(planning)
    page = client.get(reverse("reporting:dashboard"), {"fy": 2569}).content.decode()
    assert 'id="open-actions"' in page and "พัฒนาระบบติดตาม" in page


@pytest.mark.django_db
def test_round_follow_up_report_as_pdf_and_excel(client, recommendation, director, planning, promo_group, owner,
                                                 tmp_path):
    import shutil
    import subprocess
    from io import BytesIO

    from openpyxl import load_workbook

    from inspections import workflow

    from ..conftest import need

    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ มอบกลุ่มส่งเสริม")
    workflow.assign_action(recommendation.pk, by=planning, title="พัฒนาระบบติดตาม", group=promo_group, owner=owner,
                           due_date=date(2026, 4, 30))
    round_pk = recommendation.issue.round_id
    client.force_login(owner)
    assert client.get(reverse("inspections:round_report", args=[round_pk, "pdf"])).status_code == 403
    client.force_login(planning)
    response = client.get(reverse("inspections:round_report", args=[round_pk, "xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows(min_row=5) for cell in row]
    assert "พัฒนาระบบติดตาม" in values and "เห็นชอบ มอบกลุ่มส่งเสริม" in values
    response = client.get(reverse("inspections:round_report", args=[round_pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "รายงานผลการตรวจราชการและการติดตามข้อเสนอแนะ" in text and "พัฒนาระบบติดตาม" in text
    assert client.get(reverse("inspections:round_report", args=[round_pk, "doc"])).status_code == 404


@pytest.mark.django_db
def test_review_and_approval_queues_list_inspection_reports(client, issue, owner, planning, director):
    from inspections import workflow

    issue = workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="รายงาน")
    issue = workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    client.force_login(planning)
    assert issue.title in client.get(reverse("projects:review_queue"), {"fy": 2569}).content.decode()
    workflow.move_issue(issue.pk, "verify", by=planning, expected_version=issue.version)
    client.force_login(director)
    assert issue.title in client.get(reverse("projects:approval_queue"), {"fy": 2569}).content.decode()


@pytest.mark.django_db
def test_history_reads_in_thai(client, issue, owner):
    from inspections import workflow

    workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="รายงาน")
    issue.refresh_from_db()
    workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    client.force_login(owner)
    page = client.get(reverse("inspections:issue", args=[issue.pk])).content.decode()
    assert "<b>บันทึก</b>" in page and "(ร่าง → ส่งแล้ว)" in page


@pytest.mark.django_db
def test_evidence_gone_from_storage_is_a_404_not_a_500(client, issue, owner):
    from inspections import workflow
    from reviews import evidence

    from .test_workflow import pdf

    issue = workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="รายงาน", files=pdf())
    item = issue.evidence.get()
    evidence.storage().delete(item.stored_name)
    client.force_login(owner)
    assert client.get(reverse("inspections:evidence", args=["issue", item.pk])).status_code == 404


@pytest.mark.django_db
def test_a_failed_save_deletes_the_files_it_wrote(issue, owner, monkeypatch):
    from pathlib import Path

    from inspections import workflow
    from reviews import engine, evidence

    from .test_workflow import pdf

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(engine, "record", fail)  # fails after the file was written (record moved to reviews.engine)
    with pytest.raises(RuntimeError):
        workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="x", files=pdf())
    assert not [path for path in Path(evidence.storage().location).rglob("*") if path.is_file()]
    assert not issue.evidence.exists()


@pytest.mark.django_db
def test_page_titles_hold_only_their_title(client, issue, owner, planning):
    import re

    from inspections import workflow

    issue = workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="รายงาน")
    workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    for user, url in ((planning, reverse("projects:review_queue")), (owner, reverse("inspections:mine"))):
        client.force_login(user)
        page = client.get(url, {"fy": 2569}).content.decode()
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "<" not in title and "other-queue" not in title, title
