"""What an office publishes: only what its director approved, and nothing that names a person below group head.

* the approved (frozen) annual-report editions, whose PDF is offered when its snapshot names nobody below
  group head (an edition that lists a follow-up action's owner by name is listed, its PDF withheld);
* the year's figures on the approved basis (``reporting.figures.Basis.APPROVED``: results only from forms the
  director approved; completeness counts forms sent, whatever became of them; budget from finance's figures);
* the approved evaluation summary's frozen figures, when the year has one.

``office_version`` changes whenever anything published may have changed (a form, disbursement or project saved,
an edition or summary approved, the setting switched): it is part of every cache key, so an approval is seen at
once. One query, whatever the size of the office.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Subquery

from accounts.models import Office, Role, User
from evaluation.models import Summary
from plans.models import FiscalYear
from projects.models import Disbursement, Project, QuarterlyReport
from reporting import figures
from reporting.models import AnnualReport

from .models import Setting

SCHEMA_VERSION = 1
APPROVED = AnnualReport.State.APPROVED
FORM_APPROVED = QuarterlyReport.State.APPROVED
# Who may be named on a public document: the director and group heads (and nobody below them).
NAMEABLE_ROLES = (Role.DIRECTOR, Role.GROUP_HEAD)


def publishing_office(code: str) -> Office | None:
    """The active office with this code when it publishes; None otherwise (an unknown code alike)."""
    return (Office.objects.filter(code=code, is_active=True, publication_setting__publishes=True).first()
            if code else None)


def publishes(office) -> bool:
    return office is not None and Setting.objects.filter(office=office, publishes=True).exists()


def _latest(queryset, field: str):
    """A subquery: the largest ``field`` (and, through Count, how many rows) of ``queryset`` for the office."""
    return Subquery(queryset.order_by().values("office_key").annotate(m=Max(field)).values("m")[:1])


def _count(queryset):
    return Subquery(queryset.order_by().values("office_key").annotate(n=Count("pk")).values("n")[:1])


def office_version(office) -> str:
    """A token that changes when anything this office publishes may have changed (one query)."""
    from django.db.models import F

    forms = QuarterlyReport.objects.filter(project__fiscal_year__office=OuterRef("pk")).annotate(
        office_key=F("project__fiscal_year__office"))
    paid = Disbursement.objects.filter(project__fiscal_year__office=OuterRef("pk")).annotate(
        office_key=F("project__fiscal_year__office"))
    projects = Project.objects.filter(fiscal_year__office=OuterRef("pk")).annotate(office_key=F("fiscal_year__office"))
    editions = AnnualReport.objects.filter(office=OuterRef("pk"), state=APPROVED).annotate(office_key=F("office"))
    summaries = Summary.objects.filter(office=OuterRef("pk")).annotate(office_key=F("office"))
    setting = Setting.objects.filter(office=OuterRef("pk")).annotate(office_key=F("office"))
    row = Office.objects.filter(pk=office.pk).annotate(
        forms_at=_latest(forms, "updated_at"), forms_n=_count(forms),
        approved_n=_count(forms.filter(state=FORM_APPROVED)),
        paid_at=_latest(paid, "updated_at"), paid_n=_count(paid),
        projects_at=_latest(projects, "updated_at"), projects_n=_count(projects),
        editions_at=_latest(editions, "decided_at"), editions_n=_count(editions),
        summary_at=_latest(summaries, "updated_at"), setting_at=_latest(setting, "updated_at"),
    ).values("forms_at", "forms_n", "approved_n", "paid_at", "paid_n", "projects_at", "projects_n", "editions_at",
             "editions_n", "summary_at", "setting_at").first()
    raw = "|".join(str(value) for value in (row or {}).values())
    import hashlib

    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def public_years(office) -> list:
    """The office's fiscal years that have approved data (an approved form, edition or evaluation summary),
    newest first."""
    approved_forms = QuarterlyReport.objects.filter(project__fiscal_year=OuterRef("pk"), state=FORM_APPROVED)
    from django.db.models import Exists

    return list(FiscalYear.objects.filter(office=office).filter(
        Exists(approved_forms)
        | Exists(AnnualReport.objects.filter(fiscal_year=OuterRef("pk"), state=APPROVED))
        | Exists(Summary.objects.filter(fiscal_year=OuterRef("pk"), state=Summary.State.APPROVED))
    ).order_by("-year"))


def _owner_names(snapshot: dict) -> set[str]:
    """Every person an edition's snapshot names as a follow-up action's owner."""
    return {action.get("owner", "") for inspection_round in snapshot.get("inspections") or []
            for issue in inspection_round.get("issues", []) for rec in issue.get("recommendations", [])
            for action in rec.get("actions", [])} - {""}


def nameable(office) -> set[str]:
    """Names a public document may carry: the office's director and group heads."""
    return set(User.objects.filter(office=office, role_assignments__role__in=NAMEABLE_ROLES)
               .values_list("full_name", flat=True))


@dataclass
class Edition:
    report: AnnualReport
    audience: str
    downloadable: bool  # False: its PDF names people below group head, so it is listed and not offered


def editions(office, fiscal_year) -> list[Edition]:
    from reporting.annual import AUDIENCES

    allowed = None
    out = []
    for report in (AnnualReport.objects.filter(office=office, fiscal_year=fiscal_year, state=APPROVED)
                   .exclude(file="").order_by("audience", "-decided_at")):
        names = _owner_names(report.snapshot)
        if names and allowed is None:
            allowed = nameable(office)
        out.append(Edition(report, AUDIENCES[report.audience]["name"], not (names - (allowed or set()))))
    return out


def downloadable_edition(office, pk: int) -> AnnualReport | None:
    """An approved edition of ``office`` whose PDF may be offered to the public, or None."""
    report = (AnnualReport.objects.filter(office=office, pk=pk, state=APPROVED).exclude(file="")
              .select_related("fiscal_year").first())
    if report is None:
        return None
    names = _owner_names(report.snapshot)
    return report if not names or names <= nameable(office) else None


def evaluation(fiscal_year) -> dict | None:
    """The approved evaluation summary's frozen figures and overview, or None."""
    summary = Summary.objects.filter(fiscal_year=fiscal_year, state=Summary.State.APPROVED).first()
    if summary is None or not summary.snapshot:
        return None
    from evaluation.scoring import LEVEL_TH

    data = summary.snapshot

    def labelled(row: dict) -> dict:
        return {**row, "level_label": LEVEL_TH.get(row.get("level"), "")}

    return {"overview": summary.overview, "approved_at": summary.approved_at, "plan": labelled(data.get("plan") or {}),
            "strategies": [labelled(row) for row in data.get("strategies") or []],
            "groups": [labelled(row) for row in data.get("groups") or []],
            "lessons": data.get("lessons") or [], "title": data.get("title", "")}


def year_figures(fiscal_year) -> figures.Year:
    """The year's figures on the approved basis, the whole office (no user: nobody's scope narrows it)."""
    return figures.year(fiscal_year, basis=figures.Basis.APPROVED, detail=False)


# ------------------------------------------------------------------------------------------ open data

SUBMISSION = {"on_time": "ส่งตรงเวลา", "late": "ส่งล่าช้า", "missing": "ไม่ส่ง", "not_due": "ยังไม่ถึงกำหนด",
              "no_form": "ไม่ต้องรายงาน"}
CSV_HEADERS = ["ปีงบประมาณ", "รหัสสำนักงาน", "ชื่อสำนักงาน", "รหัสโครงการ", "ชื่อโครงการ", "กลุ่ม", "แหล่งที่มา",
               "ประเภทงบประมาณ", "งบประมาณทั้งสิ้น (บาท)", "ไตรมาส", "การส่งรายงาน", "รายงานได้รับอนุมัติ",
               "เบิกจ่ายในไตรมาส (บาท)", "เบิกจ่ายสะสม (บาท)", "ใช้จ่ายตามรายงานที่อนุมัติ (บาท)"]


def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _submission(report, quarter, today) -> str:
    if not quarter.needs_form:
        return "no_form"
    if report is not None and report.first_submitted_at is not None:
        return "late" if report.timeliness == QuarterlyReport.Timeliness.LATE else "on_time"
    return "missing" if quarter.due_date < today else "not_due"


def data(office, fiscal_year, year: figures.Year | None = None) -> dict:
    """The open data of one year (schema ``tidtam-public-data`` version ``SCHEMA_VERSION``)."""
    year = year or year_figures(fiscal_year)
    categories = dict(Project.BudgetCategory.choices)
    projects = []
    for figure in year.projects:
        project = figure.project
        running = Decimal("0")
        quarters = []
        for q in year.quarters:
            paid = figure.disbursed.get(q.number)
            running += paid or 0
            approved = figure.reports.get(q.number)
            quarters.append({
                "quarter": q.number,
                "submission": _submission(figure.all_reports.get(q.number), q, year.today),
                "approved": approved is not None,
                "disbursed": _money(paid or 0) if q.start_date <= year.today else None,
                "disbursed_cumulative": _money(running) if q.start_date <= year.today else None,
                "spent": _money(figure.spent.get(q.number)),
            })
        projects.append({
            "code": project.code, "name": project.name, "group": project.group.name,
            "source": str(project.get_source_display()),
            "budget_category": str(categories.get(project.budget_category, categories["operating"])),
            "budget": _money(figure.budget), "quarters": quarters,
        })
    return {
        "schema": "tidtam-public-data", "version": SCHEMA_VERSION, "basis": "approved",
        "office": {"code": office.code, "name": office.name}, "fiscal_year": fiscal_year.year,
        "as_of": year.today.isoformat(),
        "completeness": [{"quarter": q.number, "projects": year.totals[q.number].projects,
                          "on_time": year.totals[q.number].on_time, "late": year.totals[q.number].late,
                          "missing": year.totals[q.number].missing, "not_due": year.totals[q.number].not_due}
                         for q in year.form_quarters],
        "budget": {"total": _money(year.budget_total), "disbursed": _money(year.disbursed_total), "quarters": [
            {"quarter": b.number, "disbursed": _money(b.disbursed), "cumulative": _money(b.cumulative),
             "target_percent": _money(b.target_percent), "target": _money(b.target_amount)}
            for b in year.budget_quarters]},
        "indicators": [{"code": f.indicator.code, "name": f.indicator.name, "unit": f.indicator.unit,
                        "target": _money(f.target), "result": _money(f.result), "status": f.status}
                       for f in year.indicators],
        "projects": projects,
    }


def csv_rows(payload: dict):
    """The CSV's rows (headers first): one per project × quarter, Thai labels."""
    yield CSV_HEADERS
    for project in payload["projects"]:
        for q in project["quarters"]:
            yield [payload["fiscal_year"], payload["office"]["code"], payload["office"]["name"], project["code"],
                   project["name"], project["group"], project["source"], project["budget_category"],
                   project["budget"], q["quarter"], SUBMISSION[q["submission"]], "ใช่" if q["approved"] else "ไม่",
                   q["disbursed"] or "", q["disbursed_cumulative"] or "", q["spent"] or ""]


def csv_safe(value) -> str:
    """A cell that a spreadsheet never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except Exception:
        return False
    return True
