"""accounts.http.safe_next: a posted ``next`` is followed only when it stays on this site."""

from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.http import is_safe_local, safe_next
from projects import workflow
from projects.models import QuarterlyReport

FALLBACK = "/fallback/"
OFF_SITE = ["/\\evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)",
            "/projects/\x0b", "/projects/\n//evil.example", "\t//evil.example", "http://testserver.evil.example/"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_next_that_leaves_the_site_falls_back(target):
    request = RequestFactory().post("/somewhere/", {"next": target})
    assert not is_safe_local(target, request)
    assert safe_next(request, FALLBACK) == FALLBACK


@pytest.mark.parametrize("target", ["/projects/12/q1/?fy=2569#review", "/mail/log/", "http://testserver/plans/"])
def test_a_local_next_is_followed(target):
    assert safe_next(RequestFactory().post("/somewhere/", {"next": target}), FALLBACK) == target


def test_the_referer_is_followed_only_when_asked_and_only_when_local():
    request = RequestFactory().post("/somewhere/", HTTP_REFERER="/projects/")
    assert safe_next(request, FALLBACK) == FALLBACK
    assert safe_next(request, FALLBACK, referer=True) == "/projects/"
    request = RequestFactory().post("/somewhere/", HTTP_REFERER="https://evil.example/")
    assert safe_next(request, FALLBACK, referer=True) == FALLBACK
    assert safe_next(RequestFactory().get("/somewhere/", {"next": "/plans/"}), FALLBACK) == "/plans/"


@pytest.fixture
def submitted(owner, own_project, monkeypatch):
    """Q1's form of the owner's project, sent inside its window (the quarterly form's review moves take ``next``)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    line = report.activity_progress.get()
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"spent_this_quarter": 0},
                                activities={line.pk: {"status": "done", "description": "ทำแล้ว"}}, results={})
    report = workflow.submit(report.pk, by=owner, expected_version=report.version)
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example/"])
def test_a_review_move_with_an_off_site_next_stays_on_the_form(client, planning, own_project, submitted, target):
    report = submitted
    form = reverse("projects:report", args=[own_project.pk, 1])
    client.force_login(planning)
    response = client.post(form, {"action": "verify", "version": report.version, "next": target})
    assert response.status_code == 302 and response.url == form
    assert QuarterlyReport.objects.get(pk=report.pk).state == "verified"


@pytest.mark.django_db
def test_a_review_move_with_a_local_next_goes_there(client, planning, own_project, submitted):
    report = submitted
    client.force_login(planning)
    queue = reverse("projects:review_queue")
    response = client.post(reverse("projects:report", args=[own_project.pk, 1]),
                           {"action": "verify", "version": report.version, "next": queue})
    assert response.status_code == 302 and response.url == queue
