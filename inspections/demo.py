"""Demo inspection round: issues with reports in several states, recommendations, actions in every state."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts import democlock
from accounts.models import Role, User, WorkGroup
from reviews import evidence
from projects.demo_reports import Actors
from reminders import outbox

from . import meetings, sending, workflow
from .models import (InspectingBody, InspectionIssue, InspectionRound, MonitoringMeeting, Recommendation,
                     seed_default_bodies)

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >>"
       b" endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

# code, title, group, report state (live round), recommendations [(text, decision, [(action, state, due)])];
# ``due`` is days from today in the live round. In a closed year every report is approved and every action closed.
ISSUES = [
    ("1", "การลดความเหลื่อมล้ำทางการศึกษา: การติดตามเด็กตกหล่นและเด็กออกกลางคัน", "PROMO", "approved", [
        ("ควรจัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยงรายบุคคลและติดตามทุกภาคเรียน", "เห็นชอบ มอบกลุ่มส่งเสริมการจัดการศึกษา", [
            ("จัดทำฐานข้อมูลนักเรียนกลุ่มเสี่ยงรายบุคคล", "closed", -20),
            ("ติดตามเยี่ยมบ้านนักเรียนกลุ่มเสี่ยงภาคเรียนที่ 2", "done", 10),
        ]),
        ("ควรประสานองค์กรปกครองส่วนท้องถิ่นในการช่วยเหลือนักเรียนยากจน", "เห็นชอบ", [
            ("จัดประชุมเครือข่าย อปท. เพื่อวางแผนช่วยเหลือ", "returned", -3),
        ]),
    ]),
    ("2", "การพัฒนาคุณภาพการจัดการเรียนรู้: การอ่านออกเขียนได้ของนักเรียนชั้น ป.1", "SUP", "submitted", [
        ("ควรนิเทศติดตามครูผู้สอนภาษาไทยชั้น ป.1 อย่างต่อเนื่อง", "เห็นชอบ มอบกลุ่มนิเทศฯ", [
            ("นิเทศติดตามครูภาษาไทย ป.1 ทุกโรงเรียน", "in_progress", -7),
            ("จัดทำสื่อเสริมการอ่านสำหรับนักเรียนที่อ่านไม่คล่อง", "open", 45),
            ("สรุปผลการประเมินการอ่านออกเขียนได้ภาคเรียนที่ 1", "open", -2),
        ]),
    ]),
    ("3", "การบริหารจัดการงบประมาณและการเบิกจ่าย", "FIN", "draft", [
        ("ควรเร่งรัดการเบิกจ่ายงบลงทุนให้เป็นไปตามเป้าหมาย", "", []),
    ]),
]


def seed(fy, *, closed: bool = False) -> int:
    """An OBEC inspection round for ``fy`` (all closed when ``closed``; running otherwise, with an open
    monitoring round), staged on the seed's clock without e-mailing anyone."""
    with outbox.muted():
        created = _seed(fy, closed=closed)
        _seed_pmo_round(fy, closed=closed)
        if closed:
            _seed_closed_monitoring(fy)
        else:
            _seed_monitoring(fy)
        return created


@transaction.atomic
def _seed_monitoring(fy) -> None:
    """Responsible persons for the policies and indicators, a finished and sent first round (when the year is old
    enough) and a running mid-year round; idempotent."""
    from .models import MonitoringRound

    if MonitoringRound.objects.filter(fiscal_year=fy).exists():
        return
    actors = Actors.of(fy.office)
    if not _assign(fy, actors):
        return
    clock = democlock.current()
    today = clock.today
    # A first round, finished earlier in the year: every result approved, both meetings held, sent to OBEC.
    earlier = max(fy.start + timedelta(days=20), today - timedelta(days=75))
    if earlier + timedelta(days=45) < today:
        _finished_round(fy, actors, "ติดตามนโยบาย สพฐ. รอบ 3 เดือน", opened=earlier, letter="ศธ 04xxx/0312")
    with clock.at(today):
        monitoring_round = workflow.open_monitoring_round(fy, by=actors.planning, title="ติดตามนโยบาย สพฐ. รอบ 6 เดือน",
                                                          due_date=today + timedelta(days=14))
        _meeting(monitoring_round, actors, MonitoringMeeting.Kind.BRIEFING, today)
    plan = ["approved", "approved", "submitted", "returned", "draft", "draft"]
    for result, state in zip(monitoring_round.results.select_related("indicator").order_by("indicator__order"), plan):
        if state == "draft":
            continue
        _report(result, actors, state)


def _assign(fy, actors) -> bool:
    """Responsible persons for the year's policies and first indicators; False when the office has no owner."""
    from plans.models import Indicator, PlanItem

    from .models import Assignment

    owners = list(User.objects.filter(office=fy.office, role_assignments__role=Role.OWNER, is_active=True)
                  .prefetch_related("work_groups").order_by("pk"))
    if not owners:
        return False
    for n, item in enumerate(PlanItem.objects.filter(fiscal_year=fy, kind__in=["policy", "focus"]).order_by("code")):
        person = owners[n % len(owners)]
        Assignment.objects.get_or_create(fiscal_year=fy, plan_item=item, defaults={
            "responsible": person, "group": person.work_groups.first(), "assigned_by": actors.planning})
    for n, indicator in enumerate(Indicator.objects.filter(fiscal_year=fy).order_by("order", "code")[:6]):
        person = owners[n % len(owners)]
        Assignment.objects.get_or_create(fiscal_year=fy, indicator=indicator, defaults={
            "responsible": person, "group": indicator.owner_group or person.work_groups.first(),
            "assigned_by": actors.planning})
    return True


def _report(result, actors, state: str):
    """The responsible person reports ``result`` with evidence and it goes as far as ``state``."""
    from decimal import Decimal

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


MEETINGS = {
    MonitoringMeeting.Kind.BRIEFING: (
        "ชี้แจงแนวทางการติดตามนโยบาย สพฐ. และมอบหมายผู้รับผิดชอบตัวชี้วัด",
        "1. มอบหมายผู้รับผิดชอบตามคำสั่ง\n2. ส่งผลการดำเนินงานพร้อมหลักฐานภายในกำหนด"),
    MonitoringMeeting.Kind.DATA_CHECK: (
        "ตรวจสอบความครบถ้วนและความถูกต้องของผลการดำเนินงานและเอกสารหลักฐานรายตัวชี้วัด",
        "ข้อมูลครบถ้วน เห็นชอบให้เสนอผู้อำนวยการและจัดส่ง สพฐ."),
}


def _meeting(monitoring_round, actors, kind, day):
    minutes, decisions = MEETINGS[kind]
    attendees = "\n".join(f"{user.full_name} {user.position or ''}".strip() for user in
                          User.objects.filter(office=monitoring_round.fiscal_year.office, is_active=True)
                          .order_by("pk")[:6])
    return meetings.save_meeting(monitoring_round, by=actors.planning, values={
        "kind": kind, "date": day, "attendees": attendees or actors.planning.full_name, "minutes": minutes,
        "decisions": decisions}, files=_pdf("รายงานการประชุม.pdf"))


def _finished_round(fy, actors, title: str, *, opened: date, letter: str):
    """A round opened on ``opened``: briefed, every result approved, checked in a meeting and sent to OBEC."""
    clock = democlock.current()
    with clock.at(opened):
        monitoring_round = workflow.open_monitoring_round(fy, by=actors.planning, title=title,
                                                          due_date=opened + timedelta(days=30))
        _meeting(monitoring_round, actors, MonitoringMeeting.Kind.BRIEFING, opened)
    with clock.at(opened + timedelta(days=25)):
        for result in monitoring_round.results.select_related("indicator", "responsible"):
            _report(result, actors, "approved")
    with clock.at(opened + timedelta(days=28)):
        _meeting(monitoring_round, actors, MonitoringMeeting.Kind.DATA_CHECK, opened + timedelta(days=28))
    with clock.at(opened + timedelta(days=33)):
        sending.record(monitoring_round, by=actors.planning, sent_on=opened + timedelta(days=33),
                       letter_number=letter, sent_by=actors.planning)
    return monitoring_round


@transaction.atomic
def _seed_closed_monitoring(fy) -> None:
    """A closed year's monitoring: one round, finished and sent (what the ก.ต.ป.น. edition reports); idempotent."""
    from .models import MonitoringRound

    if MonitoringRound.objects.filter(fiscal_year=fy).exists():
        return
    actors = Actors.of(fy.office)
    if actors.planning is None or actors.director is None or not _assign(fy, actors):
        return
    _finished_round(fy, actors, "ติดตามนโยบาย สพฐ. รอบ 12 เดือน", opened=fy.end - timedelta(days=50),
                    letter="ศธ 04xxx/0915")


@transaction.atomic
def _seed_pmo_round(fy, *, closed: bool) -> None:
    """A PMO integrated inspection round (its report in the PMO's layout), with one issue; idempotent."""
    pmo = InspectingBody.objects.get(office=fy.office, code="pmo")
    if InspectionRound.objects.filter(fiscal_year=fy, body=pmo).exists():
        return
    clock = democlock.current()
    actors = Actors.of(fy.office)
    start, end = _round_dates(fy, closed)
    start, end = start + timedelta(days=7), end + timedelta(days=7)
    if end >= clock.today:
        return
    group = WorkGroup.objects.filter(office=fy.office, code="PLAN").first() or WorkGroup.objects.filter(
        office=fy.office).order_by("pk").first()
    if group is None or actors.planning is None:
        return
    with clock.at(start):
        inspection_round = InspectionRound.objects.create(
            fiscal_year=fy, body=pmo, number=1, start_date=start, end_date=end, created_by=actors.planning,
            title=f"การตรวจราชการแบบบูรณาการ สำนักนายกรัฐมนตรี รอบที่ 1 ปีงบประมาณ {fy.year}",
            inspectors="ผู้ตรวจราชการสำนักนายกรัฐมนตรี เขตตรวจราชการที่ 17\nผู้ตรวจราชการกระทรวงศึกษาธิการ")
    with clock.at(end):
        issue = InspectionIssue.objects.create(
            round=inspection_round, code="1", title="การแก้ไขปัญหาเด็กตกหล่นและออกกลางคันในพื้นที่", group=group,
            responsible=actors.planning)
        Recommendation.objects.create(issue=issue, number=1, created_by=actors.planning,
                                      text="ควรบูรณาการข้อมูลเด็กตกหล่นร่วมกับหน่วยงานในจังหวัด")


def _round_dates(fy, closed: bool) -> tuple[date, date]:
    """When the inspectors came: mid-year in a closed year; some weeks ago (inside the year) in the live one."""
    if closed:
        start = fy.start + timedelta(days=130)
    else:
        today = democlock.current().today
        start = max(fy.start + timedelta(days=14), today - timedelta(days=60))
        start = min(start, today - timedelta(days=14))
    return start, start + timedelta(days=2)


@transaction.atomic
def _seed(fy, *, closed: bool = False) -> int:
    """One OBEC inspection round for ``fy``; idempotent (nothing is written if the round exists)."""
    seed_default_bodies(fy.office)  # (the migration and new offices have them; a demo office made otherwise may not)
    obec = InspectingBody.objects.get(office=fy.office, code="obec")
    if InspectionRound.objects.filter(fiscal_year=fy, number=1, body=obec).exists():
        return 0
    clock = democlock.current()
    actors = Actors.of(fy.office)
    start, end = _round_dates(fy, closed)
    with clock.at(start):
        inspection_round = InspectionRound.objects.create(
            fiscal_year=fy, body=obec, number=1, title=f"การตรวจราชการ สพฐ. รอบที่ 1 ปีงบประมาณ {fy.year}",
            start_date=start, end_date=end, created_by=actors.planning,
            inspectors="ดร.สมศักดิ์ ตรวจการ ผู้ตรวจราชการ สพฐ.\nนางสาววิภาวรรณ ใจเที่ยง ศึกษานิเทศก์ สพฐ.")
    created = 0
    for code, title, group_code, report_state, recommendations in ISSUES:
        report_state = "approved" if closed else report_state
        group = WorkGroup.objects.get(office=fy.office, code=group_code)
        responsible = (User.objects.filter(office=fy.office, work_groups=group, role_assignments__role=Role.OWNER)
                       .order_by("pk").first() or actors.planning)
        with clock.at(end + timedelta(days=1)):
            issue = InspectionIssue.objects.create(round=inspection_round, code=code, title=title, group=group,
                                                   responsible=responsible)
            issue.projects.set(fy.projects.filter(group=group).order_by("code")[:2])
        if report_state != "draft":
            with clock.at(end + timedelta(days=5)):
                issue = workflow.save_report(
                    issue.pk, by=responsible, expected_version=issue.version,
                    text=f"สำนักงานเขตพื้นที่การศึกษาดำเนินการตามประเด็น {title} ครบทุกโรงเรียนในสังกัด "
                         "มีผลการดำเนินงานตามตัวชี้วัดที่กำหนด", files=_pdf("รายงานผลการดำเนินงาน.pdf"))
                issue = workflow.move_issue(issue.pk, "submit", by=responsible, expected_version=issue.version)
            if report_state == "approved":
                with clock.at(end + timedelta(days=8)):
                    issue = workflow.move_issue(issue.pk, "verify", by=actors.planning, expected_version=issue.version)
                with clock.at(end + timedelta(days=10)):
                    workflow.move_issue(issue.pk, "approve", by=actors.director, expected_version=issue.version)
        for number, (text, decision, actions) in enumerate(recommendations, start=1):
            with clock.at(end + timedelta(days=3)):
                recommendation = Recommendation.objects.create(
                    issue=issue, number=number, text=text, created_by=actors.planning,
                    analysis="สอดคล้องกับกลยุทธ์ของสำนักงาน ดำเนินการได้ภายในปีงบประมาณ")
            decision = decision or ("เห็นชอบ" if closed else "")
            if decision:
                with clock.at(end + timedelta(days=6)):
                    workflow.decide(recommendation.pk, by=actors.director, decision=decision)
            for n, (action_title, state, due) in enumerate(actions):
                if closed:
                    state, due_date = "closed", end + timedelta(days=45 + 30 * (n + number))
                else:
                    due_date = max(clock.today + timedelta(days=due), end + timedelta(days=14))
                with clock.at(end + timedelta(days=7)):
                    action = workflow.assign_action(recommendation.pk, by=actors.planning, title=action_title,
                                                    group=group, owner=responsible, due_date=due_date)
                worked = max(due_date - timedelta(days=10), end + timedelta(days=9))
                _play(action, state, responsible, actors, clock, worked)
                created += 1
    return created


def _pdf(name):
    return evidence.check_uploads([SimpleUploadedFile(name, PDF, content_type="application/pdf")])


def _play(action, state, owner, actors, clock, worked: date):
    """Take an action to ``state``: a follow-up on ``worked``, done a few days later, then planning's decision."""
    if state == "open":
        return
    with clock.at(worked):
        action = workflow.follow_up(action.pk, by=owner, expected_version=action.version,
                                    text="ดำเนินการแล้วร้อยละ 60 ตามแผน", files=_pdf("ภาพกิจกรรม.pdf"))
    if state == "in_progress":
        return
    with clock.at(worked + timedelta(days=4)):
        action = workflow.move_action(action.pk, "done", by=owner, expected_version=action.version)
    with clock.at(worked + timedelta(days=6)):
        if state == "returned":
            workflow.move_action(action.pk, "return", by=actors.planning, expected_version=action.version,
                                 reason="ขอรายงานการประชุมและรายชื่อผู้เข้าร่วม")
        elif state == "closed":
            workflow.move_action(action.pk, "close", by=actors.planning, expected_version=action.version)
