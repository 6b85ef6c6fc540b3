"""The evaluation's writes: the form (build, copy from the previous year, new version once locked, criteria),
invitations, answers and lessons. Each checks who acts and refuses with a WorkflowError the view shows."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import FiscalYear
from reminders import outbox
from reminders.models import Message
from reviews.machine import BadInput, NotAllowed, WorkflowError

from . import links, results, workflow
from .models import (Answer, Criterion, Evaluation, EvaluationForm, Invitation, Lesson, default_level_names,
                     default_thresholds, new_nonce)

STANDARD = [
    ("C1", "ตัวชี้วัดของโครงการบรรลุค่าเป้าหมาย", Criterion.Kind.COMPUTED, Criterion.Source.INDICATORS, 3),
    ("C2", "การเบิกจ่ายงบประมาณเทียบกับที่ได้รับจัดสรร", Criterion.Kind.COMPUTED, Criterion.Source.BUDGET, 2),
    ("C3", "กิจกรรมที่ดำเนินการแล้วเสร็จ", Criterion.Kind.COMPUTED, Criterion.Source.ACTIVITIES, 2),
    ("C4", "การส่งแบบติดตามความก้าวหน้าตรงเวลา", Criterion.Kind.COMPUTED, Criterion.Source.ON_TIME, 1),
    ("R1", "ผลการดำเนินงานบรรลุวัตถุประสงค์ของโครงการ", Criterion.Kind.RATED, "", 3),
    ("R2", "ประโยชน์ที่เกิดกับสถานศึกษาและผู้เรียน", Criterion.Kind.RATED, "", 3),
    ("R3", "ความร่วมมือของผู้เกี่ยวข้อง", Criterion.Kind.RATED, "", 1),
    ("R4", "ความยั่งยืนของผลการดำเนินงาน", Criterion.Kind.RATED, "", 1),
]


def current_form(fiscal_year) -> EvaluationForm | None:
    return fiscal_year.evaluation_forms.order_by("-version").first()


def default_deadline(fiscal_year):
    """The form asks for answers until the end of November after the year closes (ต.ค.–พ.ย.)."""
    return fiscal_year.end + timedelta(days=61)


def _must_run(by, fiscal_year):
    if not workflow.runs(by, fiscal_year.office_id):
        raise NotAllowed(_("The planning group builds the evaluation and invites the evaluators."))


def _must_be_open(form):
    if form.locked:
        raise WorkflowError(_("The form is locked: answers have arrived. Make a new version to change it."))


@transaction.atomic
def create_form(fiscal_year, *, by, title: str = "", deadline=None, standard: bool = True) -> EvaluationForm:
    _must_run(by, fiscal_year)
    if current_form(fiscal_year) is not None:
        raise WorkflowError(_("This year already has an evaluation form."))
    form = EvaluationForm.objects.create(
        fiscal_year=fiscal_year, title=title.strip() or f"แบบประเมินแผนปฏิบัติการประจำปี พ.ศ. {fiscal_year.year}",
        deadline=deadline or default_deadline(fiscal_year), created_by=by)
    if standard:
        Criterion.objects.bulk_create([
            Criterion(form=form, order=n, code=code, name=name, kind=kind, source=source, weight=weight, scale_max=5,
                      level_names=default_level_names(5),
                      thresholds=default_thresholds(5) if kind == Criterion.Kind.COMPUTED else [])
            for n, (code, name, kind, source, weight) in enumerate(STANDARD, start=1)])
    return form


def _copy_criteria(source, target) -> None:
    Criterion.objects.bulk_create([
        Criterion(form=target, order=c.order, code=c.code, name=c.name, kind=c.kind, source=c.source, weight=c.weight,
                  scale_max=c.scale_max, level_names=list(c.level_names), thresholds=list(c.thresholds))
        for c in source.criteria.all()])


@transaction.atomic
def copy_form(fiscal_year, *, by, source_year: int) -> EvaluationForm:
    """The year's form copied from another year's current version (criteria, weights, scales, thresholds)."""
    _must_run(by, fiscal_year)
    if current_form(fiscal_year) is not None:
        raise WorkflowError(_("This year already has an evaluation form."))
    source_fy = FiscalYear.objects.filter(office_id=fiscal_year.office_id, year=source_year).first()
    source = current_form(source_fy) if source_fy else None
    if source is None:
        raise WorkflowError(_("That year has no evaluation form to copy."))
    form = EvaluationForm.objects.create(
        fiscal_year=fiscal_year, title=source.title.replace(str(source_year), str(fiscal_year.year)),
        deadline=default_deadline(fiscal_year), achieved_from=source.achieved_from, partly_from=source.partly_from,
        created_by=by)
    _copy_criteria(source, form)
    return form


@transaction.atomic
def new_version(form, *, by) -> EvaluationForm:
    """A locked form is changed through a new version; answers already given keep theirs."""
    _must_run(by, form.fiscal_year)
    form = EvaluationForm.objects.select_for_update().get(pk=form.pk)
    if not form.locked:
        raise WorkflowError(_("The form is not locked yet: change it as it is."))
    if current_form(form.fiscal_year).pk != form.pk:
        raise WorkflowError(_("A newer version of the form exists already."))
    new = EvaluationForm.objects.create(
        fiscal_year=form.fiscal_year, version=form.version + 1, title=form.title, deadline=form.deadline,
        achieved_from=form.achieved_from, partly_from=form.partly_from, created_by=by)
    _copy_criteria(form, new)
    return new


def update_form(form, *, by, cleaned: dict) -> EvaluationForm:
    """Title, deadline and the levels' scores; once locked only the deadline may move."""
    _must_run(by, form.fiscal_year)
    fields = ["deadline"] if form.locked else ["title", "deadline", "achieved_from", "partly_from"]
    for name in fields:
        setattr(form, name, cleaned[name])
    try:
        form.full_clean()
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from None
    form.save(update_fields=fields)
    return form


def add_criterion(form, *, by, criterion: Criterion) -> Criterion:
    _must_run(by, form.fiscal_year)
    _must_be_open(form)
    criterion.form = form
    if not criterion.order:
        criterion.order = form.criteria.count() + 1
    try:
        criterion.full_clean()
        with transaction.atomic():
            criterion.save()
    except ValidationError as error:
        raise BadInput(" ".join(error.messages)) from None
    except IntegrityError:
        raise BadInput(_("Another criterion of the form has this code.")) from None
    return criterion


def remove_criterion(form, *, by, criterion_id: int) -> None:
    _must_run(by, form.fiscal_year)
    _must_be_open(form)
    form.criteria.filter(pk=criterion_id).delete()


# --- invitations and answers ------------------------------------------------------------------------------


@transaction.atomic
def invite(project, *, by, user=None, name: str = "", email: str = "", role_text: str = "") -> Invitation:
    _must_run(by, project.fiscal_year)
    if current_form(project.fiscal_year) is None:
        raise WorkflowError(_("Build the evaluation form before inviting evaluators."))
    evaluation, _created = Evaluation.objects.get_or_create(project=project, defaults={"created_by": by})
    if user is not None:
        if user.office_id != project.office_id or not user.is_active:
            raise BadInput(_("Choose a person of this office."))
        if evaluation.invitations.filter(user=user).exists():
            raise WorkflowError(_("%(name)s is invited already.") % {"name": user.full_name})
        return Invitation.objects.create(evaluation=evaluation, user=user, name=user.full_name, email=user.email,
                                         created_by=by)
    if not name.strip():
        raise BadInput(_("Give the evaluator's name."))
    return Invitation.objects.create(evaluation=evaluation, name=name.strip(), email=email.strip(),
                                     role_text=role_text.strip(), created_by=by)


def withdraw(invitation, *, by) -> None:
    """Remove an invitation nobody answered, or make an outside evaluator's old link invalid (new link)."""
    _must_run(by, invitation.evaluation.project.fiscal_year)
    if invitation.answered_at is None:
        invitation.delete()
        return
    raise WorkflowError(_("This evaluator has answered; the answer stays."))


def renew_link(invitation, *, by) -> Invitation:
    _must_run(by, invitation.evaluation.project.fiscal_year)
    invitation.nonce = new_nonce()
    invitation.save(update_fields=["nonce"])
    return invitation


def send_link(invitation, *, by):
    """E-mail an outside evaluator their signed link now: once per link (nonce); a new link may be sent again.
    Returns the message, or None when this link was sent already."""
    project = invitation.evaluation.project
    _must_run(by, project.fiscal_year)
    if not invitation.is_outside:
        raise WorkflowError(_("Evaluators with an account answer in Tidtam; they are reminded by e-mail."))
    if not invitation.email:
        raise BadInput(_("This evaluator has no e-mail address: print the link or show its QR code."))
    form = current_form(project.fiscal_year)
    if form is None:
        raise WorkflowError(_("Build the evaluation form before inviting evaluators."))
    return outbox.enqueue(
        key=f"evaluation-link:{invitation.pk}:{invitation.nonce}", kind=Message.Kind.INVITATION, recipient=None,
        office=project.office, template="evaluation_link", to_email=invitation.email, to_name=invitation.name,
        context={"project": project, "office": project.office, "deadline": form.deadline,
                 "link": outbox.site_url(links.path_for(invitation))})


def rated_criteria(form) -> list[Criterion]:
    return [c for c in form.criteria.all() if c.is_rated]


def accepts_answers(form, today) -> bool:
    return today <= form.deadline


@transaction.atomic
def answer(invitation_id: int, *, data, now=None) -> Invitation:
    """Save an evaluator's rates and comments (every rated criterion, within its scale), all or nothing. The first
    answer locks the form; answering again before the deadline replaces the earlier answer."""
    now = now or timezone.now()
    invitation = (Invitation.objects.select_for_update()
                  .select_related("evaluation__project__fiscal_year").get(pk=invitation_id))
    form = current_form(invitation.evaluation.project.fiscal_year)
    if form is None:
        raise WorkflowError(_("The evaluation form is not ready yet."))
    if not accepts_answers(form, timezone.localtime(now).date()):
        raise NotAllowed(_("The evaluation closed on its deadline; answers can no longer be given or changed."))
    rows = []
    for criterion in rated_criteria(form):
        raw = str(data.get(f"rate-{criterion.pk}", "")).strip()
        if not raw.isdecimal() or not 1 <= int(raw) <= criterion.scale_max:
            raise BadInput(_("Rate every criterion from 1 to %(top)s. Nothing was saved.")
                           % {"top": criterion.scale_max})
        comment = str(data.get(f"comment-{criterion.pk}", "")).strip()[:2000]
        rows.append(Answer(invitation=invitation, criterion=criterion, rate=int(raw), comment=comment))
    if not rows:
        raise WorkflowError(_("The form has no criterion to rate."))
    if not form.locked:
        EvaluationForm.objects.filter(pk=form.pk, locked_at__isnull=True).update(locked_at=now)
    invitation.answers.all().delete()
    Answer.objects.bulk_create(rows)
    invitation.answered_at, invitation.form = invitation.answered_at or now, form
    invitation.save(update_fields=["answered_at", "form"])
    return invitation


# --- lessons ------------------------------------------------------------------------------------------------


def add_lesson(fiscal_year, *, by, text: str, plan_item=None) -> Lesson:
    _must_run(by, fiscal_year)
    if not text.strip():
        raise BadInput(_("Write the lesson."))
    if plan_item is not None and plan_item.fiscal_year_id != fiscal_year.pk:
        raise BadInput(_("Choose a strategy of this year's plan."))
    return Lesson.objects.create(fiscal_year=fiscal_year, plan_item=plan_item, text=text.strip(), created_by=by)


def remove_lesson(lesson, *, by) -> None:
    _must_run(by, lesson.fiscal_year)
    summary = getattr(lesson.fiscal_year, "evaluation_summary", None)
    if summary is not None and summary.state == summary.State.APPROVED:
        raise WorkflowError(_("The summary is approved: its lessons stay as they are."))
    lesson.delete()


def take_up(lesson, *, by, project) -> Lesson:
    """Mark a lesson as taken up by a project of the next year (None: not taken up after all)."""
    _must_run(by, lesson.fiscal_year)
    if project is not None and (project.office_id != lesson.office_id
                                or project.fiscal_year.year != lesson.fiscal_year.year + 1):
        raise BadInput(_("Choose a project of the next year's plan."))
    lesson.taken_up_by, lesson.taken_up_at = project, (timezone.now() if project else None)
    lesson.save(update_fields=["taken_up_by", "taken_up_at"])
    return lesson


# --- the summary's figures ------------------------------------------------------------------------------------


def year_results(fiscal_year, *, projects=None, today=None):
    """(form, each project's result, the roll-ups) of the year; form None when there is none yet."""
    from projects.models import Project

    form = current_form(fiscal_year)
    if form is None:
        return None, [], None
    if projects is None:
        projects = Project.objects.all()
    projects = projects.filter(fiscal_year=fiscal_year).exclude(status=Project.Status.CANCELLED)
    found = results.project_results(form, projects, today=today)
    return form, found, results.rollups(fiscal_year, found)


def build_snapshot(fiscal_year, *, today=None) -> dict:
    form, found, tables = year_results(fiscal_year, today=today)
    lessons = Lesson.objects.filter(fiscal_year=fiscal_year).select_related("plan_item")
    return results.snapshot(form, found, tables, lessons)
