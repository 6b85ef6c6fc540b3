"""A report build beats every few seconds; one silent for a minute died with its worker and can be generated
again at once."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import annual
from reporting.models import AnnualReport
from reporting.tasks import generate_annual_report


@pytest.fixture(autouse=True)
def quick_build(settings, monkeypatch):
    """Tasks run at once, and the PDF is a stand-in (the real one is tested in test_annual.py)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(annual, "build", lambda data, **kwargs: annual.Built(b"%PDF-1.7 stand-in", 1, 0, 0.1, []))


def generating(office, fy, planning, *, silent_for: float) -> AnnualReport:
    """An edition a worker took, whose last heartbeat was ``silent_for`` seconds ago."""
    report = AnnualReport.objects.create(office=office, fiscal_year=fy, audience="pec", created_by=planning,
                                         state=AnnualReport.State.GENERATING, progress=5)
    AnnualReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() - timedelta(seconds=silent_for))
    report.refresh_from_db()
    return report


@pytest.mark.django_db(transaction=True)
def test_generate_again_takes_over_a_build_silent_for_a_minute(client, office, fy, planning, settings):
    report = generating(office, fy, planning, silent_for=settings.TIDTAM_REPORT_DEAD_AFTER_SECONDS + 5)
    assert report.is_stalled
    client.force_login(planning)
    page = client.get(reverse("reporting:annual_detail", args=[report.pk])).content.decode()
    assert "หยุดทำงาน" in page  # the page says the build stopped and offers to generate it again
    client.post(reverse("reporting:annual_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == AnnualReport.State.DRAFT and report.file


@pytest.mark.django_db
def test_a_build_that_beat_recently_is_left_alone(client, office, fy, planning, settings):
    report = generating(office, fy, planning, silent_for=settings.TIDTAM_REPORT_DEAD_AFTER_SECONDS - 20)
    assert not report.is_stalled
    assert generate_annual_report(report.pk) == "skipped"
    client.force_login(planning)
    page = client.get(reverse("reporting:annual_detail", args=[report.pk])).content.decode()
    assert "หยุดทำงาน" not in page
    response = client.post(reverse("reporting:annual_retry", args=[report.pk]), follow=True)
    assert "เพิ่งแจ้งสถานะ" in response.content.decode()  # told it is still being built
    report.refresh_from_db()
    assert report.state == AnnualReport.State.GENERATING and report.progress == 5


@pytest.mark.django_db(transaction=True)
def test_a_long_build_beats_while_it_runs(office, fy, planning, settings, monkeypatch):
    """A section can take longer than a minute to render without telling its progress: the heartbeat goes on."""
    settings.TIDTAM_REPORT_HEARTBEAT_SECONDS = 0.2
    seen = []

    def slow_build(data, **kwargs):
        pk = AnnualReport.objects.get().pk
        for _ in range(2):
            seen.append(AnnualReport.objects.get(pk=pk).updated_at)
            time.sleep(1)
        seen.append(AnnualReport.objects.get(pk=pk).updated_at)
        return annual.Built(b"%PDF-1.7 stand-in", 1, 0, 2.0, [])

    monkeypatch.setattr(annual, "build", slow_build)
    report = AnnualReport.objects.create(office=office, fiscal_year=fy, audience="pec", created_by=planning)
    assert generate_annual_report(report.pk) == "built"
    assert seen[0] < seen[1] < seen[2]  # beaten during each silent second
    report.refresh_from_db()
    assert report.state == AnnualReport.State.DRAFT
    time.sleep(0.5)  # and it stops beating once the build is over
    assert AnnualReport.objects.get(pk=report.pk).updated_at == report.updated_at
