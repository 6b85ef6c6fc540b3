"""The meetings of a monitoring round (§5.1 step 3, briefing and appointment; step 5, checking the data):
recorded and corrected by planning, with the minutes as text and as files (checked like evidence), and
printed as a PDF."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.pdf import render as pdf_render
from documents.text import keep_terms_together
from reviews import evidence
from reviews.machine import NotAllowed, WorkflowError

from . import workflow
from .models import MonitoringMeeting

FIELDS = ("kind", "date", "attendees", "minutes", "decisions")


def save_meeting(monitoring_round, *, by, values: dict, meeting: MonitoringMeeting | None = None, files=(),
                 links=(), remove=()) -> MonitoringMeeting:
    """Record a new meeting of ``monitoring_round`` (``meeting`` None) or correct one; files in one transaction."""
    if not workflow.may_manage(by, monitoring_round.fiscal_year.office_id):
        raise NotAllowed(_("Planning staff record the monitoring meetings."))
    if not values.get("attendees", "").strip():
        raise WorkflowError(_("List who attended."))
    if values["date"] > timezone.localdate():
        raise WorkflowError(_("A meeting is recorded once it has taken place: the date cannot be in the future."))
    with evidence.atomic_with_files() as stored:
        if meeting is None:
            meeting = MonitoringMeeting(round=monitoring_round, recorded_by=by)
        else:
            meeting = MonitoringMeeting.objects.select_for_update().get(pk=meeting.pk, round=monitoring_round)
        for name in FIELDS:
            value = values[name]
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
        meeting.save()
        evidence.save_items(meeting.evidence, by=by, stored=stored, changes={}, files=files, links=links,
                            remove=remove)
    return meeting


def pdf(meeting: MonitoringMeeting) -> bytes:
    """The meeting's record to print (รายงานการประชุม): kind, date, attendees, minutes, decisions, files."""
    with translation.override("th"):
        html = keep_terms_together(render_to_string("inspections/meeting_pdf.html", {
            "meeting": meeting, "round": meeting.round, "files": meeting.evidence.all(),
            "faces": pdf_render.font_faces(), "today": timezone.localdate()}))
    rendered = pdf_render.render(html)
    return pdf_render.stamp(rendered.pdf, pdf_render.page_numbers(rendered.pages))
