"""Demo: the closed year fully evaluated — the standard form, answers from accounts and from two outside
evaluators, the summary proposed and approved, lessons per strategy (one taken up on the current year's plan).
Idempotent, staged on the seed's clock (never in the future), and e-mails nobody."""

import random
from datetime import timedelta

from django.db import transaction

from accounts import democlock
from accounts.models import Role, User
from plans.models import FiscalYear, PlanItem
from projects.demo_reports import Actors
from projects.models import Project
from reminders import outbox

from . import services, workflow
from .models import Invitation, Lesson, Summary

OUTSIDE = [("นายวิชัย รักถิ่น", "ผู้อำนวยการโรงเรียนบ้านหนองบัว", "wichai@school.example.ac.th"),
           ("นางสาวพรทิพย์ แสงทอง", "ครูโรงเรียนบ้านห้วยทราย", "")]
COMMENTS = ["ผู้เรียนได้รับประโยชน์ชัดเจน", "ควรขยายผลไปยังโรงเรียนขนาดเล็ก", "การประสานงานดี",
            "ควรติดตามผลอย่างต่อเนื่องในปีถัดไป", ""]
LESSONS = [
    ("S1", "ควรกำหนดตัวชี้วัดเชิงคุณภาพของระบบดูแลช่วยเหลือนักเรียนให้วัดผลได้ตั้งแต่ต้นปี"),
    ("S3", "ควรวางแผนการเบิกจ่ายงบประมาณของโครงการพัฒนาหลักสูตรให้สอดคล้องกับปฏิทินการศึกษา"),
    ("S4", "ควรจัดอบรมครูในช่วงปิดภาคเรียนเพื่อลดผลกระทบต่อการจัดการเรียนการสอน"),
    ("", "ควรส่งแบบติดตามความก้าวหน้าภายในกำหนดทุกไตรมาสเพื่อให้การประเมินผลมีข้อมูลครบถ้วน"),
]


def seed(fy) -> None:
    """Evaluate the closed year ``fy``."""
    with outbox.muted():
        _seed(fy)


@transaction.atomic
def _seed(fy) -> None:
    actors = Actors.of(fy.office)
    if actors.planning is None or actors.director is None:
        return
    clock = democlock.current()
    form = services.current_form(fy)
    if form is None:
        with clock.at(fy.end + timedelta(days=3)):
            form = services.create_form(fy, by=actors.planning)
    rng = random.Random(f"evaluation-{fy.office.code}-{fy.year}")
    projects = list(Project.objects.filter(fiscal_year=fy).exclude(status=Project.Status.CANCELLED)
                    .prefetch_related("owners").select_related("group").order_by("code"))
    heads = {}
    for user in User.objects.filter(office=fy.office, is_active=True, role_assignments__role=Role.GROUP_HEAD):
        for group in user.work_groups.all():
            heads.setdefault(group.pk, user)
    with clock.at(min(fy.end + timedelta(days=10), form.deadline)):
        _invite_and_answer(fy, form, projects, heads, actors, rng)
    with clock.at(fy.end + timedelta(days=14)):
        _lessons(fy, actors)
    _summary(fy, actors, clock)


def seed_open(fy) -> Invitation | None:
    """The live year ``fy`` evaluated while it runs: its form open until its deadline and the owner of its first
    project invited with an account, not answered yet — the newcomer finds it on the home page. Once per year."""
    with outbox.muted():
        actors = Actors.of(fy.office)
        owner = User.objects.filter(office=fy.office, email__startswith="owner@", is_active=True).first()
        project = Project.objects.filter(fiscal_year=fy, owners=owner).exclude(
            status=Project.Status.CANCELLED).order_by("code").first() if owner else None
        if actors.planning is None or project is None:
            return None
        with transaction.atomic():
            if services.current_form(fy) is None:
                services.create_form(fy, by=actors.planning)
            found = Invitation.objects.filter(evaluation__project=project, user=owner).first()
            return found or services.invite(project, by=actors.planning, user=owner)


def _invite_and_answer(fy, form, projects, heads, actors, rng) -> None:
    for index, project in enumerate(projects):
        people = list(project.owners.all()) + ([heads[project.group_id]] if project.group_id in heads else [])
        for person in {p.pk: p for p in people}.values():
            if not Invitation.objects.filter(evaluation__project=project, user=person).exists():
                services.invite(project, by=actors.planning, user=person)
        if index < len(OUTSIDE):
            name, role, email = OUTSIDE[index]
            if not Invitation.objects.filter(evaluation__project=project, name=name).exists():
                services.invite(project, by=actors.planning, name=name, role_text=role, email=email)
        # one project's evaluators do not answer: the demo shows "no answers" too
        if index == len(projects) - 1:
            continue
        base = rng.choice((3, 4, 4, 5))
        for invitation in Invitation.objects.filter(evaluation__project=project, answered_at__isnull=True):
            data = {}
            for criterion in services.rated_criteria(form):
                data[f"rate-{criterion.pk}"] = str(max(1, min(criterion.scale_max, base + rng.choice((-1, 0, 0, 1)))))
                data[f"comment-{criterion.pk}"] = rng.choice(COMMENTS)
            services.answer(invitation.pk, data=data)


def _lessons(fy, actors) -> None:
    if Lesson.objects.filter(fiscal_year=fy).exists():
        return
    items = {item.code: item for item in PlanItem.objects.filter(fiscal_year=fy)}
    for code, text in LESSONS:
        services.add_lesson(fy, by=actors.planning, text=text, plan_item=items.get(code))
    following = FiscalYear.objects.filter(office=fy.office, year=fy.year + 1).first()
    lesson = Lesson.objects.filter(fiscal_year=fy, plan_item__code="S3").first()
    if following and lesson:
        project = Project.objects.filter(fiscal_year=following, strategies__code="S3").order_by("code").first()
        if project:
            services.take_up(lesson, by=actors.planning, project=project)


def _summary(fy, actors, clock) -> None:
    summary = Summary.objects.filter(fiscal_year=fy).first()
    if summary is not None and summary.state == Summary.State.APPROVED:
        return
    if summary is None:
        summary = Summary.objects.create(fiscal_year=fy, overview=(
            f"กลุ่มนโยบายและแผนประเมินผลการดำเนินงานตามแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. {fy.year} แบบมีส่วนร่วม "
            "โดยผู้รับผิดชอบโครงการ ผู้อำนวยการกลุ่ม และผู้มีส่วนได้ส่วนเสียภายนอก โครงการส่วนใหญ่บรรลุวัตถุประสงค์ "
            "ปัญหาหลักคือการเบิกจ่ายงบประมาณล่าช้าในไตรมาสแรก"))
    if summary.state in (Summary.State.DRAFT, Summary.State.RETURNED):
        with clock.at(fy.end + timedelta(days=15)):
            summary = workflow.move_summary(summary.pk, "propose", by=actors.planning,
                                            expected_version=summary.version)
    with clock.at(fy.end + timedelta(days=17)):
        workflow.move_summary(summary.pk, "approve", by=actors.director, expected_version=summary.version)
