"""Generate a large office: N projects with 5 activities each, a policy tree and indicators."""

import random
from decimal import Decimal


def generate_office(code: str = "BENCH", projects: int = 2000, activities_per_project: int = 5):
    from accounts.demo import STANDARD_GROUPS, seed_groups
    from accounts.models import Office, Role, User, UserRole
    from plans import services
    from plans.models import Indicator, PlanItem
    from projects.models import Activity, Project, ProjectIndicator

    office, _ = Office.objects.get_or_create(code=code, defaults={"name": f"สำนักงานทดสอบ {code}"})
    groups = list(seed_groups(office).values())
    fy, _ = services.get_or_create_fiscal_year(office, 2569)
    Project.objects.filter(fiscal_year=fy).delete()
    PlanItem.objects.filter(fiscal_year=fy).delete()
    Indicator.objects.filter(fiscal_year=fy).delete()
    planner, _ = User.objects.get_or_create(email=f"planning@{code.lower()}.bench", defaults={
        "full_name": "นักวางแผน ทดสอบ", "office": office})
    UserRole.objects.get_or_create(user=planner, role=Role.PLANNING)
    owners = []
    for n in range(40):
        user, _ = User.objects.get_or_create(email=f"owner{n}@{code.lower()}.bench", defaults={
            "full_name": f"ผู้รับผิดชอบ {n}", "office": office})
        UserRole.objects.get_or_create(user=user, role=Role.OWNER)
        user.work_groups.set([groups[n % len(groups)]])
        owners.append(user)
    policies = [PlanItem.objects.create(fiscal_year=fy, kind="policy", code=f"P{i}", name=f"นโยบาย {i}", order=i)
                for i in range(1, 5)]
    strategies = [PlanItem.objects.create(fiscal_year=fy, kind="strategy", code=f"S{i}", name=f"กลยุทธ์ {i}",
                                          parent=policies[i % 4], order=10 + i) for i in range(1, 13)]
    indicators = [Indicator.objects.create(fiscal_year=fy, plan_item=strategies[i % 12], code=f"K{i:02d}",
                                           name=f"ตัวชี้วัด {i}", unit="ร้อยละ", target_value=80, order=i)
                  for i in range(1, 25)]
    rng = random.Random(42)
    rows = [
        Project(office=office, fiscal_year=fy, code=f"B-{n:05d}", name=f"โครงการทดสอบประสิทธิภาพที่ {n}",
                source=rng.choice(["plan", "policy", "agency"]), group=groups[n % len(groups)],
                budget_obec=Decimal(rng.randrange(10_000, 900_000)) + Decimal("0.25"),
                objectives="เพื่อทดสอบ", status="in_progress")
        for n in range(projects)
    ]
    Project.objects.bulk_create(rows, batch_size=500)
    created = list(Project.objects.filter(fiscal_year=fy).order_by("code"))
    Project.owners.through.objects.bulk_create(
        [Project.owners.through(project_id=p.pk, user_id=owners[i % len(owners)].pk) for i, p in enumerate(created)],
        batch_size=1000,
    )
    Project.strategies.through.objects.bulk_create(
        [Project.strategies.through(project_id=p.pk, planitem_id=strategies[i % 12].pk) for i, p in enumerate(created)],
        batch_size=1000,
    )
    ProjectIndicator.objects.bulk_create(
        [ProjectIndicator(project=p, indicator=indicators[i % 24], target_value=75) for i, p in enumerate(created)],
        batch_size=1000,
    )
    Activity.objects.bulk_create(
        [Activity(project=p, order=k, name=f"กิจกรรมที่ {k}", quarters=[(k % 4) + 1], budget=Decimal("1000.00"))
         for p in created for k in range(1, activities_per_project + 1)],
        batch_size=2000,
    )
    return office, fy, planner
