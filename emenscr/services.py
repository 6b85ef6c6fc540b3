"""The eMENSCR writes: a project's national-system data, marking projects keyed, a stage's table."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import PLANNERS, acts_for
from projects.models import Project

from .fields import Book, State
from .models import ActivityPlan, Entry, Window
from .stages import ensure_stages


class EmenscrError(Exception):
    pass


@transaction.atomic
def save_project_data(*, project, data_form, months_form):
    data = data_form.save(commit=False)
    data.project = project
    data.save()
    category = data_form.cleaned_data.get("budget_category", "")
    if project.budget_category != category:
        project.budget_category = category
        project.save(update_fields=["budget_category", "updated_at"])
    for activity in months_form.activities:
        months = months_form.plans.get(activity.pk)
        if months is None:
            ActivityPlan.objects.filter(activity=activity).delete()
        else:
            ActivityPlan.objects.update_or_create(activity=activity, defaults={"months": months})
    return data


def may_mark(user, project, stage) -> bool:
    """Planning staff of the project's office; its owners too when the stage allows it."""
    if acts_for(user, project.office_id, *PLANNERS):
        return True
    return (stage.owners_may_mark and acts_for(user, project.office_id)
            and not user.is_read_only and project.owners.filter(pk=user.pk).exists())


def mark_keyed(*, user, fiscal_year, stage_code: str, round_: int, projects, reference: str, note: str = "",
               confirm_missing: bool = False) -> list:
    """Record ``projects`` (visible to ``user``) keyed for the stage and round, with one reference.

    A project that is not ready needs ``confirm_missing``; the missing fields are recorded with the entry.
    All or nothing: one refused project refuses the whole selection."""
    reference = reference.strip()
    if not reference:
        raise EmenscrError(_("Give the eMENSCR reference or screen number."))
    with transaction.atomic():
        stages = {s.code: s for s in ensure_stages(fiscal_year)}
        stage = stages.get(stage_code)
        if stage is None:
            raise EmenscrError(_("Unknown stage."))
        if round_ not in {w.round for w in stage.window_list}:
            raise EmenscrError(_("Unknown round of this stage."))
        book = Book(fiscal_year, Project.objects.filter(pk__in=[p.pk for p in projects]))
        if len(book.projects) != len(projects):
            raise EmenscrError(_("Some of the projects chosen are not in the national system's scope."))
        statuses = [book.status(p, stage, round_) for p in book.projects]
        refused = [s.project.code for s in statuses if not may_mark(user, s.project, stage)]
        if refused:
            raise PermissionError(", ".join(refused))
        unconfirmed = [s for s in statuses if s.state == State.NOT_READY and not confirm_missing]
        if unconfirmed:
            raise NotReady(unconfirmed)
        now = timezone.now()
        entries = []
        for status in statuses:
            entry, _created = Entry.objects.update_or_create(
                project=status.project, stage=stage, round=round_,
                defaults={"keyed_by": user, "keyed_at": now, "reference": reference, "note": note.strip(),
                          "snapshot": status.values,
                          "missing_confirmed": [str(f.label) for f in status.missing]})
            entries.append(entry)
    return entries


class NotReady(EmenscrError):
    def __init__(self, statuses):
        super().__init__(_("Some projects are not ready; confirm to mark them keyed anyway."))
        self.statuses = statuses


@transaction.atomic
def save_stage(*, fiscal_year, code: str, form):
    stage = next(s for s in ensure_stages(fiscal_year) if s.code == code)
    stage.name = form.cleaned_data["name"]
    stage.fields = form.cleaned_data["fields_needed"]
    stage.progress_needs = form.cleaned_data["progress_needs"] or stage.progress_needs
    stage.owners_may_mark = form.cleaned_data["owners_may_mark"]
    stage.save()
    for window in form.new_windows():
        Window.objects.filter(stage=stage, round=window.round).update(opens=window.opens, closes=window.closes)
    return stage
