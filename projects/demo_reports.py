"""Demo quarterly progress forms, dated relative to the seed's "today": every workflow state, on time and late,
with finance figures.

The live year's quarters that ended before the live quarter have forms in every state; the live quarter (its
window includes today) has forms in several states dated between its window's opening and today, so owners,
planning, the director and finance all have work waiting; the previous year is complete (approved, a few late),
its indicators mostly met by the last forms, two short of their targets.
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts import democlock
from accounts.models import Role, User
from reminders import outbox

from . import demo as projects_demo
from . import workflow
from .models import ActivityProgress, Disbursement, QuarterlyReport, ReportEvent, ReportRevision

State = QuarterlyReport.State
Status = ActivityProgress.Status

MISSING = "missing"

# (final state or MISSING, submitted late, how many projects); late returned forms are returned by the director.
Q1_PLAN = [
    (MISSING, False, 4),
    (State.DRAFT, False, 6),
    (State.SUBMITTED, False, 6),
    (State.SUBMITTED, True, 3),
    (State.RETURNED, False, 2),
    (State.RETURNED, True, 2),
    (State.VERIFIED, False, 5),
    (State.VERIFIED, True, 2),
    (State.APPROVED, False, 9),
    (State.APPROVED, True, 1),
]

# The live quarter, dealt round the projects in group order so that every group sees each state.
LIVE_CYCLE = [State.DRAFT, State.SUBMITTED, MISSING, State.VERIFIED, State.RETURNED, State.APPROVED,
              State.SUBMITTED, MISSING]

ACTIVITY_TEXT = {
    "ประชุมชี้แจงแนวทางการดำเนินงาน": "ประชุมชี้แจงผู้บริหารสถานศึกษาและครูผู้รับผิดชอบ {people} คน "
                                      "ณ ห้องประชุมสำนักงานเขตพื้นที่การศึกษา",
    "อบรมเชิงปฏิบัติการ": "อบรมครูแกนนำ {people} คน จำนวน 2 วัน โดยวิทยากรจากมหาวิทยาลัยราชภัฏ",
    "นิเทศ ติดตามในสถานศึกษา": "นิเทศ ติดตามสถานศึกษา {schools} แห่ง พร้อมให้ข้อเสนอแนะเป็นรายโรงเรียน",
    "จัดทำสื่อและคู่มือ": "จัดทำคู่มือการดำเนินงาน {people} เล่ม แจกสถานศึกษาและเผยแพร่ทางเว็บไซต์สำนักงาน",
    "ประกวดและแลกเปลี่ยนเรียนรู้": "จัดเวทีแลกเปลี่ยนเรียนรู้และประกวดผลงาน ผู้เข้าร่วม {people} คน "
                                   "จาก {schools} โรงเรียน",
    "สรุปและรายงานผล": "รวบรวมข้อมูลจากสถานศึกษา {schools} แห่ง และจัดทำรายงานสรุปผลระหว่างไตรมาส",
}
ACTIVITY_FALLBACK = "ดำเนินการตามแผน มีผู้เข้าร่วม {people} คน จาก {schools} โรงเรียน"

OUTPUTS = [
    "สถานศึกษาเข้าร่วมโครงการ {schools} แห่ง ครูและบุคลากรได้รับการพัฒนา {people} คน",
    "ครูแกนนำผ่านการอบรมและได้รับเกียรติบัตร {people} คน คิดเป็นร้อยละ {percent} ของเป้าหมาย",
    "สถานศึกษาได้รับคู่มือและแนวทางการดำเนินงานครบ {schools} แห่ง",
    "นักเรียนกลุ่มเป้าหมายได้รับการช่วยเหลือและติดตาม {people} คน",
    "ได้ข้อมูลสารสนเทศของสถานศึกษา {schools} แห่ง สำหรับใช้วางแผนในไตรมาสถัดไป",
]
OUTCOMES = [
    "ครูนำความรู้ไปประยุกต์ใช้ในการจัดการเรียนรู้ ผู้เข้าร่วมมีความพึงพอใจในระดับมาก",
    "สถานศึกษามีแนวทางการดำเนินงานที่ชัดเจนและเป็นไปในทิศทางเดียวกัน",
    "ผู้บริหารสถานศึกษาให้ความสำคัญและสนับสนุนการดำเนินงานอย่างต่อเนื่อง",
    "เกิดเครือข่ายความร่วมมือระหว่างสถานศึกษาในการแลกเปลี่ยนเรียนรู้",
    "สำนักงานมีข้อมูลที่ถูกต้องเป็นปัจจุบันสำหรับการตัดสินใจของผู้บริหาร",
]
PROBLEMS = [
    "งบประมาณได้รับจัดสรรล่าช้า ทำให้ต้องเลื่อนการจัดกิจกรรมบางส่วน",
    "ช่วงเวลาจัดกิจกรรมตรงกับภารกิจอื่นของสถานศึกษา ผู้เข้าร่วมบางส่วนไม่สามารถเข้าร่วมได้",
    "สถานศึกษาบางแห่งส่งข้อมูลไม่ครบถ้วนตามกำหนด",
    "ระบบเครือข่ายอินเทอร์เน็ตของสถานศึกษาบางแห่งไม่เสถียร",
    "ไม่มีปัญหาอุปสรรค",
]
SUGGESTIONS = [
    "ควรจัดสรรงบประมาณให้เร็วขึ้นเพื่อให้ดำเนินกิจกรรมได้ตามแผน",
    "ควรนิเทศ ติดตามอย่างต่อเนื่องเพื่อให้เกิดความยั่งยืน",
    "ควรขยายผลไปยังสถานศึกษาที่ยังไม่ได้เข้าร่วมโครงการ",
    "ควรกำหนดปฏิทินกิจกรรมร่วมกับกลุ่มอื่นเพื่อไม่ให้ซ้ำซ้อน",
    "-",
]
QUALITATIVE_RESULTS = [
    "ผู้รับบริการมีความพึงพอใจในระดับมาก (ค่าเฉลี่ย {score})",
    "ผลการสำรวจความพึงพอใจอยู่ในระดับมากที่สุด (ค่าเฉลี่ย {score})",
]
RETURN_REASONS = [
    "ผลการดำเนินงานกิจกรรมที่ 2 ยังไม่ระบุจำนวนผู้เข้าร่วม กรุณาระบุให้ชัดเจน",
    "งบประมาณที่ใช้ไม่ตรงกับข้อมูลการเบิกจ่ายของกลุ่มบริหารงานการเงินและสินทรัพย์ กรุณาตรวจสอบอีกครั้ง",
    "ผลตัวชี้วัดสูงกว่าข้อมูลจริงของสถานศึกษา กรุณาตรวจสอบและแนบหลักฐานประกอบ",
    "กรุณาแนบเอกสารหลักฐาน เช่น รายงานสรุปการอบรมและภาพถ่ายกิจกรรม",
]
FIX_NOTE = " (แก้ไขตามข้อเสนอแนะของกลุ่มนโยบายและแผนแล้ว)"


@dataclass
class Actors:
    planning: User
    director: User
    finance: User

    @classmethod
    def of(cls, office) -> "Actors":
        def first(role):
            return User.objects.filter(office=office, role_assignments__role=role).order_by("pk").first()

        return cls(first(Role.PLANNING), first(Role.DIRECTOR), first(Role.FINANCE))


def _at(day, rng) -> datetime:
    """A working-hours moment on ``day``, never after the seed's "now"."""
    moment = time(rng.randint(8, 16), rng.choice((0, 5, 12, 20, 30, 37, 45, 52)))
    return democlock.current().cap(datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE)))


def _later(when: datetime, rng, most: int = 3) -> datetime:
    day = when.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return _at(day + timedelta(days=rng.randint(1, most)), rng)


def _submit_time(quarter, late: bool, rng) -> datetime:
    today = democlock.current().today
    if quarter.window_closes() >= today:  # the live quarter: between its window's opening and a few days ago
        opens = quarter.window_opens()
        if late and today > quarter.due_date + timedelta(days=1):
            first, last = quarter.due_date + timedelta(days=1), today - timedelta(days=1)
        else:
            first, last = opens, max(opens, min(quarter.due_date, today - timedelta(days=3)))
        return _at(first + timedelta(days=rng.randint(0, (last - first).days)), rng)
    if late:
        last = min(quarter.due_date + timedelta(days=12), quarter.window_closes() - timedelta(days=8))
        return _at(quarter.due_date + timedelta(days=rng.randint(1, max(1, (last - quarter.due_date).days))), rng)
    first = max(quarter.window_opens(), quarter.due_date - timedelta(days=7))
    return _at(first + timedelta(days=rng.randint(0, (quarter.due_date - first).days)), rng)


def _stamp(report, when: datetime) -> None:
    """Date the form's latest history entry to when it happened in the story."""
    latest = ReportEvent.objects.filter(report_id=report.pk).order_by("-id").values("id")[:1]
    ReportEvent.objects.filter(pk__in=latest).update(at=when)


def _numbers(rng) -> dict:
    return {"people": rng.randrange(25, 160, 5), "schools": rng.randint(8, 38), "percent": rng.randint(70, 100),
            "score": f"{rng.uniform(4.1, 4.8):.2f}"}


def _to_tens(amount) -> Decimal:
    return Decimal(int(amount) // 10 * 10)


def _form(report, rng, *, complete: bool) -> tuple[dict, dict, dict]:
    """What the owner types: fields, activity lines and indicator results (partial unless ``complete``)."""
    number = report.quarter.number
    lines = list(report.activity_progress.select_related("activity"))
    planned = [line for line in lines if number in (line.activity.quarters or [])] or lines[:1]
    if not complete:
        planned = planned[:1]
    activities, spent = {}, Decimal("0")
    for line in planned:
        text = ACTIVITY_TEXT.get(line.activity.name, ACTIVITY_FALLBACK).format(**_numbers(rng))
        # An activity spends its budget over the quarters it is planned in, not all of it in each.
        in_quarters = Decimal(max(1, len(line.activity.quarters or []))) if number in (line.activity.quarters or []) \
            else None
        if complete and rng.random() < 0.6:
            activities[line.pk] = {"status": Status.DONE, "percent": 100, "description": text}
            share = Decimal(rng.randint(80, 100))
        else:
            percent = rng.choice((20, 30, 40, 50, 60, 75))
            activities[line.pk] = {"status": Status.IN_PROGRESS, "percent": percent,
                                   "description": f"ดำเนินการแล้วบางส่วน: {text}"}
            share = Decimal(percent)
        if in_quarters is not None:
            spent += line.activity.budget * share / 100 / in_quarters
    fields = {"spent_this_quarter": _to_tens(spent), "outputs": rng.choice(OUTPUTS).format(**_numbers(rng))}
    if not complete:
        if rng.random() < 0.5:
            fields.pop("spent_this_quarter")
        return fields, activities, {}
    fields.update(outcomes=rng.choice(OUTCOMES), problems=rng.choice(PROBLEMS), suggestions=rng.choice(SUGGESTIONS))
    results, through = {}, None
    for line in report.indicator_results.select_related("target__indicator"):
        indicator, target = line.target.indicator, line.target.target_value
        if indicator.is_qualitative:
            results[line.pk] = {"text": rng.choice(QUALITATIVE_RESULTS).format(**_numbers(rng))}
        elif target is None:
            results[line.pk] = {"value": Decimal(rng.randint(1, 50))}
        else:
            share = rng.uniform(0.15, 0.4) if indicator.is_cumulative else rng.uniform(0.7, 1.0)
            places = Decimal("0.01") if indicator.unit in ("ร้อยละ", "คะแนน") else Decimal("1")
            value = (target * Decimal(share)).quantize(places)
            if through is None:
                through = _through_a_finished_year(report)
            if through:
                value = _finished_year_result(report, indicator, target, places, through)
            results[line.pk] = {"value": value}
    return fields, activities, results


def _through_a_finished_year(report) -> Decimal:
    """How far through its fiscal year ``report``'s quarter is (1 for the last form) when the year is over (the
    demo's closed year); 0 in a year not over."""
    quarter = report.quarter
    year = quarter.fiscal_year
    if year.end >= democlock.current().today:
        return Decimal(0)
    forms = [n for n in range(1, 5) if year.needs_form(n)]
    return Decimal(forms.index(quarter.number) + 1) / len(forms)


# The most a result can be in these units.
TOPS = {"ร้อยละ": Decimal(100), "ระดับ": Decimal(5)}


def _finished_year_result(report, indicator, target: Decimal, places: Decimal, through: Decimal) -> Decimal:
    """A project's result in a form of the closed year. The last form's is its target or a little more, so that
    most indicators are met, or below it for those that fall short (projects_demo.FALLS_SHORT); earlier forms
    climb to it (a cumulative figure in proportion to the year gone by). The same every time the form is saved
    (a form returned and corrected keeps its result), and it takes nothing from the quarter's dice."""
    key = f"{report.quarter.fiscal_year.year}/{report.project.code}/{indicator.code}"
    rng = random.Random(key)
    if indicator.code in projects_demo.FALLS_SHORT:
        final = (target * Decimal(rng.uniform(0.78, 0.92))).quantize(places, rounding=ROUND_FLOOR)
        final = max(Decimal(0), min(final, target - places))
    else:
        final = (target * Decimal(rng.uniform(1.0, 1.12))).quantize(places, rounding=ROUND_CEILING)
        final = max(target, min(final, TOPS.get(indicator.unit, final)))
    if through >= 1:
        return final
    if indicator.is_cumulative:
        share = through * Decimal(random.Random(f"{key}/{report.quarter.number}").uniform(0.85, 1.0))
    else:
        share = Decimal("0.8") + Decimal("0.2") * through
    return (final * share).quantize(places, rounding=ROUND_FLOOR)


def _save(report, owner, rng, when, *, complete=True, note=""):
    fields, activities, results = _form(report, rng, complete=complete)
    if note:
        fields["outputs"] += note
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version, fields=fields,
                                activities=activities, results=results)
    _stamp(report, when)
    return report


def _play(project, quarter, state, late, rng, actors) -> QuarterlyReport:
    """Take one project's form through the workflow to ``state``, dating each step plausibly."""
    owner = project.owners.order_by("pk").first()
    report = workflow.get_or_create_report(project, quarter)
    submitted = _submit_time(quarter, late, rng)
    started = _at(max(submitted.date() - timedelta(days=rng.randint(1, 4)), quarter.window_opens()), rng)
    started = min(started, submitted - timedelta(minutes=30))
    dates = {"created_at": started}
    report = _save(report, owner, rng, started, complete=state != State.DRAFT)
    if state != State.DRAFT:
        report = _submit(report, owner, submitted)
        report = _review(report, owner, state, late, submitted, rng, actors, dates)
    QuarterlyReport.objects.filter(pk=report.pk).update(**dates)
    # Back-dating is demo staging, not a change anyone made: drop the trigger's record of it.
    ReportRevision.objects.filter(report_id=report.pk, old_version=F("new_version")).delete()
    return report


def _submit(report, owner, when: datetime) -> QuarterlyReport:
    when = democlock.current().cap(when)
    report = workflow.submit(report.pk, by=owner, expected_version=report.version, now=when)
    _stamp(report, when)
    return report


def _review(report, owner, state, late, when, rng, actors, dates) -> QuarterlyReport:
    """Planning and the director act on a submitted form until it reaches ``state``."""
    if state in (State.VERIFIED, State.APPROVED) and rng.random() < 0.3:
        when = _later(when, rng, 2)
        report = workflow.return_report(report.pk, by=actors.planning, expected_version=report.version,
                                        reason=rng.choice(RETURN_REASONS))
        _stamp(report, when)
        when = _later(when, rng, 1)
        report = _save(report, owner, rng, when, note=FIX_NOTE)
        report = _submit(report, owner, when + timedelta(minutes=rng.randint(20, 90)))
    if state == State.RETURNED and (not late or actors.director is None):
        when = _later(when, rng)
        report = workflow.return_report(report.pk, by=actors.planning, expected_version=report.version,
                                        reason=rng.choice(RETURN_REASONS))
        _stamp(report, when)
    elif state != State.SUBMITTED:
        when = _later(when, rng, 4)
        report = workflow.verify(report.pk, by=actors.planning, expected_version=report.version)
        _stamp(report, when)
        dates["verified_at"] = when
        if state == State.RETURNED:
            when = _later(when, rng)
            report = workflow.return_report(report.pk, by=actors.director, expected_version=report.version,
                                            reason=rng.choice(RETURN_REASONS))
            _stamp(report, when)
            del dates["verified_at"]
        elif state == State.APPROVED:
            when = _later(when, rng, 5)
            report = workflow.approve(report.pk, by=actors.director, expected_version=report.version)
            _stamp(report, when)
            dates["approved_at"] = when
    return report


def _disburse(report, quarter, rng, actors, *, closed: bool = False) -> None:
    """Finance enters the accounting system's figure, now and then not the owner's. In a closed year no
    project goes over its budget, and its last quarter with forms brings the year to 90–99 % of it."""
    spent = report.spent_this_quarter
    if spent is None:
        spent = _to_tens(sum(a.budget for a in report.project.activities.all()) * Decimal("0.3"))
    amount = spent
    if rng.random() < 0.25:
        amount = max(Decimal("0"), spent + rng.choice((-1, 1)) * Decimal(rng.choice((1500, 2400, 5000, 8750, 12000))))
    if closed:
        budget = report.project.total_budget
        so_far = sum(Disbursement.objects.filter(project=report.project).exclude(quarter=quarter)
                     .values_list("amount", flat=True), Decimal("0"))
        if not any(quarter.fiscal_year.needs_form(n) for n in range(quarter.number + 1, 5)):  # the last one
            amount = _to_tens(budget * Decimal(rng.randint(90, 99)) / 100) - so_far
        amount = max(Decimal("0"), min(amount, budget - so_far))
    last = ReportEvent.objects.filter(report_id=report.pk).order_by("-at").values_list("at", flat=True).first()
    workflow.record_disbursement(project=report.project, quarter=quarter, amount=amount, by=actors.finance)
    _stamp(report, _later(max(last, quarter.due_at() + timedelta(days=7)), rng, 8))


def seed(fy, *, closed: bool = False) -> Counter:
    """Replay the year's work up to the seed's "today" without e-mailing anyone about it.

    ``closed``: a finished year (every quarter's forms approved, a few late). Otherwise the live year: the
    quarters ended before the live quarter in every state, the live quarter in several states.
    """
    with outbox.muted():
        return _seed(fy, closed=closed)


def live_quarter(fy):
    """The latest quarter of ``fy`` whose window includes the seed's today (None if none does)."""
    today = democlock.current().today
    quarters = [q for q in fy.quarters.select_related("fiscal_year").order_by("number")
                if q.accepts_reports_on(today)]
    return quarters[-1] if quarters else None


@transaction.atomic
def _seed(fy, *, closed: bool) -> Counter:
    """Forms for ``fy``'s projects, quarter by quarter; a quarter that has forms already is left alone.

    Returns the count per state (MISSING for a project without a form) over the quarters written.
    """
    today = democlock.current().today
    actors = Actors.of(fy.office)
    projects = list(fy.projects.filter(owners__isnull=False).distinct().order_by("group__order", "code"))
    live = None if closed else live_quarter(fy)
    counts = Counter()
    for quarter in fy.quarters.select_related("fiscal_year").order_by("number"):
        if quarter.start_date > today or (live is not None and quarter.number > live.number):
            break
        if not quarter.needs_form:
            continue  # the year asks for no form in this quarter (FiscalYear.form_quarters)
        if not closed and quarter != live and quarter.window_closes() >= today:
            continue
        if QuarterlyReport.objects.filter(quarter=quarter).exists():
            continue
        rng = random.Random(fy.year * 10 + quarter.number)
        if closed:
            plan = [(State.APPROVED, rng.random() < 0.12) for _ in projects]
        elif quarter == live:
            may_be_late = today > quarter.due_date + timedelta(days=1)
            plan = [(state, may_be_late and state == State.SUBMITTED and n % 3 == 0)
                    for n, state in enumerate(LIVE_CYCLE * (len(projects) // len(LIVE_CYCLE) + 1))]
        else:
            plan = [(state, late) for state, late, count in Q1_PLAN for _ in range(count)]
            rng.shuffle(plan)
        if actors.director is None:  # an office without a director in the demo: forms stop at verified
            plan = [(State.VERIFIED if state == State.APPROVED else state, late) for state, late in plan]
        for project, (state, late) in zip(projects, plan):
            counts[state] += 1
            if state == MISSING:
                continue
            report = _play(project, quarter, state, late, rng, actors)
            if actors.finance and quarter != live and (state != State.DRAFT or rng.random() < 0.5):
                _disburse(report, quarter, rng, actors, closed=closed)
    return counts
