"""Sending a monitoring round to OBEC (§5.1 step 7, "พร้อมเอกสารหลักฐาน").

Once every result of the round is approved, the compiled form is final: the bundle for OBEC is one ZIP with
the compiled form as PDF, an index sheet (.xlsx: every piece of evidence, the file's name inside the ZIP or
the link) and every result's evidence files, streamed as it is written. Recording the sending (date, letter
number, who sent it) happens once per round; a later change is a correction with a reason, kept in a list.
"""

from io import BytesIO

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from documents import zipstream
from documents.excel.sheet import NUMBER, Sheet
from documents.pdf import render as pdf_render
from documents.text import keep_terms_together
from documents.uploads import safe_name
from plans.lib.thaidate import format_date
from reviews import evidence
from reviews.machine import ConflictError, NotAllowed, WorkflowError

from . import workflow
from .models import MonitoringResult, RoundSending, SendingCorrection


def results_of(monitoring_round):
    return (MonitoringResult.objects.filter(round=monitoring_round)
            .select_related("indicator__plan_item", "responsible", "group").prefetch_related("evidence"))


def not_ready_reason(monitoring_round) -> str:
    """Why the round cannot be sent yet ("" when its compiled form is final: every result approved)."""
    states = list(MonitoringResult.objects.filter(round=monitoring_round).values_list("state", flat=True))
    if not states:
        return _("The round has no result to send.")
    waiting = sum(1 for state in states if state != MonitoringResult.State.APPROVED)
    if waiting:
        return _("%(n)s of %(total)s results are not approved yet; the compiled form is sent once every result "
                 "is approved.") % {"n": waiting, "total": len(states)}
    return ""


def compiled_pdf(monitoring_round, results) -> bytes:
    """The compiled monitoring form (OBEC's layout) as a PDF."""
    with translation.override("th"):
        html = keep_terms_together(render_to_string("inspections/monitoring_pdf.html", {
            "round": monitoring_round, "results": results, "faces": pdf_render.font_faces(),
            "today": timezone.localdate()}))
    rendered = pdf_render.render(html)
    return pdf_render.stamp(rendered.pdf, pdf_render.page_numbers(rendered.pages))


def _index(monitoring_round, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = Sheet(book, _("Index of evidence"), monitoring_round.title, fiscal_year=monitoring_round.fiscal_year,
                  columns=[(_("No."), 6, ""), (_("Code"), 10, ""), (_("Indicator"), 45, ""), (_("Target"), 12, NUMBER),
                           (_("Result"), 12, NUMBER), (_("Achieved"), 12, ""), (_("Evidence"), 40, ""),
                           (_("File in the ZIP or link"), 50, "")])
    for number, row in enumerate(rows, start=1):
        sheet.row([number, *row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bundle(monitoring_round):
    """The ZIP's bytes, as they are made: the compiled form, the index sheet, then every evidence file."""
    results = list(results_of(monitoring_round))
    with translation.override("th"):
        files, rows, taken = [], [], {"แบบรายงาน.pdf", "index.xlsx"}
        for result in results:
            achieved = result.achieved
            facts = [result.indicator.code, result.indicator.name, result.indicator.target_value, result.value,
                     "" if achieved is None else (_("achieved") if achieved else _("not achieved"))]
            items = list(result.evidence.all())
            if not items:
                rows.append([*facts, "", _("no evidence")])
            for item in items:
                if item.kind == item.Kind.LINK:
                    rows.append([*facts, item.title, item.url])
                    continue
                kind = evidence.ALLOWED.get(item.content_type)
                title = safe_name(item.title, kind) if kind else item.title
                name = zipstream.unique_name(f"หลักฐาน/{result.indicator.code}/{title.replace('/', '-')}", taken)
                rows.append([*facts, item.title, name])
                files.append((name, lambda stored=item.stored_name: evidence.storage().open(stored, "rb")))
        entries = [("แบบรายงาน.pdf", compiled_pdf(monitoring_round, results)),
                   ("index.xlsx", _index(monitoring_round, rows)), *files]
    yield from zipstream.stream(entries)


def zip_name(monitoring_round) -> str:
    return f"obec-monitoring-{monitoring_round.fiscal_year.year}-{monitoring_round.pk}.zip"


@transaction.atomic
def record(monitoring_round, *, by, sent_on, letter_number: str, sent_by, reason: str = "") -> RoundSending:
    """Record the sending (once); with ``reason``, correct the recorded one. Planning staff only."""
    from .models import MonitoringRound

    office_id = monitoring_round.fiscal_year.office_id
    if not workflow.may_manage(by, office_id):
        raise NotAllowed(_("Planning staff record the sending to OBEC."))
    MonitoringRound.objects.select_for_update().get(pk=monitoring_round.pk)  # one sending at a time
    if sent_by.office_id != office_id:
        raise WorkflowError(_("Choose a person of this office."))
    if sent_on > timezone.localdate():
        raise WorkflowError(_("Record the sending once it is sent: the date cannot be in the future."))
    existing = RoundSending.objects.filter(round=monitoring_round).first()
    if existing is None:
        problem = not_ready_reason(monitoring_round)
        if problem:
            raise ConflictError(problem)
        return RoundSending.objects.create(round=monitoring_round, sent_on=sent_on, letter_number=letter_number,
                                           sent_by=sent_by)
    if not reason.strip():
        raise ConflictError(_("This round was already sent on %(date)s. To change what was recorded, give the "
                              "reason for the correction.") % {"date": format_date(existing.sent_on, "long")})
    changes = {}
    for field, new, shown in (("sent_on", sent_on, sent_on.isoformat()), ("letter_number", letter_number, letter_number),
                              ("sent_by", sent_by, sent_by.full_name)):
        old = getattr(existing, field)
        if old != new:
            changes[field] = [old.isoformat() if field == "sent_on" else getattr(old, "full_name", old), shown]
            setattr(existing, field, new)
    if not changes:
        raise WorkflowError(_("Nothing differs from what was recorded; nothing was saved."))
    existing.save()
    SendingCorrection.objects.create(sending=existing, changes=changes, reason=reason.strip(), by=by)
    return existing
