"""Evidence on quarterly forms: content-checked uploads, limits, random storage names, guarded downloads."""

import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import workflow
from projects.models import QuarterlyReport, ReportEvidence

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\x9a\xd4\x00\x00\x00\x00IEND\xaeB`\x82")


def ooxml(main_part: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        for name in extra:
            archive.writestr(name, "x")
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def in_window(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))


@pytest.fixture
def report(own_project):
    return workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))


def url(report):
    return reverse("projects:report", args=[report.project_id, report.quarter.number])


def post(client, report, files=(), **extra):
    report.refresh_from_db()
    data = {"version": report.version, "spent_this_quarter": "", "outputs": "", "outcomes": "", "problems": "",
            "suggestions": "", "action": "save"}
    for line in report.activity_progress.all():
        data.update({f"act-{line.activity_id}-status": "not_started", f"act-{line.activity_id}-percent": "",
                     f"act-{line.activity_id}-description": ""})
    data.update(extra)
    if files:
        data["evidence_files"] = list(files)
    return client.post(url(report), data)


def stored_files() -> list[Path]:
    root = Path(storages["evidence"].location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_accepted_kinds_are_stored_under_random_names_and_downloaded_as_attachments(client, owner, report):
    client.force_login(owner)
    files = [
        SimpleUploadedFile("รายงานผลการอบรม.pdf", PDF),
        SimpleUploadedFile("photo.png", PNG),
        SimpleUploadedFile("สรุป.docx", ooxml("word/document.xml")),
        SimpleUploadedFile("budget.xlsx", xlsx()),
        SimpleUploadedFile("slides.pptx", ooxml("ppt/presentation.xml")),
    ]
    response = post(client, report, files, evidence_links="https://drive.example.go.th/folder/1\n\n")
    assert response.status_code == 302, response.content.decode()[:2000]
    items = {item.title: item for item in ReportEvidence.objects.filter(report=report)}
    assert set(items) == {"รายงานผลการอบรม.pdf", "photo.png", "สรุป.docx", "budget.xlsx", "slides.pptx",
                          "https://drive.example.go.th/folder/1"}
    assert items["สรุป.docx"].content_type.endswith("wordprocessingml.document")
    assert items["budget.xlsx"].content_type.endswith("spreadsheetml.sheet")
    # Random names with no extension, nothing of the original name, outside static and media URLs.
    on_disk = stored_files()
    assert len(on_disk) == 5
    for path in on_disk:
        assert "." not in path.name and len(path.name) == 32
    pdf = items["รายงานผลการอบรม.pdf"]
    response = client.get(reverse("projects:evidence", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    page = client.get(url(report)).content.decode()
    assert "รายงานผลการอบรม.pdf" in page and "https://drive.example.go.th/folder/1" in page
    event = report.events.filter(action="saved").last()
    assert "รายงานผลการอบรม.pdf" in event.changes["evidence added"][1]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "message"), [
    ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "ไม่ใช่ชนิดไฟล์ที่รับ"),
    ("report.pdf", b"<html><script>alert(1)</script></html>", "ไม่ใช่ชนิดไฟล์ที่รับ"),
    ("archive.docx", ooxml("other/thing.xml"), "ไม่ใช่ชนิดไฟล์ที่รับ"),
    ("macro.docx", ooxml("word/document.xml", "word/vbaProject.bin"), "มาโคร"),
    ("empty.pdf", b"", "ว่างเปล่า"),
])
def test_files_are_judged_by_content_and_nothing_is_saved_when_one_is_refused(client, owner, report, name,
                                                                             content, message):
    client.force_login(owner)
    response = post(client, report, [SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile(name, content)],
                    outputs="ข้อความที่พิมพ์")
    assert response.status_code == 400
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.outputs == "" and report.version == 1
    assert not ReportEvidence.objects.exists() and stored_files() == []


@pytest.mark.django_db
def test_size_limits_per_file_and_per_form(client, owner, report, settings):
    settings.TIDTAM_EVIDENCE_MAX_FILE_BYTES = 3000
    settings.TIDTAM_EVIDENCE_MAX_FORM_BYTES = 5000
    client.force_login(owner)
    big = SimpleUploadedFile("big.pdf", PDF + b" " * 4000)
    response = post(client, report, [big])
    assert response.status_code == 400 and "ไฟล์หนึ่งมีขนาดได้ไม่เกิน" in response.content.decode()
    assert post(client, report, [SimpleUploadedFile("a.pdf", PDF + b" " * 2800)]).status_code == 302
    # The second file alone is within the file limit but the form would exceed its total.
    response = post(client, report, [SimpleUploadedFile("b.pdf", PDF + b" " * 2800)])
    assert response.status_code == 400 and "รวมกันได้ไม่เกิน" in response.content.decode()
    assert ReportEvidence.objects.count() == 1 and len(stored_files()) == 1
    # Removing the first makes room, in the same post.
    first = ReportEvidence.objects.get()
    response = post(client, report, [SimpleUploadedFile("b.pdf", PDF + b" " * 2800)], remove_evidence=[first.pk])
    assert response.status_code == 302
    assert list(ReportEvidence.objects.values_list("title", flat=True)) == ["b.pdf"]


@pytest.mark.django_db
def test_removing_evidence_deletes_the_file_after_commit(client, owner, report, django_capture_on_commit_callbacks):
    client.force_login(owner)
    post(client, report, [SimpleUploadedFile("a.pdf", PDF)])
    item = ReportEvidence.objects.get()
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, report, remove_evidence=[item.pk]).status_code == 302
    assert not ReportEvidence.objects.exists() and stored_files() == []
    assert report.events.last().changes["evidence removed"] == ["a.pdf", ""]


@pytest.mark.django_db
def test_bad_links_are_refused(client, owner, report):
    client.force_login(owner)
    response = post(client, report, evidence_links="javascript:alert(1)\nhttps://ok.example.com/x")
    assert response.status_code == 400 and "ไม่ใช่ที่อยู่เว็บ" in response.content.decode()
    assert not ReportEvidence.objects.exists()


@pytest.mark.django_db
def test_evidence_cannot_be_added_once_submitted(client, owner, report):
    client.force_login(owner)
    line = report.activity_progress.get()
    assert post(client, report, action="submit", spent_this_quarter="0", **{
        f"act-{line.activity_id}-status": "done", f"act-{line.activity_id}-description": "เสร็จ"}).status_code == 302
    assert QuarterlyReport.objects.get(pk=report.pk).state == "submitted"
    response = post(client, report, [SimpleUploadedFile("late.pdf", PDF)])
    assert response.status_code == 403
    assert not ReportEvidence.objects.exists() and stored_files() == []


@pytest.mark.django_db
def test_nobody_outside_the_project_can_fetch_evidence_by_guessing_its_url(
        client, owner, report, planning, director, group_head, other_owner, other_office_planning):
    client.force_login(owner)
    post(client, report, [SimpleUploadedFile("ลับ.pdf", PDF)])
    link = reverse("projects:evidence", args=[ReportEvidence.objects.get().pk])
    for user, expected in [(owner, 200), (planning, 200), (director, 200), (group_head, 200),
                           (other_owner, 404), (other_office_planning, 404)]:
        client.force_login(user)
        assert client.get(link).status_code == expected, user
    # Neighbouring ids and links (not files) are not downloadable either.
    client.force_login(owner)
    assert client.get(reverse("projects:evidence", args=[ReportEvidence.objects.get().pk + 1])).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to the login page


# --- hostile uploads through the form (issue: hardening) -------------------------------------------------


@pytest.mark.django_db
def test_a_zip_bomb_uploaded_as_evidence_is_refused_with_little_memory(client, owner, report):
    import tracemalloc

    from tests.documents.test_uploads import GIB, _deflate_zeros, _zip_by_hand

    data, crc = _deflate_zeros(GIB)
    bomb = SimpleUploadedFile("รายงาน.odt", _zip_by_hand([("mimetype", data, crc, GIB)]))
    client.force_login(owner)
    tracemalloc.start()
    try:
        response = post(client, report, files=[bomb])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "รายงาน.odt" in response.content.decode()
    assert not ReportEvidence.objects.exists() and stored_files() == []
    print(f"\npeak memory of the request that refused a 1 GiB zip bomb: {peak / 1024 / 1024:.1f} MiB")
    assert peak < 64 * 1024 * 1024  # the whole request, page included; the bomb alone would need 1 GiB


@pytest.mark.django_db
def test_a_pdf_named_hta_is_kept_and_served_as_pdf(client, owner, report):
    client.force_login(owner)
    assert post(client, report, files=[SimpleUploadedFile("รายงาน.hta", PDF)]).status_code == 302
    evidence = ReportEvidence.objects.get()
    assert evidence.title == "รายงาน.pdf"
    response = client.get(reverse("projects:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert ".hta" not in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_evidence_kept_before_the_fix_is_still_served_under_its_content_extension(client, owner, report):
    """A file stored under a dangerous name before names followed the content is served renamed."""
    from reviews.evidence import store

    client.force_login(owner)
    evidence = report.evidence.create(kind="file", title="old.html", stored_name=store(SimpleUploadedFile("x", PDF)),
                                      content_type="application/pdf", size=len(PDF), uploaded_by=owner)
    response = client.get(reverse("projects:evidence", args=[evidence.pk]))
    assert "old.pdf" in response["Content-Disposition"]
