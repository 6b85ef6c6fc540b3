"""The annual report gains an inspection follow-up part when the year has inspection rounds."""

import shutil
import subprocess
from datetime import date

import pytest

from inspections import workflow
from reporting import annual

from ..conftest import need


@pytest.fixture(autouse=True)
def one_process(settings):
    settings.TIDTAM_PDF_WORKERS = 1


@pytest.mark.django_db
def test_inspection_follow_up_in_the_annual_report(fy, recommendation, director, planning, promo_group, owner,
                                                   tmp_path):
    workflow.decide(recommendation.pk, by=director, decision="เห็นชอบ")
    workflow.assign_action(recommendation.pk, by=planning, title="จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง",
                           group=promo_group, owner=owner, due_date=date(2026, 4, 30))
    data = annual.snapshot(fy, "pec", today=date(2026, 5, 1))
    (inspection_round,) = data["inspections"]
    action = inspection_round["issues"][0]["recommendations"][0]["actions"][0]
    assert (action["title"], action["state"], action["due"]) == ("จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง", "open",
                                                                 "2026-04-30")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(annual.build(data).pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "ผลการติดตามการตรวจราชการ" in text and "จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยง" in text
    assert "ควรติดตามนักเรียนที่มีความเสี่ยงรายบุคคล" in text


@pytest.mark.django_db
def test_no_inspection_part_without_rounds(fy):
    data = annual.snapshot(fy, "pec", today=date(2026, 5, 1))
    assert data["inspections"] == []
    assert not any(part.key == "inspections" for part in annual.body_parts(data, False))
