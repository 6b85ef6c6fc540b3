"""Policy and indicator monitoring: responsible persons, a round, results reported, verified, approved, exported."""

import shutil
import subprocess
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Assignment, MonitoringResult, MonitoringRound
from plans.models import PlanItem

from ..conftest import need
from .test_workflow import PDF


@pytest.fixture
def policy(fy):
    return PlanItem.objects.create(fiscal_year=fy, kind=PlanItem.Kind.POLICY, code="P1", name="นโยบายที่ 1 ความปลอดภัย")


@pytest.mark.django_db
def test_assign_open_report_verify_approve_export(client, fy, policy, indicator, planning, director, owner,
                                                  other_owner, tmp_path):
    client.force_login(owner)
    assert client.post(reverse("inspections:monitoring"), {"op": "assign"}).status_code == 403
    client.force_login(planning)
    client.post(reverse("inspections:monitoring") + "?fy=2569", {
        "op": "assign", f"resp-item-{policy.pk}": planning.pk, f"resp-ind-{indicator.pk}": owner.pk})
    assert {(a.plan_item_id, a.indicator_id, a.responsible_id) for a in Assignment.objects.all()} == {
        (policy.pk, None, planning.pk), (None, indicator.pk, owner.pk)}
    # A person of another office is refused and nothing changes.
    from ..factories import UserFactory

    stranger = UserFactory()
    client.post(reverse("inspections:monitoring") + "?fy=2569", {"op": "assign",
                                                                  f"resp-ind-{indicator.pk}": stranger.pk})
    assert Assignment.objects.get(indicator=indicator).responsible == owner
    pdf = client.get(reverse("inspections:appointments"), {"fy": 2569})
    assert pdf["Content-Type"] == "application/pdf"
    response = client.post(reverse("inspections:monitoring") + "?fy=2569", {
        "op": "open", "title": "ติดตามนโยบาย รอบ 6 เดือน", "due_date": "31/03/2569"})
    monitoring_round = MonitoringRound.objects.get()
    assert response.url == reverse("inspections:monitoring_round", args=[monitoring_round.pk])
    result = MonitoringResult.objects.get()
    assert (result.responsible, result.state) == (owner, "draft")
    # The owner reports a value with evidence and submits; others cannot see it.
    client.force_login(other_owner)
    assert client.get(reverse("inspections:result", args=[result.pk])).status_code == 404
    client.force_login(owner)
    response = client.post(reverse("inspections:result", args=[result.pk]), {
        "op": "save", "version": 1, "value": "ก", "narrative": ""})
    assert response.status_code == 400
    client.post(reverse("inspections:result", args=[result.pk]), {
        "op": "save", "version": 1, "value": "92.5", "narrative": "โรงเรียนผ่านเกณฑ์ 92.5%", "then": "submit",
        "evidence_files": SimpleUploadedFile("สรุปผล.pdf", PDF, content_type="application/pdf")})
    result.refresh_from_db()
    assert (result.state, result.value, result.achieved) == ("submitted", 92.5, True)
    client.force_login(planning)
    client.post(reverse("inspections:result", args=[result.pk]), {"op": "verify", "version": result.version})
    result.refresh_from_db()
    client.force_login(director)
    client.post(reverse("inspections:result", args=[result.pk]), {"op": "approve", "version": result.version})
    result.refresh_from_db()
    assert result.state == "approved"
    sheet = load_workbook(BytesIO(client.get(reverse("inspections:monitoring_export",
                                                     args=[monitoring_round.pk, "xlsx"])).content)).worksheets[0]
    row = [c.value for c in next(sheet.iter_rows(min_row=5, max_row=5))]
    assert row[:6] == ["KPI01", "ร้อยละของโรงเรียน", "กลยุทธ์ที่ 1", 90, 92.5, "บรรลุ"] and "สรุปผล.pdf" in row[7]
    response = client.get(reverse("inspections:monitoring_export", args=[monitoring_round.pk, "pdf"]))
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "m.pdf"
    path.write_bytes(response.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "แบบรายงานผลการดำเนินงานตามนโยบายและตัวชี้วัด" in text and "บรรลุ" in text and "สรุปผล.pdf" in text


@pytest.mark.django_db
def test_a_round_needs_assigned_indicators(client, fy, planning):
    client.force_login(planning)
    response = client.post(reverse("inspections:monitoring") + "?fy=2569", {
        "op": "open", "title": "รอบว่าง", "due_date": "31/03/2569"})
    assert response.status_code == 400 and not MonitoringRound.objects.exists()
    assert "กรุณากำหนดผู้รับผิดชอบตัวชี้วัดอย่างน้อยหนึ่งตัวก่อน" in response.content.decode()
