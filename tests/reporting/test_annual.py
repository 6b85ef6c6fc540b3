"""The annual report: snapshot, PDF (Thai text, contents, digits), editions workflow, freezing, command."""

import hashlib
import io
import json
import re
import shutil
import subprocess
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from projects import workflow
from projects.models import QuarterlyReport
from documents.pdf import render
from reporting import annual
from reporting.models import AnnualReport

from ..conftest import make_project, need, submit_q1
from ..factories import UserFactory

TODAY = date(2026, 1, 30)


@pytest.fixture(autouse=True)
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TIDTAM_PDF_WORKERS = 1


@pytest.fixture
def data_year(fy, promo_group, sup_group, owner, other_owner, planning, director):
    """P-A approved (with a problem reported), P-B submitted only, P-C not sent."""
    a = make_project(fy, promo_group, "P-A", owners=[owner], objectives="ลดอัตราการออกกลางคัน")
    report = submit_q1(a, owner)
    QuarterlyReport.objects.filter(pk=report.pk).update(problems="งบประมาณล่าช้า", suggestions="ควรจัดสรรเร็วขึ้น")
    report.refresh_from_db()
    workflow.verify(report.pk, by=planning, expected_version=report.version)
    report.refresh_from_db()
    workflow.approve(report.pk, by=director, expected_version=report.version)
    submit_q1(make_project(fy, promo_group, "P-B", owners=[owner]), owner)
    make_project(fy, sup_group, "P-C", owners=[other_owner])
    return fy


def pdf_text(pdf: bytes, tmp_path, first=None, last=None) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext"] + (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    out = subprocess.run(args + [str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())  # lines wrap where the page does


@pytest.mark.django_db
def test_snapshot_is_plain_json_and_follows_the_basis(data_year):
    approved = annual.snapshot(data_year, "ktpn", basis="approved", today=TODAY)
    json.dumps(approved)  # stored as JSON as it is
    by_code = {p["code"]: p for p in approved["projects"]}
    assert set(by_code) == {"P-A", "P-B", "P-C"} and by_code["P-A"]["problems"] == "งบประมาณล่าช้า"
    assert by_code["P-B"]["reported_quarter"] is None  # submitted, not approved: not counted
    assert approved["problems"] == [{"text": "งบประมาณล่าช้า", "projects": ["P-A"]}]
    submitted = annual.snapshot(data_year, "ktpn", basis="submitted", today=TODAY)
    assert {p["code"]: p["reported_quarter"] for p in submitted["projects"]}["P-B"] == 1
    assert approved["quarters"][0]["missing"] == 1 and approved["totals"]["projects"] == 3


@pytest.mark.django_db
def test_pdf_reads_back_in_thai_with_contents_pointing_at_the_right_pages(data_year, tmp_path):
    built = annual.build(annual.snapshot(data_year, "ktpn", today=TODAY))
    assert len(PdfReader(BytesIO(built.pdf)).pages) == built.pages  # the count stored with the edition
    parts = [page for _t, page, level in built.toc if level == 0]
    assert len(parts) > 1 and parts == sorted(parts) and built.front_pages + parts[-1] <= built.pages
    text = pdf_text(built.pdf, tmp_path)
    assert "รายงานผลการดำเนินงาน" in text and "ตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2569" in text
    assert "ก.ต.ป.น." in text and "ลดอัตราการออกกลางคัน" in text and "งบประมาณล่าช้า" in text
    # The contents say on which page each part starts; that page (after the front matter) has its heading.
    for title, page, level in built.toc:
        if level == 0:
            on_page = pdf_text(built.pdf, tmp_path, built.front_pages + page, built.front_pages + page)
            assert title.split(" ", 2)[2][:20] in on_page, title
            assert re.search(rf"-\s*{page}\s*-", on_page)  # numbered at the top, Thai official style


@pytest.mark.django_db
def test_editions_differ_by_audience_and_thai_digits_go_everywhere(data_year, tmp_path):
    pec = annual.build(annual.snapshot(data_year, "pec", today=TODAY), thai_digits=True)
    text = pdf_text(pec.pdf, tmp_path)
    assert "ศึกษาธิการจังหวัด" in text and "สรุปผลการดำเนินงานรายโครงการ" not in text
    assert "พ.ศ. ๒๕๖๙" in text and re.search(r"-\s*๑\s*-", text)
    body = pdf_text(pec.pdf, tmp_path, pec.front_pages + 1)
    assert not any(ch.isdigit() and ch.isascii() for ch in body), "Arabic digits left in a Thai-digit edition"


@pytest.mark.django_db(transaction=True)
def test_generate_approve_freeze_and_download(client, data_year, planning, director, owner, committee):
    client.force_login(planning)
    response = client.post(reverse("reporting:annual_generate") + "?fy=2569",
                           {"audience": "pec", "basis": "approved"})
    report = AnnualReport.objects.get()
    assert response.url == reverse("reporting:annual_detail", args=[report.pk])
    assert report.state == AnnualReport.State.DRAFT and report.pages and report.file
    stored = report.file.read()
    assert hashlib.sha256(stored).hexdigest() == report.sha256 and stored.startswith(b"%PDF")
    # The committee does not see a draft; the director approves it.
    client.force_login(committee)
    assert client.get(reverse("reporting:annual_download", args=[report.pk])).status_code == 404
    client.force_login(director)
    assert "decision" in client.get(reverse("reporting:annual_detail", args=[report.pk])).content.decode()
    client.post(reverse("reporting:annual_decide", args=[report.pk]), {"action": "approve"})
    report.refresh_from_db()
    assert report.state == AnnualReport.State.APPROVED and report.decided_by == director
    snapshot = report.snapshot
    # Forms change afterwards: the approved edition does not.
    p_b = QuarterlyReport.objects.get(project__code="P-B")
    workflow.verify(p_b.pk, by=planning, expected_version=p_b.version)
    report.refresh_from_db()
    assert report.snapshot == snapshot and report.file.read() == stored
    assert client.post(reverse("reporting:annual_decide", args=[report.pk]), {"action": "return", "reason": "x"},
                       follow=True).status_code == 200
    report.refresh_from_db()
    assert report.state == AnnualReport.State.APPROVED  # a decision is final
    # Its audience downloads it now; project owners never see editions.
    client.force_login(committee)
    response = client.get(reverse("reporting:annual_download", args=[report.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    client.force_login(owner)
    assert client.get(reverse("reporting:annual_download", args=[report.pk])).status_code == 404
    assert client.get(reverse("reporting:annual_list")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_return_needs_a_reason_and_only_planning_generates(client, data_year, planning, director, owner,
                                                          other_office_planning, monkeypatch):
    # Who may do what is decided around the build, not inside it: the edition here is not drawn
    # (test_generate_approve_freeze_and_download builds and reads a real one).
    monkeypatch.setattr(annual, "build", lambda data, **kwargs: annual.Built(b"%PDF-1.4 not drawn", 1, 0, 0.0, []))
    client.force_login(owner)
    assert client.post(reverse("reporting:annual_generate"), {"audience": "pec"}).status_code == 403
    client.force_login(planning)
    client.post(reverse("reporting:annual_generate"), {"audience": "ktpn", "basis": "submitted"})
    report = AnnualReport.objects.get()
    assert client.post(reverse("reporting:annual_decide", args=[report.pk]), {"action": "approve"}).status_code == 403
    client.force_login(director)
    response = client.post(reverse("reporting:annual_decide", args=[report.pk]), {"action": "return", "reason": ""})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.state == AnnualReport.State.DRAFT
    client.post(reverse("reporting:annual_decide", args=[report.pk]), {"action": "return", "reason": "แก้คำนำ"})
    report.refresh_from_db()
    assert (report.state, report.return_reason) == (AnnualReport.State.RETURNED, "แก้คำนำ")
    client.force_login(other_office_planning)
    assert client.get(reverse("reporting:annual_detail", args=[report.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_failed_build_says_why_and_can_run_again(client, data_year, planning, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(annual, "build", broken)
    client.force_login(planning)
    client.post(reverse("reporting:annual_generate"), {"audience": "obec", "basis": "approved"})
    report = AnnualReport.objects.get()
    assert report.state == AnnualReport.State.FAILED and "font missing" in report.error
    page = client.get(reverse("reporting:annual_detail", args=[report.pk])).content.decode()
    assert "font missing" in page
    monkeypatch.undo()
    client.post(reverse("reporting:annual_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == AnnualReport.State.DRAFT and report.file


@pytest.mark.django_db
def test_central_viewers_read_approved_obec_editions_only(client, data_year, office):
    from accounts.models import Office

    obec = Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)
    office.parent = obec
    office.save()
    central = UserFactory(office=obec, roles=[Role.CENTRAL])
    editions = {a: AnnualReport.objects.create(office=office, fiscal_year=data_year, audience=a, state="approved")
                for a in ("obec", "pec")}
    draft = AnnualReport.objects.create(office=office, fiscal_year=data_year, audience="obec", state="draft")
    client.force_login(central)
    client.post(reverse("switch_office"), {"office": office.pk, "next": "/"})
    page = client.get(reverse("reporting:annual_list"), {"fy": 2569}).content.decode()
    assert reverse("reporting:annual_detail", args=[editions["obec"].pk]) in page
    assert reverse("reporting:annual_detail", args=[editions["pec"].pk]) not in page
    assert client.get(reverse("reporting:annual_detail", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_command_builds_the_pdf_and_refuses_bad_input(data_year, tmp_path, office):
    out = StringIO()
    target = tmp_path / "report.pdf"
    call_command("build_annual_report", "--fy", "2569", "--audience", "obec", "-o", str(target),
                 "--office", office.code, stdout=out)
    assert target.read_bytes().startswith(b"%PDF") and "pages" in out.getvalue()
    with pytest.raises(CommandError, match="unknown audience"):
        call_command("build_annual_report", "--fy", "2569", "--audience", "moe", "-o", str(target),
                     "--office", office.code)
    with pytest.raises(CommandError, match="2570"):
        call_command("build_annual_report", "--fy", "2570", "--audience", "pec", "-o", str(target),
                     "--office", office.code)


def test_thai_digits_leave_tags_styles_and_entities_alone():
    html = "<style>p { margin: 12pt }</style><p class='x1'>พ.ศ. 2569 &#x27;A&#x27; 1,234.50</p>"
    assert annual.thai_digits_html(html) == ("<style>p { margin: 12pt }</style><p class='x1'>พ.ศ. ๒๕๖๙ &#x27;A&#x27; "
                                            "๑,๒๓๔.๕๐</p>")


def test_official_terms_stay_on_one_line():
    html = "<title>ผู้อำนวยการ</title><p title='งบประมาณ'>ผู้อำนวยการสำนักงาน ใช้งบประมาณ</p>"
    assert annual.keep_terms_together(html) == (
        "<title>ผู้อำนวยการ</title><p title='งบประมาณ'><span class=\"nw\">ผู้อำนวยการ</span>สำนักงาน ใช้"
        "<span class=\"nw\">งบประมาณ</span></p>")


@pytest.mark.django_db
def test_snapshot_labels_are_thai_whoever_asks(data_year):
    from django.utils import translation

    with translation.override("en"):
        data = annual.snapshot(data_year, "pec", today=TODAY)
    assert {row["label"] for row in data["by_source"]} == {"แผนปฏิบัติการประจำปี"}


@pytest.mark.django_db
def test_a_build_whose_worker_died_can_run_again(data_year, office, planning):
    from datetime import timedelta

    from django.utils import timezone

    from reporting.tasks import generate_annual_report

    report = AnnualReport.objects.create(office=office, fiscal_year=data_year, audience="pec", created_by=planning,
                                         state=AnnualReport.State.GENERATING)
    assert generate_annual_report(report.pk) == "skipped"  # still running elsewhere
    AnnualReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert generate_annual_report(report.pk) == "built"
    report.refresh_from_db()
    assert report.state == AnnualReport.State.DRAFT and report.file


# ------------------------------------------------------------------ the edition as a reader sees it

OFFICE = "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12"


def edition(projects=(), strategies=()) -> dict:
    """A snapshot as ``annual.snapshot`` makes it, with only what these tests look at."""
    return {"audience": "obec", "basis": "approved", "today": "2026-01-30", "fiscal_year": 2569, "version": 1,
            "office": {"name": OFFICE, "code": "SPM12"}, "director": "นายสมชาย ใจดี",
            "totals": {"projects": len(projects), "budget": "1000.00", "disbursed": "500.00"},
            "by_source": [], "by_group": [], "quarters": [], "budget_quarters": [],
            "indicator_counts": {}, "strategies": list(strategies), "projects": list(projects),
            "problems": [], "suggestions": [], "inspections": []}


def a_project(number: int, activities: int) -> dict:
    return {"code": f"2569-{number:03d}", "name": f"โครงการพัฒนาคุณภาพการศึกษาที่ {number}", "group": "กลุ่มนโยบายและแผน",
            "source": "แผนปฏิบัติการประจำปี", "objectives": "1. เพื่อพัฒนาคุณภาพการจัดการศึกษา\n2. เพื่อให้บรรลุตัวชี้วัด",
            "budget": "100000.00", "disbursed": "5000.00", "disbursed_by_quarter": {}, "reported_quarter": 1,
            "activities": [{"name": f"กิจกรรมที่ {k}", "status": "in_progress", "percent": 50,
                            "description": "ดำเนินการแล้วบางส่วน ผู้เข้าร่วม 100 คน จาก 37 โรงเรียน"}
                           for k in range(1, activities + 1)],
            "indicators": [{"name": "KPI07 จำนวนครูที่ได้รับการพัฒนา", "unit": "คน", "target": "800.00",
                            "result": "750.00"}],
            "outputs": "", "outcomes": "", "problems": "", "suggestions": ""}


def part_pdf(data: dict, key: str) -> bytes:
    parts = [part for part in annual.body_parts(data, False) if part.key == key]
    return render.merge([render.render(part.html).pdf for part in parts])


def layout_lines(pdf: bytes, tmp_path) -> list[str]:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "l.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


def test_counts_print_without_decimals_and_rates_with_two(tmp_path):
    strategy = {"code": "1", "name": "พัฒนาคุณภาพ", "kind": "กลยุทธ์", "indicators": [
        {"code": "KPI07", "name": "จำนวนครูที่ได้รับการพัฒนา", "unit": "คน", "target": "800.00", "result": "750.00",
         "status": "not_yet", "qualitative": False, "texts": []},
        {"code": "KPI01", "name": "ร้อยละของสถานศึกษา", "unit": "ร้อยละ", "target": "90.00", "result": "85.30",
         "status": "not_yet", "qualitative": False, "texts": []},
        {"code": "KPI08", "name": "ระดับความสำเร็จ", "unit": "ระดับ", "target": "5.00", "result": "4.27",
         "status": "not_yet", "qualitative": False, "texts": []}]}
    data = edition([a_project(1, 2)], [strategy])
    results = " ".join(layout_lines(part_pdf(data, "results"), tmp_path))
    assert "800 คน" in results and "750 คน" in results and "800.00" not in results
    assert "90.00 ร้อยละ" in results and "85.30 ร้อยละ" in results and "5 ระดับ" in results and "4.27 ระดับ" in results
    projects = " ".join(layout_lines(part_pdf(data, "projects"), tmp_path))
    assert "เป้าหมาย 800 ผล 750" in projects and "800.00" not in projects


def test_the_directors_title_stays_on_one_line(tmp_path):
    lines = layout_lines(part_pdf(edition(), "problems"), tmp_path)
    assert f"ผู้อำนวยการ{OFFICE}" in lines
    assert not any(line.endswith("เขต") for line in lines)


def test_a_project_header_is_never_the_last_thing_on_a_page():
    """Each project's title is on the page of its activities table, and no page ends with a title or the
    line of facts under it (checked with pypdf, page by page)."""
    from pypdf import PdfReader

    # Blocks of different lengths, so that headers fall near page ends.
    data = edition([a_project(n, 1 + (n * 7) % 9) for n in range(1, 25)])
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(part_pdf(data, "projects"))).pages]
    assert len(pages) > 4
    for text in pages:
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        assert not re.match(r"^2569-\d{3} โครงการ", lines[-1]) and "·" not in lines[-1], lines[-3:]
    for n in range(1, 25):
        title = f"2569-{n:03d} โครงการพัฒนาคุณภาพการศึกษาที่ {n}"
        [page] = [index for index, text in enumerate(pages) if title in " ".join(text.split())]
        assert "กิจกรรมที่ 1" in pages[page].split(title, 1)[1], title


def test_an_inspection_issue_stays_with_its_first_recommendation():
    from pypdf import PdfReader

    action = {"title": "จัดประชุมชี้แจงแนวทางการดำเนินงานแก่สถานศึกษา", "group": "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
              "owner": "นางสาวใจดี มีสุข", "due": "2026-03-31", "state": "open", "state_label": "กำลังดำเนินการ"}
    issues = [{"code": str(n), "title": f"ประเด็นการตรวจที่ {n} การพัฒนาคุณภาพการจัดการเรียนรู้", "group": "กลุ่มนิเทศ",
               "state": "ส่งแล้ว", "report": "",
               "recommendations": [{"number": k, "text": "ควรนิเทศติดตามครูผู้สอนอย่างต่อเนื่องและรายงานผลทุกไตรมาส",
                                    "decision": "เห็นชอบ", "actions": [action] * (1 + (n * 5 + k) % 3)}
                                   for k in range(1, 1 + n % 3)]} for n in range(1, 19)]
    data = {**edition(), "inspections": [{"title": "การตรวจราชการ รอบที่ 1", "body": "สพฐ.", "start": "2026-01-10",
                                          "end": "2026-01-12", "issues": issues}]}
    pages = [" ".join(page.extract_text().split())
             for page in PdfReader(io.BytesIO(part_pdf(data, "inspections"))).pages]
    assert len(pages) > 2
    for issue in issues:
        title = f"ประเด็นที่ {issue['code']} {issue['title']}"
        [page] = [index for index, text in enumerate(pages) if title in text]
        if issue["recommendations"]:
            assert f"ข้อเสนอแนะ {issue['code']}.1" in pages[page].split(title, 1)[1], title


@pytest.mark.django_db
def test_the_budget_part_shows_each_category_against_its_own_target(data_year, finance):
    """P-C is capital (งบลงทุน): 20,000.10 of 100,000.50 is 20.00 % against the capital target of 20 %."""
    from decimal import Decimal

    from plans.models import DisbursementTarget
    from projects.models import Project

    Project.objects.filter(code="P-C").update(budget_category=Project.BudgetCategory.INVESTMENT)
    DisbursementTarget.objects.update_or_create(fiscal_year=data_year, budget_type="capital", quarter=1,
                                                defaults={"cumulative_percent": Decimal("20")})
    workflow.record_disbursement(project=Project.objects.get(code="P-C"), quarter=data_year.quarters.get(number=1),
                                 amount=Decimal("20000.10"), by=finance)
    data = annual.snapshot(data_year, "ktpn", today=TODAY)
    json.dumps(data)
    categories = {c["category"]: c for c in data["budget_categories"]}
    capital = categories["investment"]
    assert capital["budget"] == "100000.50" and capital["disbursed"] == "20000.10"
    assert capital["quarters"][0] == {"number": 1, "disbursed": "20000.10", "cumulative": "20000.10",
                                      "target_percent": "20.00", "target": "20000.10", "percent": "20.00"}
    assert categories["operating"]["budget"] == "200001.00"  # P-A and P-B have no category: operating
    (part,) = [p for p in annual.body_parts(data, False) if p.key == "budget"]
    assert 'class="budget-categories"' in part.html and "งบลงทุน" in part.html and "ประเภท" in part.html
