"""Demo eMENSCR data of a fiscal year: the starter linkage lists, most projects complete, a few missing fields,
some stages keyed (with references) and one project that changed after it was keyed ("needs update").

Idempotent (a year that has eMENSCR data already is left alone) and dated relative to the seed's today."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from accounts import democlock
from accounts.models import Role, User
from projects.models import Project

from . import linkage, services
from .fields import Book, State
from .models import MONTHS, ActivityPlan, Entry, LinkageItem, ProjectData
from .stages import ensure_stages

# (master plan, its target, sub-plan, its target, milestone, SDG) by the project's office strategy
CHAINS = {
    "S1": ("11", "110001", "110501", "110501", "M9", "SDG16"),
    "S2": ("17", "170001", "170101", "170101", "M9", "SDG10"),
    "S3": ("12", "120001", "120101", "120101", "M12", "SDG4"),
    "S4": ("12", "120002", "120201", "120201", "M12", "SDG4"),
    "S5": ("20", "200001", "200101", "200101", "M13", "SDG16"),
}
PROVINCES = {"SPPTAK2": "ตาก"}
PARENT_STRATEGY = {"11": "3", "12": "3", "17": "4", "20": "6"}


def _months(activity) -> list[str]:
    """The budget spread over the months of the activity's quarters; the last month takes the satang left."""
    quarters = sorted(activity.quarters or [1, 2, 3, 4])
    months = [m for q in quarters for m in range((q - 1) * 3, q * 3)]
    share = (activity.budget / len(months)).quantize(Decimal("0.01"))
    amounts = [Decimal("0")] * MONTHS
    for m in months:
        amounts[m] = share
    amounts[months[-1]] += activity.budget - share * len(months)
    return [str(a) for a in amounts]


def seed(fy) -> dict:
    with transaction.atomic():
        linkage.load_starter(office=None)
        if ProjectData.objects.filter(project__fiscal_year=fy).exists():
            return {}
        return _seed(fy)


def _seed(fy) -> dict:
    items = {(i.level, i.code): i for i in LinkageItem.objects.filter(office__isnull=True)}
    book = Book(fy, Project.objects.all())
    projects = book.projects
    incomplete = {p.pk for p in projects[3::9]}  # a few projects with missing fields
    for index, project in enumerate(projects):
        strategy = next((s.code for s in project.strategies.all() if s.code in CHAINS), "S3")
        master, master_target, sub, sub_target, milestone, sdg = CHAINS[strategy]
        complete = project.pk not in incomplete
        ProjectData.objects.create(
            project=project, kind=ProjectData.Kind.PROJECT if index % 5 else ProjectData.Kind.ONGOING,
            novelty=ProjectData.Novelty.CONTINUING if index % 3 == 0 else ProjectData.Novelty.NEW,
            province=PROVINCES.get(fy.office.code, "นครศรีธรรมราช") if complete else "", district="",
            budget_source="งบประมาณ สพฐ." if project.budget_obec else "งบประมาณของสำนักงาน",
            output_target=f"{20 + index}" if complete else "", output_unit="โรงเรียน",
            outcome_target="80 (โรงเรียนเป้าหมายดำเนินการได้ตามแผน)", outcome_unit="ร้อยละ",
            strategy=items[("strategy", PARENT_STRATEGY[master])], master_plan=items[("master_plan", master)],
            master_target=items[("master_target", master_target)],
            sub_plan=items[("sub_plan", sub)] if complete else None,
            sub_target=items[("sub_target", sub_target)] if complete else None,
            reform=items[("reform", "ED")], milestone=items[("milestone", milestone)], sdg=items[("sdg", sdg)])
        project.budget_category = (Project.BudgetCategory.INVESTMENT if index % 7 == 0
                                   else Project.BudgetCategory.OPERATING)
        project.save(update_fields=["budget_category"])
        if complete:
            ActivityPlan.objects.bulk_create([ActivityPlan(activity=a, months=_months(a))
                                              for a in project.activities.all()])
    return _key_some(fy)


def _key_some(fy) -> dict:
    """M1–M3 keyed for most ready projects in the first window that opened; one project changed after."""
    clock = democlock.current()
    today = clock.today
    zone = ZoneInfo(settings.TIME_ZONE)
    stages = ensure_stages(fy)
    planner = User.objects.filter(office=fy.office, role_assignments__role=Role.PLANNING).first()
    if planner is None:
        return {"keyed": 0}
    book = Book(fy, Project.objects.all())
    keyed = 0
    for stage in stages:
        if stage.per_quarter or stage.code not in ("M1", "M2", "M3"):
            continue
        window = stage.window_list[0]
        if window.opens > today:
            continue
        day = min(window.opens + timedelta(days=20 + stage.order * 3), today - timedelta(days=1), window.closes)
        when = clock.cap(datetime.combine(day, time(14), tzinfo=zone))
        for index, project in enumerate(book.projects):
            status = book.status(project, stage, window.round)
            if status.state != State.READY or index % 4 == 3:
                continue
            services.mark_keyed(user=planner, fiscal_year=fy, stage_code=stage.code, round_=window.round,
                                projects=[project], reference=f"{stage.code}-{fy.year}-{index + 1:03d}", now=when)
            keyed += 1
    # One project's budget changed after it was keyed: its M3 entry keeps the older figure (raw, as stored).
    entry = Entry.objects.filter(project__fiscal_year=fy, stage__code="M3").order_by("project__code").first()
    if entry is not None:
        entry.snapshot = {**entry.snapshot, "budget": "1000.00"}
        entry.save(update_fields=["snapshot"])
    return {"keyed": keyed}
