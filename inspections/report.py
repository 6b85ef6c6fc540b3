"""A round's inspection report and the follow-up of its recommendations: PDF (the annual report's Thai
official look and machinery) and Excel. A round is a few pages, so it is built in the request.

Each inspecting body chooses its report's layout (``InspectingBody.layout``): OBEC's issue-by-issue report
or the PMO integrated inspection's one table (issue, the office's result, recommendation, what was done)."""

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from documents.excel.sheet import Sheet
from documents.pdf import render
from documents.text import keep_terms_together

from accounts.permissions import reads_final_work_only

from .models import FollowUpAction, InspectionIssue, InspectionRound, Layout


def _issues(inspection_round: InspectionRound, reader):
    """The round's issues ``reader`` may read (committee members: approved reports only); all without a reader."""
    issues = inspection_round.issues.all()
    return issues if reader is None else InspectionIssue.objects.visible_to(reader).filter(round=inspection_round)


def rows(inspection_round: InspectionRound, reader=None):
    """(issue, recommendation, action or None) for every recommendation of the round, in order."""
    issues = (_issues(inspection_round, reader).select_related("group", "responsible")
              .prefetch_related("recommendations__actions__owner", "recommendations__actions__group"))
    for issue in issues:
        for recommendation in issue.recommendations.all():
            actions = list(recommendation.actions.all()) or [None]
            for action in actions:
                yield issue, recommendation, action


# The PDF template of each layout.
TEMPLATES = {Layout.OBEC: "inspections/round_report.html", Layout.PMO: "inspections/round_report_pmo.html"}


def pdf(inspection_round: InspectionRound, *, today: date | None = None, reader=None) -> tuple[bytes, int]:
    today = today or timezone.localdate()
    issues = list(_issues(inspection_round, reader).select_related("group", "responsible").prefetch_related(
        "recommendations__actions__owner", "recommendations__actions__group", "evidence"))
    counts = {state: 0 for state, _label in FollowUpAction.State.choices}
    overdue = 0
    for issue in issues:
        for recommendation in issue.recommendations.all():
            for action in recommendation.actions.all():
                counts[action.state] += 1
                overdue += action.is_overdue(today)
    with translation.override("th"):
        template = TEMPLATES.get(inspection_round.body.layout, TEMPLATES[Layout.OBEC])
        html = keep_terms_together(render_to_string(template, {
            "round": inspection_round, "issues": issues, "today": today, "faces": render.font_faces(),
            "counts": [(label, counts[state]) for state, label in FollowUpAction.State.choices], "overdue": overdue,
            "final_only": reader is not None and reads_final_work_only(reader),
        }))
    rendered = render.render(html)
    return render.stamp(rendered.pdf, render.page_numbers(rendered.pages)), rendered.pages


def workbook(inspection_round: InspectionRound, *, today: date | None = None, reader=None) -> Workbook:
    today = today or timezone.localdate()
    final_only = reader is not None and reads_final_work_only(reader)
    book = Workbook(write_only=True)
    columns = [(_("No."), 6, ""), (_("Inspection issue"), 40, ""), (_("Responsible group"), 26, ""),
               (_("Report"), 14, ""), (_("Recommendation"), 50, ""), (_("Director's decision"), 30, ""),
               (_("Action"), 40, ""), (_("Owner"), 22, ""), (_("Due date"), 12, "yyyy-mm-dd"), (_("State"), 18, ""),
               (_("Overdue"), 8, ""), (_("Follow-up report"), 50, "")]
    sheet = Sheet(book, _("Follow-up"), inspection_round.title, columns, fiscal_year=inspection_round.fiscal_year)
    for issue, recommendation, action in rows(inspection_round, reader):
        # Committee members read the follow-up report of closed actions only; open ones show their state.
        progress = action.progress if action and (action.state == action.State.CLOSED or not final_only) else ""
        sheet.row([f"{issue.code}.{recommendation.number}", issue.title, issue.group.name, issue.get_state_display(),
                   recommendation.text, recommendation.decision,
                   action.title if action else "", action.owner.full_name if action else "",
                   action.due_date if action else None, action.get_state_display() if action else _("No action yet"),
                   (_("yes") if action.is_overdue(today) else "") if action else "", progress])
    return book
