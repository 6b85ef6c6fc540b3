"""Demo plan of a fiscal year: a policy tree, indicators and about forty projects across groups and sources."""

import random
from collections import Counter
from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts.models import Role, User
from plans import services as plan_services
from plans.models import Indicator, PlanItem

from .models import Activity, Project, ProjectIndicator

# (code, kind, level, parent code, name)
TREE = [
    ("P1", "policy", "obec", None, "ด้านความปลอดภัย: สร้างความปลอดภัยให้ผู้เรียน ครู และบุคลากรทางการศึกษา"),
    ("P2", "policy", "obec", None, "ด้านโอกาส: สร้างโอกาสทางการศึกษาให้ผู้เรียนทุกกลุ่มอย่างเสมอภาค"),
    ("P3", "policy", "obec", None, "ด้านคุณภาพ: ยกระดับคุณภาพการศึกษาและสมรรถนะผู้เรียน"),
    ("P4", "policy", "obec", None, "ด้านประสิทธิภาพ: บริหารจัดการอย่างมีประสิทธิภาพด้วยเทคโนโลยีดิจิทัล"),
    ("F1.1", "focus", "obec", "P1", "สถานศึกษาปลอดภัย ปราศจากภัยคุกคามและยาเสพติด"),
    ("F2.1", "focus", "obec", "P2", "ลดจำนวนเด็กตกหล่นและออกกลางคัน (Zero Dropout)"),
    ("F3.1", "focus", "obec", "P3", "พัฒนาทักษะการอ่าน การเขียน และการคิดคำนวณ"),
    ("F3.2", "focus", "obec", "P3", "ยกระดับผลการทดสอบระดับชาติและการประเมิน PISA"),
    ("F4.1", "focus", "obec", "P4", "ลดภาระครูและบุคลากรทางการศึกษา"),
    ("S1", "strategy", "office", "F1.1", "ส่งเสริมระบบดูแลช่วยเหลือนักเรียนและความปลอดภัยในสถานศึกษา"),
    ("S2", "strategy", "office", "F2.1", "ขยายโอกาสและติดตามนักเรียนกลุ่มเสี่ยงให้ได้รับการศึกษาต่อเนื่อง"),
    ("S3", "strategy", "office", "F3.1", "พัฒนาหลักสูตรและกระบวนการเรียนรู้ฐานสมรรถนะ"),
    ("S4", "strategy", "office", "F3.2", "พัฒนาครูและบุคลากรให้มีสมรรถนะตามมาตรฐานวิชาชีพ"),
    ("S5", "strategy", "office", "F4.1", "พัฒนาระบบบริหารจัดการและเทคโนโลยีสารสนเทศของสำนักงาน"),
]

# (code, strategy code, name, unit, target, cumulative, qualitative)
INDICATORS = [
    ("KPI01", "S1", "ร้อยละของสถานศึกษาที่มีระบบดูแลช่วยเหลือนักเรียนที่มีคุณภาพ", "ร้อยละ", 90, False, False),
    ("KPI02", "S1", "จำนวนสถานศึกษาที่ผ่านการประเมินสถานศึกษาปลอดภัย", "แห่ง", 45, True, False),
    ("KPI03", "S2", "ร้อยละของนักเรียนที่ออกกลางคันลดลง", "ร้อยละ", 50, False, False),
    ("KPI04", "S2", "จำนวนเด็กตกหล่นที่ได้รับการติดตามกลับเข้าสู่ระบบการศึกษา", "คน", 120, True, False),
    ("KPI05", "S3", "ร้อยละของนักเรียนชั้น ป.1 ที่อ่านออกเขียนได้", "ร้อยละ", 95, False, False),
    ("KPI06", "S3", "คะแนนเฉลี่ย O-NET ที่เพิ่มขึ้นเมื่อเทียบกับปีที่ผ่านมา", "คะแนน", 3, False, False),
    ("KPI07", "S4", "จำนวนครูที่ได้รับการพัฒนาตามความต้องการจำเป็น", "คน", 800, True, False),
    ("KPI08", "S5", "ระดับความสำเร็จของการใช้ระบบสารสนเทศเพื่อการบริหาร", "ระดับ", 5, False, False),
    ("KPI09", "S5", "ผลการประเมินความพึงพอใจของผู้รับบริการ", "ข้อความ", None, False, True),
]

# How the closed year ends (its last forms' results, projects/demo_reports.py): most indicators are met, these fall
# short, and these have no result: their projects were given them only after the year's last form (in the seed:
# seed(hold_back=…), then link_after_the_forms), so no form asked for them.
FALLS_SHORT = ("KPI03", "KPI08")
LINKED_AFTER_THE_FORMS = ("KPI06",)

# (name, group code, source, strategy code, KPI codes)
PROJECTS = [
    ("พัฒนาระบบดูแลช่วยเหลือนักเรียน", "PROMO", "plan", "S1", ["KPI01"]),
    ("สถานศึกษาปลอดภัย ห่างไกลยาเสพติด", "PROMO", "policy", "S1", ["KPI02"]),
    ("ป้องกันและแก้ไขปัญหาการกลั่นแกล้งในสถานศึกษา", "PROMO", "policy", "S1", ["KPI01"]),
    ("ส่งเสริมคุณธรรม จริยธรรม และค่านิยมที่ดีงาม", "PROMO", "plan", "S1", []),
    ("ลูกเสือ เนตรนารี ยุวกาชาด ต้านภัยยาเสพติด", "PROMO", "agency", "S1", ["KPI02"]),
    ("ติดตามเด็กตกหล่นและเด็กออกกลางคัน (Zero Dropout)", "PROMO", "policy", "S2", ["KPI03", "KPI04"]),
    ("ทุนการศึกษาสำหรับนักเรียนยากจนพิเศษ", "PROMO", "agency", "S2", ["KPI03"]),
    ("จัดการศึกษาเรียนรวมสำหรับนักเรียนพิการ", "PROMO", "plan", "S2", []),
    ("รับนักเรียนปีการศึกษา {year}", "PLAN", "plan", "S2", ["KPI04"]),
    ("นิเทศ ติดตามการจัดการเรียนรู้ฐานสมรรถนะ", "SUP", "plan", "S3", ["KPI05"]),
    ("ยกระดับการอ่านออกเขียนได้ชั้นประถมศึกษาปีที่ 1", "SUP", "policy", "S3", ["KPI05"]),
    ("พัฒนาคุณภาพผลสัมฤทธิ์ทางการเรียน O-NET", "SUP", "plan", "S3", ["KPI06"]),
    ("เตรียมความพร้อมการประเมิน PISA", "SUP", "policy", "S3", ["KPI06"]),
    ("ประกันคุณภาพการศึกษาภายในสถานศึกษา", "SUP", "plan", "S3", []),
    ("ส่งเสริมการจัดการเรียนรู้ประวัติศาสตร์และหน้าที่พลเมือง", "SUP", "policy", "S3", []),
    ("พัฒนาหลักสูตรสถานศึกษาและการวัดประเมินผล", "SUP", "plan", "S3", ["KPI05"]),
    ("ส่งเสริมการเรียนรู้ภาษาอังกฤษเพื่อการสื่อสาร", "SUP", "agency", "S3", []),
    ("ศิลปหัตถกรรมนักเรียน ครั้งที่ 73", "SUP", "agency", "S3", []),
    ("พัฒนาครูด้วยระบบคูปองพัฒนาตนเอง", "DEV", "plan", "S4", ["KPI07"]),
    ("พัฒนาผู้บริหารสถานศึกษาสู่ผู้นำการเปลี่ยนแปลง", "DEV", "plan", "S4", ["KPI07"]),
    ("เสริมสร้างวินัยและจรรยาบรรณวิชาชีพครู", "LAW", "plan", "S4", []),
    ("ยกย่องเชิดชูเกียรติครูและบุคลากรทางการศึกษา", "HR", "plan", "S4", []),
    ("พัฒนาระบบวิทยฐานะและเลื่อนวิทยฐานะ (ว PA)", "HR", "policy", "S4", ["KPI07"]),
    ("สรรหาและบรรจุแต่งตั้งครูผู้ช่วย", "HR", "plan", "S4", []),
    ("อบรมครูด้านวิทยาการคำนวณและ AI", "DEV", "agency", "S4", ["KPI07"]),
    ("พัฒนาระบบสารสนเทศเพื่อการบริหาร (DMC/Data Center)", "DIST", "plan", "S5", ["KPI08"]),
    ("ส่งเสริมการใช้เทคโนโลยีดิจิทัลเพื่อการเรียนรู้ (DLTV)", "DIST", "policy", "S5", ["KPI08"]),
    ("พัฒนาเครือข่ายอินเทอร์เน็ตในสถานศึกษา", "DIST", "agency", "S5", []),
    ("จัดทำแผนปฏิบัติการประจำปีงบประมาณ {year}", "PLAN", "plan", "S5", []),
    ("ติดตาม ประเมินผล และรายงานผลการดำเนินงาน", "PLAN", "plan", "S5", ["KPI08", "KPI09"]),
    ("จัดตั้งงบประมาณและวิเคราะห์ต้นทุนต่อหน่วย", "PLAN", "plan", "S5", []),
    ("บริหารจัดการสถานศึกษาขนาดเล็ก (ควบรวม)", "PLAN", "policy", "S5", []),
    ("เพิ่มประสิทธิภาพการเบิกจ่ายงบประมาณ", "FIN", "plan", "S5", []),
    ("พัฒนาระบบบัญชีและพัสดุภาครัฐ (e-GP)", "FIN", "plan", "S5", []),
    ("ตรวจสอบภายในและควบคุมภายใน", "AUDIT", "plan", "S5", []),
    ("สำนักงานเขตพื้นที่การศึกษาคุณธรรมและความโปร่งใส (ITA)", "ADM", "policy", "S5", ["KPI09"]),
    ("ประชาสัมพันธ์และสร้างเครือข่ายการมีส่วนร่วม", "ADM", "plan", "S5", ["KPI09"]),
    ("สำนักงานสีเขียว (Green Office)", "ADM", "agency", "S5", []),
    ("พัฒนาบุคลากรในสำนักงานเขตพื้นที่การศึกษา", "HR", "plan", "S4", []),
    ("ลดภาระครูด้านงานธุรการ (Teacher Workload Reduction)", "ADM", "policy", "S5", []),
]

ACTIVITY_NAMES = [
    "ประชุมชี้แจงแนวทางการดำเนินงาน", "อบรมเชิงปฏิบัติการ", "นิเทศ ติดตามในสถานศึกษา",
    "จัดทำสื่อและคู่มือ", "ประกวดและแลกเปลี่ยนเรียนรู้", "สรุปและรายงานผล",
]


def seed_plan_tree(fy) -> dict:
    groups = {g.code: g for g in fy.office.groups.all()}
    items: dict[str, PlanItem] = {}
    for order, (code, kind, level, parent, name) in enumerate(TREE, start=1):
        items[code], _ = PlanItem.objects.update_or_create(
            fiscal_year=fy, kind=kind, code=code,
            defaults={"level": level, "parent": items.get(parent), "name": name, "order": order,
                      "owner_group": groups.get("PLAN")},
        )
    indicators = {}
    for order, (code, strategy, name, unit, target, cumulative, qualitative) in enumerate(INDICATORS, start=1):
        indicators[code], _ = Indicator.objects.update_or_create(
            fiscal_year=fy, code=code,
            defaults={"plan_item": items[strategy], "name": name, "unit": unit,
                      "target_value": None if target is None else Decimal(target), "is_cumulative": cumulative,
                      "is_qualitative": qualitative, "order": order},
        )
    return {"items": items, "indicators": indicators}


def _project_targets(indicators: dict, first: int | None) -> dict:
    """{(project number, KPI code): the project's target}. A cumulative indicator's target is shared out among
    its projects (their results add up to the office's figure); the others apply to each project whole."""
    linked = [(number, code) for number, (*_rest, kpis) in enumerate(PROJECTS[:first], start=1) for code in kpis]
    sharing = Counter(code for _number, code in linked)
    given = Counter()
    targets = {}
    for number, code in linked:
        indicator = indicators[code]
        target = indicator.target_value
        if target is not None and indicator.is_cumulative:
            share, left = divmod(int(target), sharing[code])
            target = Decimal(share + (given[code] < left))
            given[code] += 1
        targets[(number, code)] = target
    return targets


def _link(project, indicator, target) -> None:
    ProjectIndicator.objects.update_or_create(
        project=project, indicator=indicator,
        defaults={"target_value": None if indicator.is_qualitative else target,
                  "target_text": "ระดับดีมาก" if indicator.is_qualitative else ""},
    )


def link_after_the_forms(fy) -> None:
    """Give ``fy``'s projects the indicators held back from them (LINKED_AFTER_THE_FORMS), after the year's
    forms were written: no form has a line for them, so the year shows no result for them. Idempotent."""
    indicators = {i.code: i for i in Indicator.objects.filter(fiscal_year=fy)}
    for (number, code), target in _project_targets(indicators, None).items():
        project = Project.objects.filter(fiscal_year=fy, code=f"{fy.year}-{number:03d}").first()
        if code in LINKED_AFTER_THE_FORMS and project is not None:
            _link(project, indicators[code], target)


@transaction.atomic
def seed(fy, *, owners_by_group: dict[str, list[User]] | None = None, first: int | None = None,
         hold_back: tuple = ()) -> list[Project]:
    """Create the demo plan for ``fy`` (idempotent: keyed by codes); only the ``first`` projects when given.
    ``hold_back``: KPI codes not linked to the projects yet (see link_after_the_forms)."""
    rng = random.Random(fy.year)
    tree = seed_plan_tree(fy)
    plan = plan_services.ensure_action_plan(fy)
    groups = {g.code: g for g in fy.office.groups.all()}
    owners_by_group = owners_by_group or {}
    fallback_owners = list(User.objects.filter(office=fy.office, role_assignments__role=Role.OWNER))
    projects = []
    targets = _project_targets(tree["indicators"], first)
    for number, (name, group, source, strategy, kpis) in enumerate(PROJECTS[:first], start=1):
        name = name.format(year=fy.year)
        budget = Decimal(rng.randrange(20, 600) * 1000)
        office_share = Decimal(rng.choice([0, 0, 5000, 10000, 20000]))
        project, _ = Project.objects.update_or_create(
            fiscal_year=fy, code=f"{fy.year}-{number:03d}",
            defaults={
                "office": fy.office, "name": f"โครงการ{name}", "source": source, "group": groups[group],
                "objectives": "1. เพื่อพัฒนาคุณภาพการจัดการศึกษาตามนโยบาย\n2. เพื่อให้บรรลุตัวชี้วัดของแผนปฏิบัติการ",
                "target_groups": "สถานศึกษาในสังกัด ครู และนักเรียน",
                "start_date": date(fy.year - 544, 10, 1), "end_date": date(fy.year - 543, 9, 30),
                "budget_obec": budget, "budget_office": office_share,
                "budget_other": Decimal("0") if source != "agency" else Decimal(rng.randrange(5, 50) * 1000),
                "status": Project.Status.IN_PROGRESS if number % 7 else Project.Status.PLANNED,
            },
        )
        project.strategies.set([tree["items"][strategy]])
        owners = owners_by_group.get(group) or fallback_owners[number % len(fallback_owners):][:1]
        project.owners.set(owners)
        total = project.total_budget
        count = 2 + number % 3
        shares = [total * Decimal(share) / 100 for share in ((50, 50), (40, 30, 30), (25, 25, 25, 25))[count - 2]]
        for order in range(1, count + 1):
            Activity.objects.update_or_create(
                project=project, order=order,
                defaults={"name": ACTIVITY_NAMES[(number + order) % len(ACTIVITY_NAMES)],
                          "quarters": sorted({(order + number) % 4 + 1, (order + number + 1) % 4 + 1}),
                          "budget": shares[order - 1].quantize(Decimal("0.01")), "responsible": owners[0] if owners else None},
            )
        project.activities.filter(order__gt=count).delete()
        for code in kpis:
            if code not in hold_back:
                _link(project, tree["indicators"][code], targets[(number, code)])
        projects.append(project)
    plan.total_budget = sum((p.total_budget for p in projects), Decimal("0"))
    plan.title = f"แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {fy.year}"
    plan.save()
    return projects


def seed_budget_categories(fy) -> int:
    """The year's budget categories, as the e-MENSCR keying sets them for the live year: every seventh project
    is capital (งบลงทุน), the rest operating, a few left without one (they count as operating). Only projects
    without a category are touched, so running again changes nothing. Returns how many are capital."""
    blank = list(fy.projects.filter(budget_category="").order_by("code"))
    for index, project in enumerate(blank):
        if index % 7 == 0:
            project.budget_category = Project.BudgetCategory.INVESTMENT
        elif index % 5 != 4:
            project.budget_category = Project.BudgetCategory.OPERATING
    Project.objects.bulk_update(blank, ["budget_category"])
    seed_mixed_activity(fy)
    return fy.projects.filter(budget_category=Project.BudgetCategory.INVESTMENT).count()


def seed_mixed_activity(fy):
    """One operating project of the year with an investment activity (its last), so its budget and
    disbursements split by its activities' budgets (projects/categories.py). Runs once per year."""
    investment = Project.BudgetCategory.INVESTMENT
    if Activity.objects.filter(project__fiscal_year=fy, budget_category=investment).exclude(
            project__budget_category=investment).exists():
        return None
    for project in fy.projects.exclude(budget_category=investment).exclude(status=Project.Status.CANCELLED).order_by(
            "code"):
        activities = list(project.activities.order_by("order", "pk"))
        if len(activities) >= 2 and activities[-1].budget:
            activities[-1].budget_category = investment
            activities[-1].save(update_fields=["budget_category"])
            return project
    return None
