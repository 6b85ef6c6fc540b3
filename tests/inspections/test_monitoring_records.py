"""Issue 17 items 4, 6, 7, 8: a monitoring round's meetings, its sending to OBEC (the ZIP looked inside), the
monitoring part of the ก.ต.ป.น. edition, and inspecting bodies as data with their report layouts."""

import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Office
from inspections import report, workflow
from inspections.models import (InspectingBody, InspectionRound, MeetingFile, MonitoringMeeting, MonitoringResult,
                                RoundSending, SendingCorrection)
from reporting import annual

from ..conftest import need
from .test_workflow import PDF, pdf


@pytest.fixture(autouse=True)
def one_process(settings):
    settings.TIDTAM_PDF_WORKERS = 1


@pytest.fixture
def monitoring_round(fy, indicator, owner, promo_group, planning):
    from inspections.models import Assignment

    Assignment.objects.create(fiscal_year=fy, indicator=indicator, responsible=owner, group=promo_group)
    return workflow.open_monitoring_round(fy, by=planning, title="ติดตามนโยบาย รอบ 6 เดือน", due_date=date(2026, 4, 10))


def approve_all(monitoring_round, owner, planning, director, *, files=True):
    for result in MonitoringResult.objects.filter(round=monitoring_round):
        result = workflow.save_result(result.pk, by=owner, expected_version=result.version, value=95,
                                      narrative="อบรมครูครบทุกโรงเรียน",
                                      files=pdf("สรุปผล.pdf") if files else (),
                                      links=["https://example.go.th/kpi01"] if files else ())
        for name, by in (("submit", owner), ("verify", planning), ("approve", director)):
            result = workflow.move_result(result.pk, name, by=by, expected_version=result.version)


def pdf_text(content: bytes, tmp_path) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())


# --- 4. meetings ----------------------------------------------------------------------------------


MEETING = {"kind": "briefing", "date": "02/03/2569", "attendees": "นายสมชาย ใจดี ผู้อำนวยการ\nนางสาวพิมพ์ชนก วงศ์ใหญ่",
           "minutes": "ชี้แจงแนวทางการติดตามนโยบาย", "decisions": "มอบหมายผู้รับผิดชอบตามคำสั่ง"}


@pytest.mark.django_db
def test_planning_records_a_meeting_with_its_minutes_file_listed_and_printable(client, monitoring_round, planning,
                                                                                owner, tmp_path):
    client.force_login(planning)
    url = reverse("inspections:meeting_new", args=[monitoring_round.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**MEETING, "evidence_files": SimpleUploadedFile(
        "รายงานการประชุม.pdf", PDF, content_type="application/pdf")})
    meeting = MonitoringMeeting.objects.get()
    assert response.url == reverse("inspections:meeting", args=[meeting.pk])
    assert (meeting.kind, meeting.date, meeting.attendee_list[0]) == ("briefing", date(2026, 3, 2),
                                                                      "นายสมชาย ใจดี ผู้อำนวยการ")
    assert meeting.evidence.get().title == "รายงานการประชุม.pdf"
    page = client.get(reverse("inspections:monitoring_round", args=[monitoring_round.pk])).content.decode()
    assert "ประชุมชี้แจงและมอบหมายผู้รับผิดชอบ (ขั้นที่ 3)" in page and reverse("inspections:meeting",
                                                                                  args=[meeting.pk]) in page
    # Others of the office read it (and its file) but do not change it.
    client.force_login(owner)
    detail = client.get(reverse("inspections:meeting", args=[meeting.pk]))
    assert detail.status_code == 200 and "มอบหมายผู้รับผิดชอบตามคำสั่ง" in detail.content.decode()
    assert 'id="meeting-form"' not in detail.content.decode()
    assert client.get(reverse("inspections:evidence", args=["meeting", meeting.evidence.get().pk])).status_code == 200
    assert client.post(reverse("inspections:meeting", args=[meeting.pk]), MEETING).status_code == 403
    assert client.get(url).status_code == 403
    printed = client.get(reverse("inspections:meeting_pdf", args=[meeting.pk]))
    assert printed["Content-Type"] == "application/pdf"
    text = pdf_text(printed.content, tmp_path)
    assert "รายงานการประชุม" in text and "นายสมชาย ใจดี" in text and "มอบหมายผู้รับผิดชอบตามคำสั่ง" in text


@pytest.mark.django_db
def test_a_meeting_is_corrected_and_bad_input_saves_nothing(client, monitoring_round, planning):
    client.force_login(planning)
    client.post(reverse("inspections:meeting_new", args=[monitoring_round.pk]), MEETING)
    meeting = MonitoringMeeting.objects.get()
    url = reverse("inspections:meeting", args=[meeting.pk])
    response = client.post(url, {**MEETING, "kind": "data_check", "decisions": "ข้อมูลครบ ส่ง สพฐ."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.decisions) == ("data_check", "ข้อมูลครบ ส่ง สพฐ.")
    future = timezone.localdate() + timedelta(days=3)
    bad = [{**MEETING, "date": f"{future.day}/{future.month}/{future.year + 543}"}, {**MEETING, "attendees": " "},
           {**MEETING, "date": "31/02/2569"},
           {**MEETING, "evidence_files": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")}]
    for data in bad:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "text-danger" in response.content.decode() or "alert" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.date) == ("data_check", date(2026, 3, 2)) and not MeetingFile.objects.exists()
    assert client.post(reverse("inspections:meeting_new", args=[monitoring_round.pk]),
                       {**MEETING, "attendees": ""}).status_code == 400
    assert MonitoringMeeting.objects.count() == 1


@pytest.mark.django_db
def test_another_offices_meeting_is_not_found(client, monitoring_round, planning, other_office_planning):
    client.force_login(planning)
    client.post(reverse("inspections:meeting_new", args=[monitoring_round.pk]), MEETING)
    meeting = MonitoringMeeting.objects.get()
    client.force_login(other_office_planning)
    for url in (reverse("inspections:meeting", args=[meeting.pk]), reverse("inspections:meeting_pdf", args=[meeting.pk]),
                reverse("inspections:meeting_new", args=[monitoring_round.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("inspections:meeting", args=[meeting.pk]), MEETING).status_code == 404


# --- 6. sending to OBEC ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_zip_for_obec_holds_the_compiled_form_the_index_and_every_evidence_file(
        client, monitoring_round, owner, planning, director, tmp_path):
    client.force_login(planning)
    url = reverse("inspections:obec_bundle", args=[monitoring_round.pk])
    refused = client.get(url)
    assert refused.status_code == 409 and "ยังไม่ได้รับอนุมัติ" in refused.content.decode()
    approve_all(monitoring_round, owner, planning, director)
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == ["แบบรายงาน.pdf", "index.xlsx", "หลักฐาน/KPI01/สรุปผล.pdf"]
    assert archive.read("หลักฐาน/KPI01/สรุปผล.pdf") == PDF
    text = pdf_text(archive.read("แบบรายงาน.pdf"), tmp_path)
    assert "แบบรายงานผลการดำเนินงานตามนโยบายและตัวชี้วัด" in text and "สรุปผล.pdf" in text
    sheet = load_workbook(BytesIO(archive.read("index.xlsx"))).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows[0][:3] == [1, "KPI01", "ร้อยละของโรงเรียน"] and rows[0][5] == "บรรลุ"
    assert {tuple(row[6:8]) for row in rows} == {("สรุปผล.pdf", "หลักฐาน/KPI01/สรุปผล.pdf"),
                                                 ("https://example.go.th/kpi01", "https://example.go.th/kpi01")}


@pytest.mark.django_db
def test_a_round_is_sent_once_and_corrected_with_a_reason(client, monitoring_round, owner, planning, director):
    url = reverse("inspections:record_sending", args=[monitoring_round.pk])
    data = {"sent_on": "20/04/2569", "letter_number": "ศธ 04123/456", "sent_by": planning.pk}
    client.force_login(planning)
    assert client.post(url, data).status_code == 409  # results not approved yet
    assert not RoundSending.objects.exists()
    approve_all(monitoring_round, owner, planning, director, files=False)
    client.force_login(owner)
    assert client.post(url, data).status_code == 403
    client.force_login(director)
    assert client.post(url, data).status_code == 403
    assert client.get(url).status_code == 405
    client.force_login(planning)
    future = timezone.localdate() + timedelta(days=1)
    assert client.post(url, {**data, "sent_on": f"{future.day}/{future.month}/{future.year + 543}"}).status_code == 400
    assert client.post(url, {**data, "letter_number": "  "}).status_code == 400
    assert client.post(url, {**data, "sent_by": 999999}).status_code == 400
    assert not RoundSending.objects.exists()
    assert client.post(url, data).status_code == 302
    sending = RoundSending.objects.get()
    assert (sending.sent_on, sending.letter_number, sending.sent_by) == (date(2026, 4, 20), "ศธ 04123/456", planning)
    again = client.post(url, {**data, "letter_number": "ศธ 04123/999"})
    assert again.status_code == 409 and "ระบุเหตุผลที่แก้ไข" in again.content.decode()
    assert client.post(url, {**data, "letter_number": "ศธ 04123/457", "reason": "พิมพ์เลขที่หนังสือผิด"}).status_code == 302
    sending.refresh_from_db()
    correction = SendingCorrection.objects.get()
    assert sending.letter_number == "ศธ 04123/457" and RoundSending.objects.count() == 1
    assert correction.changes == {"letter_number": ["ศธ 04123/456", "ศธ 04123/457"]}
    assert correction.reason == "พิมพ์เลขที่หนังสือผิด" and correction.by == planning
    page = client.get(reverse("inspections:monitoring_round", args=[monitoring_round.pk])).content.decode()
    assert "ศธ 04123/457" in page and "พิมพ์เลขที่หนังสือผิด" in page and "20 เมษายน พ.ศ. 2569" in page


@pytest.mark.django_db
def test_another_office_neither_downloads_nor_records(client, monitoring_round, owner, planning, director,
                                                      other_office_planning):
    approve_all(monitoring_round, owner, planning, director)
    client.force_login(other_office_planning)
    assert client.get(reverse("inspections:obec_bundle", args=[monitoring_round.pk])).status_code == 404
    assert client.post(reverse("inspections:record_sending", args=[monitoring_round.pk]), {
        "sent_on": "20/04/2569", "letter_number": "x", "sent_by": other_office_planning.pk}).status_code == 404
    assert not RoundSending.objects.exists()


# --- 7. the monitoring part of the ก.ต.ป.น. edition -----------------------------------------------------------


@pytest.mark.django_db
def test_the_ktpn_edition_has_the_years_monitoring_rounds_on_the_approved_basis(
        fy, monitoring_round, owner, planning, director, indicator, strategy, tmp_path):
    from plans.models import Indicator

    from inspections.models import Assignment

    second = Indicator.objects.create(fiscal_year=fy, plan_item=strategy, code="KPI02", name="จำนวนครูที่ผ่านการอบรม",
                                      unit="คน", target_value=100, order=2)
    Assignment.objects.create(fiscal_year=fy, indicator=second, responsible=owner, group=owner.work_groups.first())
    later = workflow.open_monitoring_round(fy, by=planning, title="ติดตามนโยบาย รอบ 12 เดือน", due_date=date(2026, 9, 10))
    approve_all(monitoring_round, owner, planning, director)
    # Of the later round, KPI01 is only submitted: not in the edition.
    result = later.results.get(indicator=indicator)
    result = workflow.save_result(result.pk, by=owner, expected_version=result.version, value=50, narrative="ยังไม่ครบ")
    workflow.move_result(result.pk, "submit", by=owner, expected_version=result.version)
    data = annual.snapshot(fy, "ktpn", today=date(2026, 10, 20))
    (only,) = data["monitoring"]
    assert only["title"] == "ติดตามนโยบาย รอบ 6 เดือน"
    assert only["results"] == [{"code": "KPI01", "name": "ร้อยละของโรงเรียน", "unit": "ร้อยละ", "target": "90.00",
                                "result": "95.00", "achieved": True, "narrative": "อบรมครูครบทุกโรงเรียน"}]
    assert annual.snapshot(fy, "pec", today=date(2026, 10, 20))["monitoring"] == []
    parts = [part.key for part in annual.body_parts(data, False)]
    assert parts.index("monitoring") == parts.index("problems") - 1
    text = pdf_text(annual.build(data).pdf, tmp_path)
    assert "ผลการติดตามนโยบายและตัวชี้วัด" in text and "อบรมครูครบทุกโรงเรียน" in text and "ยังไม่ครบ" not in text


@pytest.mark.django_db
def test_no_monitoring_part_without_approved_results(fy, monitoring_round):
    data = annual.snapshot(fy, "ktpn", today=date(2026, 10, 20))
    assert data["monitoring"] == []
    assert "monitoring" not in [part.key for part in annual.body_parts(data, False)]


# --- 8. inspecting bodies ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_office_starts_with_the_four_bodies_and_planning_extends_the_list(client, office, planning, owner,
                                                                                other_office_planning):
    new_office = Office.objects.create(code="SPPX1", name="สพป.ทดสอบ")
    assert list(new_office.inspecting_bodies.values_list("code", "layout")) == [
        ("obec", "obec"), ("moe", "obec"), ("pmo", "pmo"), ("province", "pmo")]
    assert new_office.inspecting_bodies.get(code="province").name == "ผู้ตรวจราชการสำนักงานจังหวัด"
    url = reverse("inspections:bodies")
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": "x", "name": "y", "layout": "obec", "order": 5}).status_code == 403
    client.force_login(planning)
    page = client.get(url).content.decode()
    assert "การตรวจราชการแบบบูรณาการ สำนักนายกรัฐมนตรี" in page and 'id="body-form"' in page
    response = client.post(url, {"code": "ombudsman", "name": "ผู้ตรวจการแผ่นดิน", "layout": "pmo", "order": 5,
                                 "is_active": "on"})
    assert response.status_code == 302
    added = office.inspecting_bodies.get(code="ombudsman")
    assert (added.name, added.layout) == ("ผู้ตรวจการแผ่นดิน", "pmo")
    assert client.post(url, {"code": "obec", "name": "ซ้ำ", "layout": "obec", "order": 1}).status_code == 400
    moe = office.inspecting_bodies.get(code="moe")
    assert client.post(url, {"pk": moe.pk, "code": "moe", "name": "ผู้ตรวจราชการ ศธ.", "layout": "pmo",
                             "order": 2}).status_code == 302
    moe.refresh_from_db()
    assert (moe.name, moe.layout, moe.is_active) == ("ผู้ตรวจราชการ ศธ.", "pmo", False)
    # Another office's body: not found, not changed.
    theirs = new_office.inspecting_bodies.get(code="obec")
    assert client.get(url, {"edit": theirs.pk}).status_code == 404
    assert client.post(url, {"pk": theirs.pk, "code": "obec", "name": "x", "layout": "obec", "order": 1}).status_code == 404
    client.force_login(other_office_planning)
    assert "ผู้ตรวจการแผ่นดิน" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_round_names_a_body_of_its_office_only(client, fy, planning, other_office):
    theirs = other_office.inspecting_bodies.get(code="pmo")
    client.force_login(planning)
    data = {"number": 1, "title": "ตรวจราชการ", "start_date": "10/02/2569", "end_date": "12/02/2569", "inspectors": "x"}
    assert client.post(reverse("inspections:rounds") + "?fy=2569", {**data, "body": theirs.pk}).status_code == 400
    inactive = fy.office.inspecting_bodies.get(code="moe")
    inactive.is_active = False
    inactive.save()
    assert client.post(reverse("inspections:rounds") + "?fy=2569", {**data, "body": inactive.pk}).status_code == 400
    assert not InspectionRound.objects.exists()
    ours = fy.office.inspecting_bodies.get(code="province")
    assert client.post(reverse("inspections:rounds") + "?fy=2569", {**data, "body": ours.pk}).status_code == 302
    assert InspectionRound.objects.get().body == ours


@pytest.mark.django_db
def test_each_body_has_its_report_layout(fy, issue, recommendation, tmp_path):
    inspection_round = issue.round
    obec_text = pdf_text(report.pdf(inspection_round)[0], tmp_path)
    assert "รายงานผลการตรวจราชการและการติดตามข้อเสนอแนะ" in obec_text
    inspection_round.body = InspectingBody.objects.get(office=fy.office, code="pmo")
    inspection_round.save()
    pmo_text = pdf_text(report.pdf(inspection_round)[0], tmp_path)
    assert "แบบรายงานผลการตรวจราชการแบบบูรณาการ" in pmo_text
    assert "ควรติดตามนักเรียนที่มีความ" in pmo_text and "การลดความเหลื่อมล้ำ" in pmo_text  # (lines wrap in the table)


@pytest.mark.django_db
def test_the_round_page_lists_meetings_in_a_bounded_number_of_queries(client, monitoring_round, planning,
                                                                       django_assert_max_num_queries):
    from inspections import meetings

    for day in range(1, 8):
        meetings.save_meeting(monitoring_round, by=planning, files=pdf(f"รายงาน{day}.pdf"), values={
            "kind": "briefing", "date": date(2026, 3, day), "attendees": "ก\nข", "minutes": "", "decisions": "มติ"})
    client.force_login(planning)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("inspections:monitoring_round", args=[monitoring_round.pk]))
    assert page.content.decode().count("/inspections/monitoring/meetings/") == 7
