"""The form shows how many times its content was saved ("แก้ไขครั้งที่ N"), not the internal version that every
move bumps; the hidden version for the stale-page check stays."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from projects import workflow

from ..conftest import submit_q1


@pytest.mark.django_db
def test_one_review_cycle_shows_the_saves_not_the_internal_version(client, own_project, owner, planning, director):
    report = submit_q1(own_project, owner)  # one save, then submit
    report = workflow.return_report(report.pk, by=planning, expected_version=report.version, reason="แก้")
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"problems": "แก้แล้ว"}, activities={}, results={})
    report = workflow.submit(report.pk, by=owner, expected_version=report.version,
                             now=datetime(2026, 1, 6, 9, tzinfo=ZoneInfo("Asia/Bangkok")))
    report = workflow.verify(report.pk, by=planning, expected_version=report.version)
    report = workflow.approve(report.pk, by=director, expected_version=report.version)
    assert report.version > 2
    client.force_login(owner)
    page = client.get(reverse("projects:report", args=[own_project.pk, 1])).content.decode()
    assert f"ฉบับที่ {report.version}" not in page
    assert "แก้ไขครั้งที่ 2" in page
    assert re.search(rf'name="version" value="{report.version}"', page)  # the stale-page check stays


@pytest.mark.django_db
def test_a_form_nobody_saved_shows_no_count(client, own_project, owner):
    client.force_login(owner)
    page = client.get(reverse("projects:report", args=[own_project.pk, 1])).content.decode()
    assert "แก้ไขครั้งที่" not in page and "ฉบับที่" not in page
