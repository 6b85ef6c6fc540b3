"""After "จัดทำ" the annual report page shows the real state: with eager tasks the build is done by the time the
page comes back, so it says so (pages and time), not "being generated"."""

import pytest
from django.urls import reverse

from reporting.models import AnnualReport

from ..conftest import make_project, submit_q1


@pytest.fixture(autouse=True)
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TIDTAM_PDF_WORKERS = 1


@pytest.mark.django_db(transaction=True)
def test_after_generating_the_page_shows_the_built_draft(client, fy, promo_group, owner, planning):
    submit_q1(make_project(fy, promo_group, "P-A", owners=[owner]), owner)
    client.force_login(planning)
    response = client.post(reverse("reporting:annual_generate") + "?fy=2569",
                           {"audience": "pec", "basis": "submitted"}, follow=True)
    report = AnnualReport.objects.get()
    assert report.state == AnnualReport.State.DRAFT and report.pages
    page = response.content.decode()
    assert "กำลังจัดทำ" not in page  # neither the message nor the state says it is still being built
    assert 'hx-trigger="every 2s"' not in page
    assert f"{report.pages} หน้า" in page and 'id="download"' in page
    assert "จัดทำร่างรายงานเสร็จแล้ว" in page


@pytest.mark.django_db(transaction=True)
def test_a_build_that_failed_at_once_says_so(client, fy, planning, monkeypatch):
    from reporting import annual

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(annual, "build", broken)
    client.force_login(planning)
    page = client.post(reverse("reporting:annual_generate") + "?fy=2569", {"audience": "obec", "basis": "approved"},
                       follow=True).content.decode()
    assert "กำลังจัดทำ" not in page and "font missing" in page


@pytest.mark.django_db
def test_a_queued_edition_still_says_it_is_being_generated(client, fy, planning, office):
    report = AnnualReport.objects.create(office=office, fiscal_year=fy, audience="pec", created_by=planning)
    client.force_login(planning)
    page = client.get(reverse("reporting:annual_detail", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page


@pytest.mark.django_db
def test_the_progress_of_a_build_needs_no_inline_style(client, fy, planning, office):
    report = AnnualReport.objects.create(office=office, fiscal_year=fy, audience="pec", created_by=planning,
                                         state=AnnualReport.State.GENERATING, progress=40)
    client.force_login(planning)
    fragment = client.get(reverse("reporting:annual_detail", args=[report.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'value="40"' in html and "<progress" in html and "style=" not in html


@pytest.mark.django_db
def test_a_build_under_way_says_its_parts_are_being_made_not_made(client, fy, planning, office):
    """While a worker renders, the plan is known (what is reused, what is to make) but nothing new is made yet."""
    report = AnnualReport.objects.create(office=office, fiscal_year=fy, audience="obec", created_by=planning,
                                         state=AnnualReport.State.GENERATING, progress=20, parts_reused=44,
                                         parts_rendered=3)
    client.force_login(planning)
    url = reverse("reporting:annual_detail", args=[report.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "ใช้ส่วนที่จัดทำไว้แล้ว 44 ส่วน กำลังจัดทำใหม่ 3 ส่วน" in fragment
    AnnualReport.objects.filter(pk=report.pk).update(state=AnnualReport.State.DRAFT, progress=100)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "ใช้ส่วนที่จัดทำไว้แล้ว 44 ส่วน จัดทำใหม่ 3 ส่วน" in done and "กำลังจัดทำใหม่" not in done
