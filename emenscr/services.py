"""The eMENSCR writes: a project's national-system data, marking projects keyed, a stage's table."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from reviews import engine
from reviews.machine import BadInput, ConflictError, WorkflowError, parse_version

from .fields import Book, State
from .models import ActivityPlan, Entry, EntryEvent, Window
from .stages import ensure_stages
from .workflow import may_mark


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


def mark_keyed(*, user, fiscal_year, stage_code: str, round_: int, projects, reference: str, note: str = "",
               confirm_missing: bool = False, versions: dict | None = None, now=None) -> list:
    """Record ``projects`` (visible to ``user``) keyed for the stage and round, with one reference: the "key" move
    of each project's entry (made first, not keyed, when the project has none for the round).

    ``versions`` ({project id: version of its entry for the round the page showed, 0 for none}) is the engine's
    stale-page check; without it the current versions are taken (commands, demo). A project that is not ready
    needs ``confirm_missing``; the missing fields are recorded with the entry and its event. All or nothing: one
    refused project refuses the whole selection."""
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
        dated = now is not None  # the demo keys in the past: its events say when, as the entries do
        now = now or timezone.now()
        entries = []
        for status in statuses:
            own = status.own_entry
            expected = (versions or {}).get(status.project.pk, own.version if own else 0)
            if own is None:
                if parse_version(expected) != 0:
                    raise ConflictError(STALE)
                own = Entry.objects.create(project=status.project, stage=stage, round=round_)
                expected = own.version
            elif parse_version(expected) == 0:
                raise ConflictError(STALE)
            entry = engine.move(Entry, own.pk, "key", by=user, expected_version=expected, now=now, values={
                "reference": reference, "note": note.strip(),
                "missing_confirmed": [str(f.label) for f in status.missing]})
            entry.snapshot = status.values
            entry.save(update_fields=["snapshot"])
            if dated:
                EntryEvent.objects.filter(pk=entry.last_event.pk).update(at=now)
            entries.append(entry)
    return entries


STALE = gettext_lazy("Someone else changed this while you had it open. Nothing was saved; reload the page to see "
                     "their changes.")


def move_entry(entry_id: int, name: str, *, by, expected_version, reason: str = "", reference: str | None = None,
               note: str | None = None):
    """Correct an entry's reference or note, or take its mark back ("correct", "unkey"), with a reason."""
    if name not in ("correct", "unkey"):
        raise BadInput(_("Unknown action."))
    values = {}
    if name == "correct":
        reference = (reference or "").strip()
        if not reference:
            raise WorkflowError(_("Give the eMENSCR reference or screen number."))
        values = {"reference": reference, "note": (note or "").strip()}
    return engine.move(Entry, entry_id, name, by=by, expected_version=expected_version, reason=reason,
                       values=values)


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
