"""Two people acting on the same form at once: one wins, the other is told, nothing is lost (PostgreSQL)."""

import threading
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from projects import workflow
from projects.models import QuarterlyReport, ReportEvent

from ..conftest import need

BKK = ZoneInfo("Asia/Bangkok")


def race(*calls):
    """Run the calls in threads that start together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what we assert on
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins_the_other_gets_a_conflict(own_project, owner, planning, director,
                                                                  monkeypatch):
    need(connection.vendor == "postgresql", "row locks need PostgreSQL (SQLite ignores select_for_update)")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 1, 5))
    q1 = own_project.fiscal_year.quarters.get(number=1)
    report = workflow.get_or_create_report(own_project, q1)
    lines = {line.pk: {"status": "done", "description": "ทำแล้ว"} for line in report.activity_progress.all()}
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"spent_this_quarter": Decimal("1")}, activities=lines, results={})
    report = workflow.submit(report.pk, by=owner, expected_version=report.version,
                             now=datetime(2026, 1, 5, 9, tzinfo=BKK))
    version = report.version
    for _ in range(3):
        outcomes = race(
            lambda: workflow.verify(report.pk, by=planning, expected_version=version),
            lambda: workflow.return_report(report.pk, by=director, expected_version=version, reason="ไม่ครบ"),
        )
        winners = [o for o in outcomes if isinstance(o, QuarterlyReport)]
        losers = [o for o in outcomes if isinstance(o, workflow.ConflictError)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        final = QuarterlyReport.objects.get(pk=report.pk)
        assert final.version == version + 1
        assert final.state == winners[0].state
        # put it back to submitted for the next round
        if final.state == "verified":
            final = workflow.return_report(final.pk, by=planning, expected_version=final.version, reason="รอบใหม่")
        final = workflow.submit(final.pk, by=owner, expected_version=final.version,
                                now=datetime(2026, 1, 5, 10, tzinfo=BKK))
        version = final.version
    assert ReportEvent.objects.filter(report_id=report.pk, action__in=["verified", "returned"]).count() >= 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_draft_one_wins_the_other_is_told(own_project, owner, group_head):
    need(connection.vendor == "postgresql", "row locks need PostgreSQL (SQLite ignores select_for_update)")
    q1 = own_project.fiscal_year.quarters.get(number=1)
    report = workflow.get_or_create_report(own_project, q1)
    version = report.version
    outcomes = race(
        lambda: workflow.save_form(report.pk, by=owner, expected_version=version, fields={"outputs": "ของเจ้าของ"},
                                   activities={}, results={}),
        lambda: workflow.save_form(report.pk, by=group_head, expected_version=version,
                                   fields={"outputs": "ของหัวหน้ากลุ่ม"}, activities={}, results={}),
    )
    winners = [o for o in outcomes if isinstance(o, QuarterlyReport)]
    losers = [o for o in outcomes if isinstance(o, workflow.ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    final = QuarterlyReport.objects.get(pk=report.pk)
    assert final.outputs == winners[0].outputs and final.version == version + 1
