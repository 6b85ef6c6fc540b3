"""Demo inspection round: issues with reports in several states, recommendations, actions in every state."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import Role, User, WorkGroup
from reviews import evidence
from projects.demo_reports import Actors
from reminders import outbox

from . import workflow
from .models import InspectionIssue, InspectionRound, Recommendation

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >>"
       b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

ISSUES = [
    # code, title, group, report state, recommendations [(text, decision, [(action, state, due)])]
    ("1", "การลดความเหลื่อมล้ำทางการศึกษา: การติดตามเด็กตกหล่นและเด็กออกกลางคัน", "PROMO", "approved", [
        ("ควรจัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยงรายบุคคลและติดตามทุกภาคเรียน", "เห็นชอบ มอบกลุ่มส่งเสริมการจัดการศึกษา", [
            ("จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยงรายบุคคล", "closed", date(2026, 4, 30)),
            ("ติดตามเยี่ยมบ้านนักเรียนกลุ่มเสี่ยงภาคเรียนที่ 2", "done", date(2026, 6, 30)),
        ]),
        ("ควรประสานองค์กรปกครองส่วนท้องถิ่นในการช่วยเหลือนักเรียนยากจน", "เห็นชอบ", [
            ("จัดประชุมเครือข่าย อปท. เพื่อวางแผนช่วยเหลือ", "returned", date(2026, 5, 15)),
        ]),
    ]),
    ("2", "การพัฒนาคุณภาพการจัดการเรียนรู้: การอ่านออกเขียนได้ของนักเรียนชั้น ป.1", "SUP", "submitted", [
        ("ควรนิเทศติดตามครูผู้สอนภาษาไทยชั้น ป.1 อย่างต่อเนื่อง", "เห็นชอบ มอบกลุ่มนิเทศฯ", [
            ("นิเทศติดตามครูภาษาไทย ป.1 ทุกโรงเรียน", "in_progress", date(2026, 3, 31)),
            ("จัดทำสื่อเสริมการอ่านสำหรับนักเรียนที่อ่านไม่คล่อง", "open", date(2026, 9, 30)),
        ]),
    ]),
    ("3", "การบริหารจัดการงบประมาณและการเบิกจ่าย", "FIN", "draft", [
        ("ควรเร่งรัดการเบิกจ่ายงบลงทุนให้เป็นไปตามเป้าหมาย", "", []),
    ]),
]


def seed(fy) -> int:
    with outbox.muted():
        created = _seed(fy)
        _seed_monitoring(fy)
        return created


@transaction.atomic
def _seed_monitoring(fy) -> None:
    """Responsible persons for the policies and indicators, and a mid-year monitoring round; idempotent."""
    from decimal import Decimal

    from plans.models import Indicator, PlanItem

    from .models import Assignment, MonitoringRound

    if MonitoringRound.objects.filter(fiscal_year=fy).exists():
        return
    actors = Actors.of(fy.office)
    owners = list(User.objects.filter(office=fy.office, role_assignments__role=Role.OWNER, is_active=True)
                  .prefetch_related("work_groups").order_by("pk"))
    if not owners:
        return
    for n, item in enumerate(PlanItem.objects.filter(fiscal_year=fy, kind__in=["policy", "focus"]).order_by("code")):
        person = owners[n % len(owners)]
        Assignment.objects.get_or_create(fiscal_year=fy, plan_item=item, defaults={
            "responsible": person, "group": person.work_groups.first(), "assigned_by": actors.planning})
    indicators = list(Indicator.objects.filter(fiscal_year=fy).order_by("order", "code")[:6])
    for n, indicator in enumerate(indicators):
        person = owners[n % len(owners)]
        Assignment.objects.get_or_create(fiscal_year=fy, indicator=indicator, defaults={
            "responsible": person, "group": indicator.owner_group or person.work_groups.first(),
            "assigned_by": actors.planning})
    monitoring_round = workflow.open_monitoring_round(fy, by=actors.planning, title="ติดตามนโยบาย สพฐ. รอบ 6 เดือน",
                                                      due_date=date(2026, 4, 10))
    plan = ["approved", "approved", "submitted", "returned", "draft", "draft"]
    for result, state in zip(monitoring_round.results.select_related("indicator").order_by("indicator__order"), plan):
        if state == "draft":
            continue
        target = result.indicator.target_value or Decimal("80")
        value = None if result.indicator.is_qualitative else (target * Decimal("1.02")).quantize(Decimal("0.01"))
        result = workflow.save_result(result.pk, by=result.responsible, expected_version=result.version, value=value,
                                      narrative="ดำเนินการตามแผน ครบทุกโรงเรียนในสังกัด",
                                      files=_pdf("สรุปผลตัวชี้วัด.pdf"))
        result = workflow.move_result(result.pk, "submit", by=result.responsible, expected_version=result.version)
        if state == "returned":
            workflow.move_result(result.pk, "return", by=actors.planning, expected_version=result.version,
                                 reason="ขอหลักฐานรายโรงเรียนประกอบ")
        elif state == "approved":
            result = workflow.move_result(result.pk, "verify", by=actors.planning, expected_version=result.version)
            workflow.move_result(result.pk, "approve", by=actors.director, expected_version=result.version)


@transaction.atomic
def _seed(fy) -> int:
    """One OBEC inspection round for ``fy``; idempotent (nothing is written if the round exists)."""
    if InspectionRound.objects.filter(fiscal_year=fy, number=1, body="obec").exists():
        return 0
    actors = Actors.of(fy.office)
    inspection_round = InspectionRound.objects.create(
        fiscal_year=fy, body="obec", number=1, title=f"การตรวจราชการ สพฐ. รอบที่ 1 ปีงบประมาณ {fy.year}",
        start_date=date(2026, 2, 10), end_date=date(2026, 2, 12), created_by=actors.planning,
        inspectors="ดร.สมศักดิ์ ตรวจการ ผู้ตรวจราชการ สพฐ.\nนางสาววิภาวรรณ ใจเที่ยง ศึกษานิเทศก์ สพฐ.")
    created = 0
    for code, title, group_code, report_state, recommendations in ISSUES:
        group = WorkGroup.objects.get(office=fy.office, code=group_code)
        responsible = (User.objects.filter(office=fy.office, work_groups=group, role_assignments__role=Role.OWNER)
                       .order_by("pk").first() or actors.planning)
        issue = InspectionIssue.objects.create(round=inspection_round, code=code, title=title, group=group,
                                               responsible=responsible)
        issue.projects.set(fy.projects.filter(group=group).order_by("code")[:2])
        if report_state != "draft":
            issue = workflow.save_report(
                issue.pk, by=responsible, expected_version=issue.version,
                text=f"สำนักงานเขตพื้นที่การศึกษาดำเนินการตามประเด็น {title} ครบทุกโรงเรียนในสังกัด "
                     "มีผลการดำเนินงานตามตัวชี้วัดที่กำหนด", files=_pdf("รายงานผลการดำเนินงาน.pdf"))
            issue = workflow.move_issue(issue.pk, "submit", by=responsible, expected_version=issue.version)
            if report_state == "approved":
                issue = workflow.move_issue(issue.pk, "verify", by=actors.planning, expected_version=issue.version)
                workflow.move_issue(issue.pk, "approve", by=actors.director, expected_version=issue.version)
        for number, (text, decision, actions) in enumerate(recommendations, start=1):
            recommendation = Recommendation.objects.create(
                issue=issue, number=number, text=text, created_by=actors.planning,
                analysis="สอดคล้องกับกลยุทธ์ของสำนักงาน ดำเนินการได้ภายในปีงบประมาณ")
            if decision:
                workflow.decide(recommendation.pk, by=actors.director, decision=decision)
            for action_title, state, due in actions:
                action = workflow.assign_action(recommendation.pk, by=actors.planning, title=action_title,
                                                group=group, owner=responsible, due_date=due)
                _play(action, state, responsible, actors)
                created += 1
    return created


def _pdf(name):
    return evidence.check_uploads([SimpleUploadedFile(name, PDF, content_type="application/pdf")])


def _play(action, state, owner, actors):
    if state == "open":
        return
    action = workflow.follow_up(action.pk, by=owner, expected_version=action.version,
                                text="ดำเนินการแล้วร้อยละ 60 ตามแผน", files=_pdf("ภาพกิจกรรม.pdf"))
    if state == "in_progress":
        return
    action = workflow.move_action(action.pk, "done", by=owner, expected_version=action.version)
    if state == "returned":
        workflow.move_action(action.pk, "return", by=actors.planning, expected_version=action.version,
                             reason="ขอรายงานการประชุมและรายชื่อผู้เข้าร่วม")
    elif state == "closed":
        workflow.move_action(action.pk, "close", by=actors.planning, expected_version=action.version)
