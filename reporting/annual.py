"""The annual summary report: one content model, an edition per audience, built as a Thai official PDF.

``snapshot()`` freezes the year's figures into plain JSON (what an approved edition keeps for
ever); ``build()`` turns a snapshot into the PDF: front matter (cover, foreword, contents) and
body parts — each section, and each project's block on pages of its own — each a small HTML
document rendered once and kept by content (documents.pdf.parts), so that a build renders only
the parts whose HTML it has not seen (in parallel), then merges, numbers and bookmarks them from
the parts' page counts and anchor pages.
"""

import re
import time
from pathlib import Path
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Role, User
from documents.pdf import parts as parts_store
from documents.pdf import render
from documents.text import keep_terms_together, thai_digits_html
from plans.models import PlanItem

from . import charts, figures
from .models import Audience


AUDIENCES = {
    Audience.PEC: {
        "name": "คณะกรรมการศึกษาธิการจังหวัด (กศจ.)",
        "addressee": "ประธานคณะกรรมการศึกษาธิการจังหวัด",
        "sections": ["overview", "results", "budget", "problems"],
    },
    Audience.KTPN: {
        "name": "คณะกรรมการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา (ก.ต.ป.น.)",
        "addressee": "ประธานคณะกรรมการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา",
        "sections": ["overview", "results", "projects", "budget", "problems"],
    },
    Audience.OBEC: {
        "name": "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (สพฐ.)",
        "addressee": "เลขาธิการคณะกรรมการการศึกษาขั้นพื้นฐาน",
        "sections": ["overview", "results", "projects", "budget", "problems"],
    },
    Audience.OTHERS: {
        "name": "ผู้ที่เกี่ยวข้อง",
        "addressee": "หัวหน้าส่วนราชการ ผู้บริหารสถานศึกษาในสังกัด และผู้ที่เกี่ยวข้อง",
        "sections": ["overview", "results", "budget", "problems"],
    },
}
TITLES = {
    "overview": "ภาพรวมแผนปฏิบัติการประจำปี",
    "results": "ผลการดำเนินงานตามกลยุทธ์และตัวชี้วัด",
    "projects": "สรุปผลการดำเนินงานรายโครงการ",
    "budget": "การเบิกจ่ายงบประมาณเทียบกับเป้าหมาย",
    "problems": "ปัญหา อุปสรรค และข้อเสนอแนะ",
    "inspections": "ผลการติดตามการตรวจราชการ",
    "monitoring": "ผลการติดตามนโยบายและตัวชี้วัด",
    "evaluation": "ผลการประเมินแผนปฏิบัติการประจำปี",
}
# The editions that carry the year's policy and indicator monitoring rounds (§5.1 step 8: results reach ก.ต.ป.น.).
MONITORING_AUDIENCES = {Audience.KTPN}
STATUS_TH = {"met": "บรรลุ", "not_yet": "ยังไม่บรรลุ", "reported": "รายงานแล้ว", "no_data": "ยังไม่มีข้อมูล"}
ACTIVITY_TH = {"not_started": "ยังไม่เริ่ม", "in_progress": "กำลังดำเนินการ", "done": "เสร็จแล้ว",
               "cancelled": "ยกเลิก", "postponed": "เลื่อน"}


NOTHING = re.compile(r"^[\s\-–—.()]*(ไม่มี\S*)?[\s\-–—.()]*$")


def _says_something(text: str) -> bool:
    """Not empty, not "-", not "ไม่มี…" ("none"), which owners write to fill a required box."""
    return bool(text and text.strip()) and not NOTHING.match(" ".join(text.split()))


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def snapshot(fiscal_year, audience: str, *, basis: str = figures.Basis.APPROVED, today: date | None = None) -> dict:
    """Everything the edition shows, as JSON: built once, kept with the edition (labels in Thai, whatever
    the language of whoever asked for it)."""
    with translation.override("th"):
        return _snapshot(fiscal_year, audience, basis=basis, today=today)


def _snapshot(fiscal_year, audience: str, *, basis: str, today: date | None) -> dict:
    today = today or timezone.localdate()
    year = figures.year(fiscal_year, basis=basis, today=today)
    office = fiscal_year.office
    director = (User.objects.filter(office=office, is_active=True, role_assignments__role=Role.DIRECTOR)
                .order_by("pk").first())
    indicators = {f.indicator.pk: f for f in year.indicators}
    strategies = []
    for item in (PlanItem.objects.filter(fiscal_year=fiscal_year, indicators__isnull=False).distinct()
                 .order_by("kind", "order", "code")):
        rows = [indicators[i.pk] for i in item.indicators.order_by("order", "code") if i.pk in indicators]
        if rows:
            strategies.append({"code": item.code, "name": item.name, "kind": item.get_kind_display(), "indicators": [
                {"code": f.indicator.code, "name": f.indicator.name, "unit": f.indicator.unit,
                 "target": _money(f.target), "result": _money(f.result), "status": f.status,
                 "qualitative": f.indicator.is_qualitative, "texts": f.texts[:3]} for f in rows]})
    projects, problems = [], {}
    for figure in year.projects:
        project = figure.project
        latest = figure.latest
        projects.append({
            "code": project.code, "name": project.name, "group": project.group.name,
            "source": project.get_source_display(), "objectives": project.objectives,
            "budget": _money(figure.budget), "disbursed": _money(figure.disbursed_total),
            "disbursed_by_quarter": {str(n): _money(v) for n, v in sorted(figure.disbursed.items())},
            "activities": [{"name": a.name, "status": (p or {}).get("status", ""), "percent": (p or {}).get("percent"),
                            "description": (p or {}).get("description", "")} for a, p in figure.activities],
            "indicators": [{"name": f"{t.indicator.code} {t.indicator.name}", "unit": t.indicator.unit,
                            "target": _money(t.target_value) or t.target_text, "result": _money(value) or text}
                           for t, value, text in figure.targets],
            "outputs": latest.outputs if latest else "", "outcomes": latest.outcomes if latest else "",
            "problems": latest.problems if latest else "", "suggestions": latest.suggestions if latest else "",
            "reported_quarter": max(figure.reports) if figure.reports else None,
        })
        if latest:
            for kind, text in (("problems", latest.problems), ("suggestions", latest.suggestions)):
                if _says_something(text):
                    problems.setdefault(kind, {}).setdefault(" ".join(text.split()), []).append(project.code)
    return {
        # The edition for others concerned is the one an office may publish: it names each action's group, not
        # its owner (publication never shows names of people below group head).
        "inspections": _inspections(fiscal_year, names=audience != Audience.OTHERS),
        "monitoring": _monitoring(fiscal_year) if audience in MONITORING_AUDIENCES else [],
        "evaluation": _evaluation(fiscal_year),
        "version": 1, "audience": audience, "basis": year.basis, "today": today.isoformat(),
        "office": {"name": office.name, "code": office.code},
        "fiscal_year": fiscal_year.year,
        "director": director.full_name if director else "",
        "totals": {"projects": len(year.projects), "budget": _money(year.budget_total),
                   "disbursed": _money(year.disbursed_total)},
        "by_source": [{"label": label, "projects": n, "budget": _money(amount)} for label, n, amount in year.by_source],
        "by_group": [{"name": g.name, "budget": _money(a), "disbursed": _money(p)} for g, a, p in year.budget_by_group],
        "quarters": [{"number": q.number, "due": q.due_date.isoformat(), "projects": year.totals[q.number].projects,
                      "on_time": year.totals[q.number].on_time, "late": year.totals[q.number].late,
                      "missing": year.totals[q.number].missing} for q in year.form_quarters],
        "budget_quarters": [{"number": b.number, "disbursed": _money(b.disbursed), "cumulative": _money(b.cumulative),
                             "target_percent": _money(b.target_percent), "target": _money(b.target_amount)}
                            for b in year.budget_quarters],
        # Each budget category against its own cumulative target (a project without one counts as operating; one
        # whose activities mix categories is split by its activities' budgets: projects/categories.py).
        "budget_categories": [
            {"category": c.category, "budget": _money(c.budget), "disbursed": _money(c.disbursed_total),
             "quarters": [{"number": b.number, "disbursed": _money(b.disbursed), "cumulative": _money(b.cumulative),
                           "target_percent": _money(b.target_percent), "target": _money(b.target_amount),
                           "percent": _money((b.cumulative * 100 / c.budget).quantize(Decimal("0.01")))
                           if b.cumulative is not None and c.budget else None}
                          for b in c.quarters]}
            for c in year.budget_categories],
        "indicator_counts": dict(year.indicator_counts),
        "strategies": strategies, "projects": projects,
        # Gathered across projects: each distinct text once, with the projects that reported it.
        "problems": [{"text": text, "projects": codes} for text, codes in problems.get("problems", {}).items()],
        "suggestions": [{"text": text, "projects": codes}
                        for text, codes in problems.get("suggestions", {}).items()],
    }


def _inspections(fiscal_year, *, names: bool = True) -> list[dict]:
    """The year's inspection rounds, issues, recommendations and the state of their actions (with each action's
    owner by name unless ``names`` is False)."""
    from django.db.models import Prefetch

    from inspections.models import FollowUpAction, InspectionIssue, InspectionRound, Recommendation

    rounds = (InspectionRound.objects.filter(fiscal_year=fiscal_year).order_by("start_date", "number")
              .select_related("body").prefetch_related(Prefetch("issues", queryset=InspectionIssue.objects.select_related("group").prefetch_related(
                  Prefetch("recommendations", queryset=Recommendation.objects.prefetch_related(
                      Prefetch("actions", queryset=FollowUpAction.objects.select_related("owner", "group"))))))))
    out = []
    for inspection_round in rounds:
        out.append({
            "title": inspection_round.title, "body": inspection_round.body.name,
            "start": inspection_round.start_date.isoformat(), "end": inspection_round.end_date.isoformat(),
            "issues": [{
                "code": issue.code, "title": issue.title, "group": issue.group.name,
                "state": issue.get_state_display(), "report": issue.report,
                "recommendations": [{
                    "number": rec.number, "text": rec.text, "decision": rec.decision,
                    "actions": [{"title": a.title, "group": a.group.name, "owner": a.owner.full_name if names else "",
                                 "due": a.due_date.isoformat(), "state": a.state, "state_label": a.get_state_display()}
                                for a in rec.actions.all()],
                } for rec in issue.recommendations.all()],
            } for issue in inspection_round.issues.all()],
        })
    return out


def _monitoring(fiscal_year) -> list[dict]:
    """The year's policy and indicator monitoring rounds with their approved results only (the approved basis,
    whatever the edition's): indicator, target, result, achieved, what was done."""
    from django.db.models import Prefetch

    from inspections.models import MonitoringResult, MonitoringRound

    approved = (MonitoringResult.objects.filter(state=MonitoringResult.State.APPROVED)
                .select_related("indicator").order_by("indicator__order", "indicator__code"))
    rounds = (MonitoringRound.objects.filter(fiscal_year=fiscal_year).order_by("due_date", "id")
              .prefetch_related(Prefetch("results", queryset=approved)))
    out = []
    for monitoring_round in rounds:
        results = list(monitoring_round.results.all())
        if not results:
            continue
        out.append({"title": monitoring_round.title, "due": monitoring_round.due_date.isoformat(), "results": [{
            "code": r.indicator.code, "name": r.indicator.name, "unit": r.indicator.unit,
            "target": _money(r.indicator.target_value), "result": _money(r.value),
            "achieved": r.achieved, "narrative": r.narrative} for r in results]})
    return out
def _evaluation(fiscal_year) -> dict | None:
    """The year's plan evaluation, when the director approved its summary: its frozen figures."""
    from evaluation.models import Summary

    summary = Summary.objects.filter(fiscal_year=fiscal_year, state=Summary.State.APPROVED).first()
    if summary is None or not summary.snapshot:
        return None
    return {**summary.snapshot, "overview": summary.overview, "approved": True}


# ------------------------------------------------------------------------------------------ rendering

@dataclass
class Part:
    key: str
    title: str
    html: str
    anchors: list  # (anchor id, title) to list in the contents and bookmarks


def _context(data: dict, thai_digits: bool) -> dict:
    audience = AUDIENCES[data["audience"]]
    return {"data": data, "audience": audience, "titles": TITLES, "status_th": STATUS_TH, "activity_th": ACTIVITY_TH,
            "faces": render.font_faces(), "thai_digits": thai_digits,
            "today": date.fromisoformat(data["today"]), "D": Decimal}


def _document(template: str, context: dict) -> str:
    with translation.override("th"):
        html = keep_terms_together(render_to_string(f"reporting/annual/{template}.html", context))
    return thai_digits_html(html) if context["thai_digits"] else html


def body_parts(data: dict, thai_digits: bool) -> list[Part]:
    context = _context(data, thai_digits)
    sections = list(AUDIENCES[data["audience"]]["sections"])
    if data.get("inspections"):  # when the office recorded inspection rounds this year
        sections.insert(sections.index("problems"), "inspections")
    if data.get("monitoring"):  # the ก.ต.ป.น. edition, when a round of the year has approved results
        sections.insert(sections.index("problems"), "monitoring")
    if data.get("evaluation"):  # when the director approved the year's plan evaluation
        sections.insert(sections.index("problems"), "evaluation")
    parts, number = [], 0
    for key in sections:
        number += 1
        title = f"ส่วนที่ {number} {TITLES[key]}"
        if key == "projects":  # a part per project: a change to one re-renders that one only
            for index, project in enumerate(data["projects"] or [None]):
                chunk = [project] if project else []
                html = _document("projects", {**context, "title": title, "first": index == 0, "chunk": chunk})
                parts.append(Part(key, title if index == 0 else "", html,
                                  [(f"p-{p['code']}", f"{p['code']} {p['name']}") for p in chunk]))
            continue
        extra = {}
        if key == "evaluation":
            from evaluation.scoring import LEVEL_TH, LEVELS

            extra.update({"evaluation": data["evaluation"], "level_th": LEVEL_TH, "levels": LEVELS})
        if key == "budget":
            extra["chart"] = charts.grouped_bars(
                [f"ไตรมาส {b['number']}" for b in data["budget_quarters"]],
                [("เบิกจ่ายสะสม", "#1f4e79", [Decimal(b["cumulative"]) if b["cumulative"] else None
                                              for b in data["budget_quarters"]]),
                 ("เป้าหมายการเบิกจ่ายสะสม", "#a6a6a6", [Decimal(b["target"]) if b["target"] else None
                                                        for b in data["budget_quarters"]])],
                title="การเบิกจ่ายงบประมาณสะสมเทียบกับเป้าหมาย (บาท)", width=600, height=250)
        last = key == sections[-1]
        html = _document(key, {**context, **extra, "title": title, "signoff": last})
        parts.append(Part(key, title, html, []))
    return parts


@dataclass
class Built:
    pdf: bytes
    pages: int
    front_pages: int
    seconds: float
    toc: list  # (title, page number, level)
    reused: int = 0  # parts found already rendered
    rendered: int = 0  # parts rendered by this build


TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "reporting" / "annual"


def renderer_version() -> str:
    """The version every kept part of an edition is keyed with: fonts, WeasyPrint, these templates."""
    return parts_store.renderer_version(tuple(sorted(str(path) for path in TEMPLATE_DIR.glob("*.html"))))


def render_body(data: dict, *, thai_digits: bool = False, store=None, on_plan=None, progress=None):
    """The body's parts, each rendered unless kept already: (parts, Found)."""
    store = store or parts_store.Store()
    body = body_parts(data, thai_digits)
    found = store.render_all([part.html for part in body], version=renderer_version(), on_plan=on_plan,
                             progress=progress)
    return body, found


def build(data: dict, *, thai_digits: bool = False, progress=None, on_plan=None) -> Built:
    """The edition's PDF from its snapshot: the parts not kept yet are rendered, then everything is merged,
    numbered and given bookmarks from the parts' page counts and anchor pages. ``progress(percent)`` is told
    how far it got, ``on_plan(reused, to_render)`` how many parts are reused and how many rendered."""
    started = time.monotonic()
    tell = progress or (lambda percent: None)
    store = parts_store.Store()
    version = renderer_version()
    reused = rendered = 0

    def plan(kept, missing):
        nonlocal reused, rendered
        reused, rendered = reused + kept, rendered + missing
        if on_plan:
            on_plan(reused, rendered)

    parts, found = render_body(data, thai_digits=thai_digits, store=store, on_plan=plan,
                               progress=lambda done, total: tell(10 + int(70 * done / total)))
    tell(80)
    toc, page = [], 0
    for part, result in zip(parts, found.parts):
        if part.title:
            toc.append((part.title, page + 1, 0))
        for anchor, title in part.anchors:
            if anchor in result.anchors:
                toc.append((title, page + result.anchors[anchor] + 1, 1))
        page += result.pages
    body_pages = page
    context = _context(data, thai_digits)
    style = "thai" if thai_digits else "decimal"
    # The contents and the body's page numbers in one parallel round, then the contents' own numbers.
    body_numbers = render.numbers_chunks(body_pages, style=style)
    found_front = store.render_all([_document("front", {**context, "toc": toc})]
                                   + [html for html, _start in body_numbers], version=version)
    fresh = 0 in found_front.fresh  # the contents counts as a part; the page numbers do not
    plan(int(not fresh), int(fresh))
    front = found_front.parts[0]
    front_numbers = render.numbers_chunks(front.pages, style="thai-letters", cover=True)
    overlays = [(part.pdf, start) for part, (_html, start) in zip(
        store.render_all([html for html, _start in front_numbers], version=version).parts, front_numbers)]
    overlays += [(part.pdf, front.pages + start)
                 for part, (_html, start) in zip(found_front.parts[1:], body_numbers)]
    tell(90)
    outline = [("ปก", 0, 0)] + [(title, front.pages + number - 1, level) for title, number, level in toc]
    pdf = render.assemble([front.pdf] + store.merge_inputs(found),
                          overlays=overlays, outline=outline, metadata={
        "/Title": f"รายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. {data['fiscal_year']} — {data['office']['name']}",
        "/Author": data["office"]["name"], "/Subject": AUDIENCES[data["audience"]]["name"],
        "/Creator": "Tidtam"})
    tell(100)
    return Built(pdf, front.pages + body_pages, front.pages, time.monotonic() - started, toc, reused, rendered)
