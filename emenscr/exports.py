"""Ready-to-key sheets (one row per project, in the national screens' field order) and the data-entry summary
report (stage × group: projects, keyed, not keyed, late against the window; who keyed)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from documents.excel.sheet import MONEY, Sheet
from documents.pdf import render as pdf_render
from documents.text import keep_terms_together
from plans.lib.thaidate import format_date

from .fields import FIELDS, State
from .stages import window_of


MONEY_FIELDS = {"budget", "disbursed"}  # written as numbers with two decimals, the rest as the text keyed


def _columns(stage):
    """(key, header, kind): the project, then the stage's fields as the national screens order them."""
    keys = [k for k in stage.fields if k in FIELDS]
    if stage.per_quarter:
        # progress: the figures as numbers (activity %, cumulative disbursed), the rest as text
        return [("code", _("Project code"), "text"), ("emenscr_id", _("eMENSCR project id"), "text"),
                ("name", _("Project name"), "text"), ("budget", _("Budget (baht)"), "money"),
                *[(k, str(FIELDS[k].label), "money" if k == "disbursed" else "text") for k in keys if k != "name"]]
    return [("code", _("Project code"), "text"), ("emenscr_id", _("eMENSCR project id"), "text"),
            *[(k, str(FIELDS[k].label), "money" if k in MONEY_FIELDS else "text") for k in keys if k != "code"]]


def stage_rows(book, stage, round_: int):
    """For each project: (status, {column key: value}); money as numbers with two decimals, dates B.E."""
    columns = _columns(stage)
    for project in book.projects:
        status = book.status(project, stage, round_)
        data = getattr(project, "emenscr_cached", None)
        values = dict(status.texts)
        values.update({"code": project.code, "emenscr_id": data.emenscr_id if data else "", "name": project.name,
                       "budget": project.total_budget if values.get("budget", True) else None})
        if "disbursed" in values:
            values["disbursed"] = book.disbursed_to(project, round_) if values["disbursed"] else None
        yield status, {key: values.get(key) for key, _h, _k in columns}


def stage_workbook(book, stage, round_: int) -> Workbook:
    workbook = Workbook(write_only=True)
    columns = _columns(stage)
    window = window_of(stage, round_)
    notes = [f"{stage.code} {stage.name}", _("round %(round)s") % {"round": round_}]
    if window:
        notes.append(f"{format_date(window.opens)} – {format_date(window.closes)}")
    sheet = Sheet(workbook, stage.code, _("Ready to key into eMENSCR"),
                  [(header, 14 if kind == "money" else 30, MONEY if kind == "money" else "")
                   for _k, header, kind in columns]
                  + [(_("State"), 14, ""), (_("Missing fields"), 40, "")],
                  fiscal_year=book.fy, notes=notes)
    for status, values in stage_rows(book, stage, round_):
        sheet.row([*[values[key] if values[key] not in ("",) else None for key, _h, _k in columns],
                   str(status.label), ", ".join(str(f.label) for f in status.missing)])
    return workbook


def sheet_filename(fy, stage, round_):
    return f"emenscr-{fy.year}-{stage.code}-{round_}.xlsx"


@dataclass
class SummaryRow:
    stage: object
    round: int
    group: object
    projects: int = 0
    keyed: int = 0
    not_keyed: int = 0
    late: int = 0
    keyers: Counter = field(default_factory=Counter)

    @property
    def who(self) -> str:
        return ", ".join(f"{name} ({n})" for name, n in self.keyers.most_common())


def summary(book, stages, today: date) -> list[SummaryRow]:
    """Stage (its current round) × group: projects, keyed, not keyed, keyed late or not keyed after the window."""
    rows = []
    for stage in stages:
        opened = [w for w in stage.window_list if w.opens <= today] or stage.window_list[:1]
        for window in opened:
            by_group = {}
            for status in book.statuses(stage, window.round):
                group = status.project.group
                row = by_group.setdefault(group.pk, SummaryRow(stage, window.round, group))
                row.projects += 1
                entry = status.entry
                if status.state in (State.KEYED, State.NEEDS_UPDATE) and entry is not None:
                    row.keyed += 1
                    if entry.keyed_by:
                        row.keyers[entry.keyed_by.full_name] += 1
                    if timezone.localtime(entry.keyed_at).date() > window.closes:
                        row.late += 1
                else:
                    row.not_keyed += 1
                    if today > window.closes:
                        row.late += 1
            rows += sorted(by_group.values(), key=lambda r: (r.group.order, r.group.code))
    return rows


def summary_workbook(rows, fy) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, _("Summary"), _("eMENSCR data-entry summary report"), [
        (_("Stage"), 30, ""), (_("Round"), 8, ""), (_("Group"), 36, ""), (_("Projects"), 10, "#,##0"),
        (_("Keyed"), 10, "#,##0"), (_("Not keyed"), 10, "#,##0"), (_("Late"), 10, "#,##0"), (_("Keyed by"), 40, "")],
        fiscal_year=fy)
    for r in rows:
        sheet.row([f"{r.stage.code} {r.stage.name}", r.round, r.group.name, r.projects, r.keyed, r.not_keyed, r.late,
                   r.who])
    return workbook


def summary_pdf(rows, fy, request) -> bytes:
    with translation.override("th"):
        html = keep_terms_together(render_to_string("emenscr/summary_pdf.html", {
            "fy": fy, "office": fy.office, "rows": rows, "faces": pdf_render.font_faces(),
            "today": timezone.localdate()}))
    rendered = pdf_render.render(html)
    return pdf_render.stamp(rendered.pdf, pdf_render.page_numbers(rendered.pages))
