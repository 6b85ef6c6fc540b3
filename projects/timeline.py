"""A project's year, quarter by quarter, for its page: what each form says and what finance disbursed."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .models import ActivityProgress, Disbursement, IndicatorResult, ProjectIndicator, QuarterlyReport

ZERO = Decimal("0")
# Forms whose figures count as results: sent, and not back with the owner.
SENT = (QuarterlyReport.State.SUBMITTED, QuarterlyReport.State.VERIFIED, QuarterlyReport.State.APPROVED)


@dataclass
class TimelineQuarter:
    quarter: object
    report: QuarterlyReport | None
    activities_done: int
    activities_total: int
    percent: int | None  # mean % complete of the activities reported
    spent: Decimal | None
    disbursed: Decimal | None
    spent_cumulative: Decimal
    disbursed_cumulative: Decimal
    values: list  # (ProjectIndicator, value or text or None), in target order

    @property
    def reported(self) -> bool:
        return self.report is not None and self.report.first_submitted_at is not None


def timeline(project, reader=None) -> list[TimelineQuarter]:
    """Each quarter of the project's year: its form's state, progress, spent against disbursed, indicator values.
    Values come from forms that stand submitted, verified or approved (a draft, or a form back with its
    owner, is not a result yet); for a ``reader`` from outside the office (committee), approved forms only.
    Five queries."""
    quarters = list(project.fiscal_year.quarters.order_by("number"))
    forms = QuarterlyReport.objects.filter(project=project)
    if reader is not None:
        forms = QuarterlyReport.objects.visible_to(reader).filter(project=project)
    reports = {r.quarter_id: r for r in forms}
    disbursed = dict(Disbursement.objects.filter(project=project).values_list("quarter_id", "amount"))
    targets = list(ProjectIndicator.objects.filter(project=project).select_related("indicator")
                   .order_by("indicator__order", "indicator__code"))
    sent = [r.pk for r in reports.values() if r.state in SENT]
    results = {(row["report_id"], row["target_id"]): row for row in IndicatorResult.objects.filter(
        report_id__in=sent).values("report_id", "target_id", "value", "text")}
    progress = defaultdict(list)
    for row in ActivityProgress.objects.filter(report_id__in=sent).values("report_id", "status", "percent"):
        progress[row["report_id"]].append(row)
    out, spent_total, paid_total = [], ZERO, ZERO
    for quarter in quarters:
        report = reports.get(quarter.pk)
        counted = report if report is not None and report.pk in sent else None
        lines = progress.get(counted.pk, []) if counted else []
        percents = [line["percent"] for line in lines if line["percent"] is not None]
        spent = counted.spent_this_quarter if counted else None
        paid = disbursed.get(quarter.pk)
        spent_total += spent or ZERO
        paid_total += paid or ZERO
        values = []
        for target in targets:
            row = results.get((counted.pk, target.pk)) if counted else None
            values.append((target, None if row is None else (row["value"] if row["value"] is not None
                                                             else (row["text"] or None))))
        out.append(TimelineQuarter(quarter, report, sum(1 for line in lines if line["status"] == "done"), len(lines),
                                   round(sum(percents) / len(percents)) if percents else None, spent, paid,
                                   spent_total, paid_total, values))
    return out
