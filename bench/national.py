"""A national data set: regions, service area offices (สพป./สพม.) and their fiscal year, in bulk.

    .venv/bin/python bench/national.py                          # 245 offices × 200 projects (49,000 projects)
    .venv/bin/python bench/national.py --offices 5 --projects 20  # a small run
    .venv/bin/python bench/national.py --big 2000 --medium 300  # plus one office of 2,000 and one of 300 projects

Point DATABASE_URL at a scratch PostgreSQL database (never production). Each office gets its groups, a planner,
a director, group heads and owners, a fiscal year with four quarters, 2 activities and 1 indicator target per
project, four quarters of forms in mixed states (approved / verified / submitted / returned / draft / missing,
on time and late), finance's disbursements against the cumulative targets, indicator results, an inspection round
with follow-up actions (open / in progress / done / closed, some overdue) and, for most offices, approved annual
editions. Rows are written with bulk_create in batches (no per-row save() or signals, except one save() per
office for its materialised path); the time and the row counts are printed.
"""

import argparse
import random
import time
from datetime import date, datetime, time as dtime, timedelta
from decimal import Decimal

PASSWORD = "tidtam-bench-2569"
YEAR = 2569  # 1 Oct 2025 – 30 Sep 2026: every quarter's due date has passed
PROVINCES = [
    "กรุงเทพมหานคร", "เชียงใหม่", "เชียงราย", "ลำปาง", "ลำพูน", "แม่ฮ่องสอน", "น่าน", "พะเยา", "แพร่", "อุตรดิตถ์",
    "ตาก", "สุโขทัย", "พิษณุโลก", "พิจิตร", "เพชรบูรณ์", "กำแพงเพชร", "นครสวรรค์", "อุทัยธานี", "ชัยนาท", "สิงห์บุรี",
    "ลพบุรี", "อ่างทอง", "พระนครศรีอยุธยา", "สระบุรี", "ปทุมธานี", "นนทบุรี", "นครปฐม", "สุพรรณบุรี", "กาญจนบุรี",
    "ราชบุรี", "เพชรบุรี", "ประจวบคีรีขันธ์", "สมุทรสาคร", "สมุทรสงคราม", "สมุทรปราการ", "ฉะเชิงเทรา", "ชลบุรี",
    "ระยอง", "จันทบุรี", "ตราด", "ปราจีนบุรี", "สระแก้ว", "นครนายก", "นครราชสีมา", "บุรีรัมย์", "สุรินทร์", "ศรีสะเกษ",
    "อุบลราชธานี", "ยโสธร", "อำนาจเจริญ", "ชัยภูมิ", "ขอนแก่น", "มหาสารคาม", "ร้อยเอ็ด", "กาฬสินธุ์", "อุดรธานี",
    "หนองคาย", "บึงกาฬ", "เลย", "หนองบัวลำภู", "สกลนคร", "นครพนม", "มุกดาหาร", "ชุมพร", "ระนอง", "สุราษฎร์ธานี",
    "นครศรีธรรมราช", "พังงา", "ภูเก็ต", "กระบี่", "ตรัง", "พัทลุง", "สงขลา", "สตูล", "ปัตตานี", "ยะลา", "นราธิวาส",
]
REGIONS = 18
# How a form of a past quarter stands: (state, share). "missing" = no form at all.
FORM_MIX = [("approved", 55), ("verified", 10), ("submitted", 9), ("returned", 5), ("draft", 9), ("missing", 12)]
ACTION_STATES = ["open", "in_progress", "done", "returned", "closed", "closed"]


def _batched(model, rows, size=5000):
    model.objects.bulk_create(rows, batch_size=size)
    return len(rows)


def _aware(day: date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, dtime(hour)))


class Counts(dict):
    def add(self, name, n):
        self[name] = self.get(name, 0) + n


def national_offices(offices: int, prefix: str):
    """OBEC, the regions and ``offices`` area offices (about 3 สพป. to 1 สพม., as the real 183 / 62)."""
    from accounts.models import Office

    obec, _ = Office.objects.get_or_create(code=f"{prefix}OBEC", defaults={
        "name": "สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน (ชุดทดสอบ)", "kind": Office.Kind.OBEC,
        "province": "กรุงเทพมหานคร"})
    regions = []
    for n in range(1, min(REGIONS, max(1, offices)) + 1):
        region, _ = Office.objects.get_or_create(code=f"{prefix}R{n:02d}", defaults={
            "name": f"สำนักงานศึกษาธิการภาค {n}", "kind": Office.Kind.REGION, "parent": obec})
        regions.append(region)
    created = []
    for n in range(offices):
        secondary = n % 4 == 3
        province = PROVINCES[n % len(PROVINCES)]
        kind = Office.Kind.SECONDARY if secondary else Office.Kind.PRIMARY
        label = "มัธยมศึกษา" if secondary else "ประถมศึกษา"
        office = Office(code=f"{prefix}{n + 1:03d}", kind=kind, province=province,
                        name=f"สำนักงานเขตพื้นที่การศึกษา{label}{province} เขต {n // len(PROVINCES) + 1}",
                        parent=regions[n % len(regions)])
        office.save()  # the materialised path needs the id; the inspecting bodies come with it
        created.append(office)
    return obec, regions, created


def generate_national(offices: int = 245, projects: int = 200, *, prefix: str = "N", seed: int = 1,
                      sizes: dict | None = None, verbose: bool = True):
    """Write the national data set; ``sizes`` maps extra office codes to their number of projects
    (e.g. {"NBIG": 2000}). Returns (counts, the area offices, their fiscal years by office id)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.demo import STANDARD_GROUPS
    from accounts.models import Office, Role, User, UserRole, WorkGroup
    from inspections.models import (FollowUpAction, InspectingBody, InspectionIssue, InspectionRound,
                                    Recommendation)
    from plans.models import ActionPlan, DisbursementTarget, FiscalYear, Indicator, PlanItem, Quarter
    from plans.services import quarter_schedule
    from reporting.models import AnnualReport

    if Office.objects.filter(code__in=[f"{prefix}001", *(sizes or {})]).exists():
        raise SystemExit(f"offices with prefix {prefix} exist already: use another --prefix or a fresh database")
    started = time.perf_counter()
    rng = random.Random(seed)
    counts = Counts()
    with transaction.atomic():
        obec, regions, area = national_offices(offices, prefix)
        extra = []
        for code, size in (sizes or {}).items():
            office, _ = Office.objects.get_or_create(code=code, defaults={
                "name": f"สำนักงานเขตพื้นที่การศึกษาทดสอบ {code} ({size:,} โครงการ)", "kind": Office.Kind.PRIMARY,
                "province": "ตาก", "parent": regions[0]})
            extra.append((office, size))
        everyone = [(office, projects) for office in area] + extra
        counts.add("offices", len(everyone) + len(regions) + 1)

        WorkGroup.objects.bulk_create([
            WorkGroup(office=office, code=code, name=name, name_en=name_en, order=order)
            for office, _ in everyone for order, (code, name, name_en) in enumerate(STANDARD_GROUPS, start=1)])
        groups = {}
        for group in WorkGroup.objects.filter(office__in=[o for o, _ in everyone]).order_by("order"):
            groups.setdefault(group.office_id, []).append(group)
        counts.add("groups", sum(len(g) for g in groups.values()))

        # People: a planner, a director, a finance officer, a head per group and 10 owners per office; a
        # central viewer at OBEC. One password hash for all (hashing is the slow part).
        hashed = make_password(PASSWORD)
        users, roles = [], []
        central = User(email=f"central@{prefix.lower()}obec.bench", full_name="ผู้ดูแลส่วนกลาง ทดสอบ", office=obec,
                       password=hashed)
        users.append((central, [Role.CENTRAL], None))
        for office, _ in everyone:
            slug = office.code.lower()
            for role in (Role.PLANNING, Role.DIRECTOR, Role.FINANCE):
                users.append((User(email=f"{role}@{slug}.bench", full_name=f"{role} {office.code}", office=office,
                                   password=hashed), [role], None))
            for k, group in enumerate(groups[office.pk]):
                users.append((User(email=f"head{k}@{slug}.bench", full_name=f"หัวหน้ากลุ่ม {k} {office.code}",
                                   office=office, password=hashed), [Role.GROUP_HEAD], group))
            for k in range(10):
                users.append((User(email=f"owner{k}@{slug}.bench", full_name=f"ผู้รับผิดชอบ {k} {office.code}",
                                   office=office, password=hashed), [Role.OWNER], groups[office.pk][k]))
        User.objects.bulk_create([u for u, _, _ in users], batch_size=2000)
        by_email = dict(User.objects.filter(email__in=[u.email for u, _, _ in users]).values_list("email", "pk"))
        for user, user_roles, _group in users:
            user.pk = by_email[user.email]
            roles += [UserRole(user_id=user.pk, role=role) for role in user_roles]
        UserRole.objects.bulk_create(roles, batch_size=5000)
        User.work_groups.through.objects.bulk_create(
            [User.work_groups.through(user_id=u.pk, workgroup_id=g.pk) for u, _, g in users if g is not None],
            batch_size=5000)
        counts.add("users", len(users))
        owners = {}
        for user, user_roles, _group in users:
            if Role.OWNER in user_roles:
                owners.setdefault(user.office_id, []).append(user)

        # The fiscal year: one national quarter schedule (no office declares its own days off here).
        schedule = quarter_schedule(YEAR)
        FiscalYear.objects.bulk_create([FiscalYear(office=office, year=YEAR) for office, _ in everyone])
        years = {fy.office_id: fy for fy in FiscalYear.objects.filter(office__in=[o for o, _ in everyone], year=YEAR)}
        Quarter.objects.bulk_create([Quarter(fiscal_year=fy, number=span.number, start_date=span.start,
                                             end_date=span.end, due_date=due)
                                     for fy in years.values() for span, due in schedule])
        ActionPlan.objects.bulk_create([ActionPlan(fiscal_year=fy, status="approved") for fy in years.values()])
        DisbursementTarget.objects.bulk_create([
            DisbursementTarget(fiscal_year=fy, budget_type=budget_type, quarter=q, cumulative_percent=percent)
            for fy in years.values() for budget_type, percents in DisbursementTarget.DEFAULTS.items()
            for q, percent in enumerate(percents, start=1)])
        quarters = {}
        for quarter in Quarter.objects.filter(fiscal_year__in=list(years.values())).order_by("number"):
            quarters.setdefault(quarter.fiscal_year_id, []).append(quarter)
        targets = {q: Decimal(p) / 100 for q, p in enumerate(DisbursementTarget.DEFAULTS["overall"], start=1)}
        counts.add("fiscal years", len(years))
        counts.add("quarters", sum(len(q) for q in quarters.values()))

        PlanItem.objects.bulk_create([
            PlanItem(fiscal_year=fy, kind="strategy", code=f"S{i}", name=f"กลยุทธ์ที่ {i}", order=i)
            for fy in years.values() for i in range(1, 5)])
        strategies = {}
        for item in PlanItem.objects.filter(fiscal_year__in=list(years.values())).order_by("order"):
            strategies.setdefault(item.fiscal_year_id, []).append(item)
        Indicator.objects.bulk_create([
            Indicator(fiscal_year=fy, plan_item=strategies[fy.pk][i % 4], code=f"K{i + 1}", name=f"ตัวชี้วัดที่ {i + 1}",
                      unit="ร้อยละ", target_value=80, order=i)
            for fy in years.values() for i in range(6)])
        indicators = {}
        for indicator in Indicator.objects.filter(fiscal_year__in=list(years.values())).order_by("order"):
            indicators.setdefault(indicator.fiscal_year_id, []).append(indicator)
        counts.add("plan items", sum(len(v) for v in strategies.values()))
        counts.add("indicators", sum(len(v) for v in indicators.values()))

    # Projects and their year, office by office in batches (each batch one transaction).
    batch = []
    for office, size in everyone:
        batch.append((office, size))
        if sum(s for _, s in batch) >= 5000:
            _projects_and_forms(batch, rng, counts, groups, owners, years, quarters, strategies, indicators, targets)
            batch = []
    if batch:
        _projects_and_forms(batch, rng, counts, groups, owners, years, quarters, strategies, indicators, targets)

    with transaction.atomic():
        # Inspection: one round per office by OBEC's inspectors, 3 issues, a recommendation each, 2 actions each.
        fy_end = date(YEAR, 9, 30)
        bodies = {b.office_id: b for b in InspectingBody.objects.filter(office__in=[o for o, _ in everyone],
                                                                         code="obec")}
        InspectionRound.objects.bulk_create([
            InspectionRound(office=office, fiscal_year=years[office.pk], body=bodies[office.pk], number=1,
                            title=f"การตรวจราชการรอบที่ 1/{YEAR}", start_date=date(YEAR, 3, 2),
                            end_date=date(YEAR, 3, 4), inspectors="ผู้ตรวจราชการ สพฐ.")
            for office, _ in everyone])
        rounds = {r.office_id: r for r in InspectionRound.objects.filter(fiscal_year__in=list(years.values()))}
        heads = {g.pk: u for u, r, g in users if g is not None and Role.GROUP_HEAD in r}
        issues = []
        for office, _ in everyone:
            for k in range(3):
                group = groups[office.pk][k]
                head = heads[group.pk]
                issues.append(InspectionIssue(round=rounds[office.pk], code=str(k + 1), title=f"ประเด็นที่ {k + 1}",
                                              group=group, responsible_id=head.pk, state="approved",
                                              report="ดำเนินการตามประเด็นแล้ว"))
        InspectionIssue.objects.bulk_create(issues, batch_size=2000)
        issues = list(InspectionIssue.objects.filter(round__in=list(rounds.values())).select_related("round"))
        Recommendation.objects.bulk_create([Recommendation(issue=issue, number=1, text="ควรเร่งรัดการติดตามผล",
                                                           decision="เห็นชอบ") for issue in issues], batch_size=2000)
        recommendations = list(Recommendation.objects.filter(issue__in=issues).select_related("issue__round"))
        actions = []
        for rec in recommendations:
            office_id = rec.issue.round.office_id
            for k in range(2):
                state = rng.choice(ACTION_STATES)
                due = fy_end - timedelta(days=rng.randrange(-120, 240))  # some due after the year ends
                actions.append(FollowUpAction(recommendation=rec, title=f"การดำเนินการที่ {k + 1}",
                                              group_id=rec.issue.group_id, owner=owners[office_id][k],
                                              due_date=due, state=state,
                                              done_at=_aware(due) if state in ("done", "closed") else None,
                                              closed_at=_aware(due) if state == "closed" else None))
        FollowUpAction.objects.bulk_create(actions, batch_size=5000)
        counts.add("inspection issues", len(issues))
        counts.add("follow-up actions", len(actions))

        # Approved annual editions (rows only: no PDF is rendered) for about two offices in three.
        editions = [AnnualReport(office=office, fiscal_year=years[office.pk], audience=audience, state="approved",
                                 progress=100, decided_at=_aware(date(YEAR, 10, 20)))
                    for office, _ in everyone if rng.random() < 0.66 for audience in ("obec", "pec")]
        AnnualReport.objects.bulk_create(editions, batch_size=2000)
        counts.add("annual editions", len(editions))

    counts["seconds"] = round(time.perf_counter() - started, 1)
    if verbose:
        print(f"national data set in {counts['seconds']} s: " + ", ".join(
            f"{n:,} {name}" for name, n in counts.items() if name != "seconds"))
    return counts, [o for o, _ in everyone], years


def _projects_and_forms(batch, rng, counts, groups, owners, years, quarters, strategies, indicators, targets):
    from django.db import transaction

    from projects.models import (Activity, ActivityProgress, Disbursement, IndicatorResult, Project,
                                 ProjectIndicator, QuarterlyReport)

    with transaction.atomic():
        rows = []
        for office, size in batch:
            office_groups = groups[office.pk]
            for n in range(size):
                rows.append(Project(office=office, fiscal_year=years[office.pk], code=f"{office.code}-{n + 1:05d}",
                                    name=f"โครงการพัฒนาคุณภาพการศึกษาที่ {n + 1}", source="plan",
                                    group=office_groups[n % len(office_groups)],
                                    budget_obec=Decimal(rng.randrange(20, 900)) * 1000, objectives="เพื่อพัฒนา",
                                    status="in_progress", start_date=date(YEAR - 1, 10, 1), end_date=date(YEAR, 9, 30)))
        Project.objects.bulk_create(rows, batch_size=5000)
        made = list(Project.objects.filter(fiscal_year__in=[years[o.pk] for o, _ in batch]).order_by("id"))
        counts.add("projects", len(made))
        Project.owners.through.objects.bulk_create([
            Project.owners.through(project_id=p.pk, user_id=owners[p.office_id][i % 10].pk)
            for i, p in enumerate(made)], batch_size=5000)
        Project.strategies.through.objects.bulk_create([
            Project.strategies.through(project_id=p.pk, planitem_id=strategies[p.fiscal_year_id][i % 4].pk)
            for i, p in enumerate(made)], batch_size=5000)
        counts.add("project targets", _batched(ProjectIndicator, [
            ProjectIndicator(project=p, indicator=indicators[p.fiscal_year_id][i % 6], target_value=80)
            for i, p in enumerate(made)]))
        counts.add("activities", _batched(Activity, [
            Activity(project=p, order=k, name=f"กิจกรรมที่ {k}", quarters=[k, k + 2], budget=p.budget_obec / 2)
            for p in made for k in (1, 2)]))
        target_of = {t.project_id: t for t in ProjectIndicator.objects.filter(project__in=made)}
        activities = {}
        for activity in Activity.objects.filter(project__in=made):
            activities.setdefault(activity.project_id, []).append(activity)

        # An office's diligence sets its mix: some offices are late or miss much more than others.
        diligence = {office.pk: rng.uniform(0.6, 1.4) for office, _ in batch}
        reports = []
        disbursements = []
        for p in made:
            care = diligence[p.office_id]
            spent_before = Decimal(0)
            for quarter in quarters[p.fiscal_year_id]:
                weights = [share * (care if state in ("approved", "verified") else 1 / care)
                           for state, share in FORM_MIX]
                state = rng.choices([s for s, _ in FORM_MIX], weights)[0]
                cumulative = (p.budget_obec * targets[quarter.number] * Decimal(str(min(1.1, rng.uniform(0.5, 1.1) * care)))
                              ).quantize(Decimal("1"))
                amount = max(Decimal(0), cumulative - spent_before)
                spent_before += amount
                disbursements.append(Disbursement(project=p, quarter=quarter, amount=amount))
                if state == "missing":
                    continue
                sent = state != "draft"
                late = sent and rng.random() > 0.75 * min(care, 1.2)
                at = _aware(quarter.due_date + timedelta(days=rng.randrange(3, 20))) if late else \
                    _aware(quarter.due_date - timedelta(days=rng.randrange(0, 5)))
                reports.append(QuarterlyReport(
                    project=p, quarter=quarter, state=state,
                    timeliness=("late" if late else "on_time") if sent else "",
                    first_submitted_at=at if sent else None, submitted_at=at if sent else None,
                    verified_at=at + timedelta(days=2) if state in ("verified", "approved") else None,
                    approved_at=at + timedelta(days=4) if state == "approved" else None,
                    return_reason="โปรดระบุผลการดำเนินงานเพิ่มเติม" if state == "returned" else "",
                    spent_this_quarter=amount, outputs="ดำเนินการตามแผน", outcomes="บรรลุเป้าหมาย"))
        QuarterlyReport.objects.bulk_create(reports, batch_size=5000)
        counts.add("forms", len(reports))
        counts.add("disbursements", _batched(Disbursement, disbursements))
        forms = list(QuarterlyReport.objects.filter(project__in=made).only("id", "project_id", "state"))
        counts.add("indicator results", _batched(IndicatorResult, [
            IndicatorResult(report_id=r.pk, target=target_of[r.project_id], value=Decimal(rng.randrange(40, 100)))
            for r in forms if r.state != "draft"]))
        counts.add("activity progress", _batched(ActivityProgress, [
            ActivityProgress(report_id=r.pk, activity=a, status="done", percent=100, description="ดำเนินการแล้ว")
            for r in forms if r.state != "draft" for a in activities[r.project_id]]))


def main():
    from _setup import django_setup

    parser = argparse.ArgumentParser()
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--projects", type=int, default=200, help="projects per office")
    parser.add_argument("--big", type=int, default=0, help="add one office (code NBIG) with this many projects")
    parser.add_argument("--medium", type=int, default=0, help="add one office (code NMID) with this many projects")
    parser.add_argument("--prefix", default="N")
    args = parser.parse_args()
    django_setup()
    sizes = {}
    if args.big:
        sizes[f"{args.prefix}BIG"] = args.big
    if args.medium:
        sizes[f"{args.prefix}MID"] = args.medium
    generate_national(args.offices, args.projects, prefix=args.prefix, sizes=sizes)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
