"""Inspection reports wait in the forms' queues whatever fiscal year they belong to, labelled by year."""

from datetime import date

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_report_of_last_year_waits_in_the_queue_labelled_by_year(client, monkeypatch, issue, owner, planning):
    from inspections import workflow

    issue = workflow.save_report(issue.pk, by=owner, expected_version=issue.version, text="รายงาน")
    workflow.move_issue(issue.pk, "submit", by=owner, expected_version=issue.version)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 11, 2))  # FY 2570
    client.force_login(planning)
    page = client.get(reverse("projects:review_queue")).content.decode()
    other = page[page.index('id="other-queue"'):]
    assert issue.title in other and "ปีงบประมาณ พ.ศ. 2569" in other
    home = client.get(reverse("home")).content.decode()
    assert 'id="pending-review"' in home and ">1</span>" in home[home.index('id="pending-review"'):]
