"""The evaluation as a Thai official PDF (documents.pdf) and an Excel workbook (documents.excel): one row per
project with every criterion's figure, the score and the level, then the roll-ups and the lessons. An approved
summary exports its frozen figures; before that, today's."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from accounts.offices import current_office
from documents.excel.sheet import NUMBER, Sheet
from documents.pdf import render
from documents.responses import pdf_response, xlsx_response
from documents.text import keep_terms_together
from plans.models import FiscalYear

from . import scoring, services, workflow
from .models import Summary

FORMATS = ("xlsx", "pdf")


def data_for(fiscal_year, *, today: date | None = None) -> dict | None:
    """The approved summary's snapshot, else today's figures; None when the year has no form."""
    summary = Summary.objects.filter(fiscal_year=fiscal_year).first()
    if summary is not None and summary.state == Summary.State.APPROVED and summary.snapshot:
        return {**summary.snapshot, "approved": True, "overview": summary.overview}
    if services.current_form(fiscal_year) is None:
        return None
    return {**services.build_snapshot(fiscal_year, today=today), "approved": False,
            "overview": summary.overview if summary else ""}


def _d(value):
    return None if value in (None, "") else Decimal(value)


def workbook(fiscal_year, data: dict) -> Workbook:
    book = Workbook(write_only=True)
    note = _("approved summary") if data["approved"] else _("not approved yet: today's figures")
    criteria = data["criteria"]
    columns = [(_("Project code"), 12, ""), (_("Project"), 40, ""), (_("Group"), 26, "")]
    columns += [(f"{c['code']} {c['name']}" + (" (%)" if c["kind"] == "computed" else ""), 16, NUMBER)
                for c in criteria]
    columns += [(_("Score (%)"), 10, NUMBER), (_("Level"), 14, ""), (_("Answers"), 10, ""), (_("Reasons"), 50, "")]
    sheet = Sheet(book, _("Projects"), f"ผลการประเมินแผนปฏิบัติการประจำปี พ.ศ. {data['fiscal_year']}", columns,
                  fiscal_year=fiscal_year, notes=[note])
    for p in data["projects"]:
        by_code = {c["code"]: c for c in p["criteria"]}
        values = []
        for c in criteria:
            row = by_code.get(c["code"], {})
            values.append(_d(row.get("figure") if c["kind"] == "computed" else row.get("value")))
        sheet.row([p["code"], p["name"], p["group"], *values, _d(p["score"]), scoring.LEVEL_TH[p["level"]],
                   f"{p['answered']}/{p['invited']}", " / ".join(p["reasons"])])
    rollups = Sheet(book, _("Roll-ups"), _("Roll-ups"), [
        (_("Roll-up"), 50, ""), (_("Projects"), 10, ""), (_("Mean score (%)"), 14, NUMBER), (_("Level"), 14, ""),
        *[(scoring.LEVEL_TH[level], 12, "") for level in scoring.LEVELS]], fiscal_year=fiscal_year, notes=[note])
    for part in [*data["groups"], *data["strategies"], data["plan"]]:
        rollups.row([part["label"], part["projects"], _d(part["mean"]), scoring.LEVEL_TH[part["level"]],
                     *[part["levels"].get(level, 0) for level in scoring.LEVELS]])
    lessons = Sheet(book, _("Lessons"), "ข้อเสนอแนะเพื่อการจัดทำแผนในระยะต่อไป",
                    [(_("Strategy"), 40, ""), (_("Lesson for the next plan"), 80, "")], fiscal_year=fiscal_year)
    for lesson in data["lessons"]:
        lessons.row([lesson["strategy"] or "ทั้งแผน", lesson["text"]])
    return book


def pdf(fiscal_year, data: dict, *, today: date | None = None) -> tuple[bytes, int]:
    today = today or timezone.localdate()
    with translation.override("th"):
        html = keep_terms_together(render_to_string("evaluation/report_pdf.html", {
            "data": data, "office": fiscal_year.office, "today": today, "faces": render.font_faces(),
            "level_th": scoring.LEVEL_TH, "levels": scoring.LEVELS}))
    rendered = render.render(html)
    return render.stamp(rendered.pdf, render.page_numbers(rendered.pages)), rendered.pages


@login_required
@require_safe
def export(request, year: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    fiscal_year = get_object_or_404(FiscalYear.objects.visible_to(request.user).select_related("office"),
                                    office=current_office(request), year=year)
    if not workflow.reads(request.user, fiscal_year.office_id):
        # readers from outside the office: the approved summary only
        if not Summary.objects.visible_to(request.user).filter(fiscal_year=fiscal_year,
                                                               state=Summary.State.APPROVED).exists():
            raise Http404
    data = data_for(fiscal_year)
    if data is None:
        raise Http404
    name = f"evaluation-{year}"
    if fmt == "xlsx":
        return xlsx_response(workbook(fiscal_year, data), f"{name}.xlsx")
    return pdf_response(pdf(fiscal_year, data)[0], f"{name}.pdf")
