"""The evaluation's figures for a year: each project's computed figures (from its forms, disbursements and
indicator results), the raters' answers, the weighted score and level, and the roll-ups per group, per strategy
and for the whole plan. A fixed number of queries whatever the number of projects."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from projects.models import Activity, ActivityProgress, Disbursement, IndicatorResult, Project, ProjectIndicator
from projects.models import QuarterlyReport

from . import scoring
from .models import Answer, Criterion, Invitation

NOTHING = re.compile(r"^[\s\-–—.()]*(ไม่มี\S*)?[\s\-–—.()]*$")


def _says_something(text: str) -> bool:
    return bool(text and text.strip()) and not NOTHING.match(" ".join(text.split()))


@dataclass
class ProjectResult:
    project: Project
    criteria: list
    score: Decimal | None
    level: str
    invited: int = 0
    answered: int = 0
    problems: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)

    @property
    def level_th(self) -> str:
        return scoring.LEVEL_TH[self.level]

    def reasons(self) -> list[str]:
        """Why a project fell short: its weakest criteria, then what its forms said were the problems."""
        weak = sorted((c for c in self.criteria if c.percent is not None), key=lambda c: c.percent)[:2]
        lines = [f"{c.name}: {c.level_name or c.value} ({c.percent}%)" for c in weak]
        return lines + self.problems[:2]


def computed_figures(projects: list, fiscal_year, today: date) -> dict:
    """{project id: {source: percentage or None}} and {project id: (problems, suggestions)}."""
    ids = [p.pk for p in projects]
    figures = {p.pk: dict.fromkeys(Criterion.Source.values) for p in projects}
    # indicators: the share of numeric targets whose latest reported value reached them
    latest: dict = {}
    for row in (IndicatorResult.objects.filter(report__project_id__in=ids, report__first_submitted_at__isnull=False,
                                               value__isnull=False)
                .values("target_id", "report__quarter__number", "value")):
        if row["report__quarter__number"] >= latest.get(row["target_id"], (0, None))[0]:
            latest[row["target_id"]] = (row["report__quarter__number"], row["value"])
    counts = defaultdict(lambda: [0, 0])
    for target in ProjectIndicator.objects.filter(project_id__in=ids, target_value__isnull=False).values(
            "pk", "project_id", "target_value"):
        counts[target["project_id"]][1] += 1
        value = latest.get(target["pk"], (0, None))[1]
        if value is not None and value >= target["target_value"]:
            counts[target["project_id"]][0] += 1
    for pk, (met, total) in counts.items():
        figures[pk]["indicators"] = scoring.percent(met, total)
    # budget disbursed against allocated
    paid = dict(Disbursement.objects.filter(project_id__in=ids).values("project_id").annotate(total=Sum("amount"))
                .values_list("project_id", "total"))
    for project in projects:
        figures[project.pk]["budget"] = scoring.percent(paid.get(project.pk, 0), project.total_budget)
    # activities whose latest reported status is done
    progress: dict = {}
    for row in (ActivityProgress.objects.filter(report__project_id__in=ids, report__first_submitted_at__isnull=False)
                .values("activity_id", "report__quarter__number", "status")):
        if row["report__quarter__number"] >= progress.get(row["activity_id"], (0, ""))[0]:
            progress[row["activity_id"]] = (row["report__quarter__number"], row["status"])
    activities = defaultdict(lambda: [0, 0])
    for activity_id, project_id in Activity.objects.filter(project_id__in=ids).values_list("pk", "project_id"):
        activities[project_id][1] += 1
        if progress.get(activity_id, (0, ""))[1] == ActivityProgress.Status.DONE:
            activities[project_id][0] += 1
    for pk, (done, total) in activities.items():
        figures[pk]["activities"] = scoring.percent(done, total)
    # forms sent on time, of the quarters already due
    due = list(fiscal_year.quarters.filter(due_date__lt=today).values_list("pk", flat=True))
    on_time = dict(QuarterlyReport.objects.filter(project_id__in=ids, quarter_id__in=due,
                                                  timeliness=QuarterlyReport.Timeliness.ON_TIME)
                   .values("project_id").annotate(n=Count("pk")).values_list("project_id", "n"))
    for project in projects:
        figures[project.pk]["on_time"] = scoring.percent(on_time.get(project.pk, 0), len(due))
    texts = defaultdict(lambda: ([], []))
    for row in (QuarterlyReport.objects.filter(project_id__in=ids, first_submitted_at__isnull=False)
                .order_by("quarter__number").values("project_id", "problems", "suggestions")):
        problems, suggestions = texts[row["project_id"]]
        for kind, target in (("problems", problems), ("suggestions", suggestions)):
            text = " ".join((row[kind] or "").split())
            if _says_something(text) and text not in target:
                target.append(text)
    return figures, texts


def project_results(form, projects, *, today: date | None = None) -> list[ProjectResult]:
    """Each project's result on ``form`` (the year's current version)."""
    today = today or timezone.localdate()
    projects = list(projects.select_related("group").order_by("group__order", "group__code", "code"))
    criteria = list(form.criteria.all()) if form else []
    figures, texts = computed_figures(projects, form.fiscal_year, today) if form else ({}, {})
    by_code = {c.code: c for c in criteria}
    rates = defaultdict(list)  # (project id, code) → rates
    comments = defaultdict(list)
    for row in (Answer.objects.filter(invitation__evaluation__project__in=[p.pk for p in projects])
                .values("invitation__evaluation__project_id", "criterion__code", "rate", "comment")):
        key = (row["invitation__evaluation__project_id"], row["criterion__code"])
        if row["criterion__code"] in by_code:
            rates[key].append(row["rate"])
            if row["comment"].strip():
                comments[key].append(row["comment"].strip())
    counts = {row["evaluation__project_id"]: row for row in Invitation.objects.filter(
        evaluation__project__in=[p.pk for p in projects]).values("evaluation__project_id").annotate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))}
    out = []
    for project in projects:
        scores = []
        for c in criteria:
            names = c.level_names
            if c.kind == Criterion.Kind.COMPUTED:
                scores.append(scoring.computed(c.code, c.name, c.weight, c.scale_max,
                                               figures[project.pk].get(c.source), c.thresholds, names))
            else:
                key = (project.pk, c.code)
                scores.append(scoring.rated(c.code, c.name, c.weight, c.scale_max, rates[key], comments[key], names))
        score = scoring.weighted_score(scores)
        row = counts.get(project.pk, {})
        problems, suggestions = texts.get(project.pk, ([], []))
        out.append(ProjectResult(project, scores, score, scoring.level(
            score, achieved_from=form.achieved_from, partly_from=form.partly_from),
            invited=row.get("invited", 0), answered=row.get("answered", 0),
            problems=problems, suggestions=suggestions))
    return out


def rollups(fiscal_year, results: list[ProjectResult]) -> dict:
    """Roll-ups per group, per strategy (a project under several counts in each) and for the whole plan."""
    from plans.models import PlanItem

    groups, strategies, plan = {}, {}, scoring.Rollup("ทั้งแผน")
    links = defaultdict(list)
    for project_id, item_id in Project.strategies.through.objects.filter(
            project_id__in=[r.project.pk for r in results]).values_list("project_id", "planitem_id"):
        links[project_id].append(item_id)
    items = {i.pk: i for i in PlanItem.objects.filter(fiscal_year=fiscal_year).order_by("kind", "order", "code")}
    for result in results:
        plan.add(result.score, result.level)
        group = result.project.group
        groups.setdefault(group.pk, scoring.Rollup(group.name)).add(result.score, result.level)
        for item_id in links.get(result.project.pk, []):
            item = items.get(item_id)
            if item is not None:
                strategies.setdefault(item_id, scoring.Rollup(f"{item.code} {item.name}")).add(result.score,
                                                                                             result.level)
    ordered = [strategies[pk] for pk in items if pk in strategies]
    return {"groups": list(groups.values()), "strategies": ordered, "plan": plan}


def _num(value) -> str | None:
    return None if value is None else str(value)


def rollup_row(rollup: scoring.Rollup, form) -> dict:
    return {"label": rollup.label, "projects": rollup.projects, "mean": _num(rollup.mean),
            "level": rollup.level(achieved_from=form.achieved_from, partly_from=form.partly_from),
            "levels": dict(rollup.levels)}


def snapshot(form, results: list[ProjectResult], tables: dict, lessons) -> dict:
    """The approved summary's frozen figures, as JSON (labels in Thai)."""
    def rollup(r):
        return rollup_row(r, form)

    return {
        "version": 1, "fiscal_year": form.fiscal_year.year, "form_version": form.version, "title": form.title,
        "achieved_from": form.achieved_from, "partly_from": form.partly_from,
        "criteria": [{"code": c.code, "name": c.name, "kind": c.kind, "weight": c.weight, "scale_max": c.scale_max}
                     for c in form.criteria.all()],
        "projects": [{
            "code": r.project.code, "name": r.project.name, "group": r.project.group.name,
            "score": _num(r.score), "level": r.level, "invited": r.invited, "answered": r.answered,
            "criteria": [{"code": c.code, "figure": _num(c.figure), "value": _num(c.value), "raters": c.raters,
                          "percent": _num(c.percent), "level_name": c.level_name} for c in r.criteria],
            "reasons": r.reasons() if r.level == scoring.NOT_ACHIEVED else [],
        } for r in results],
        "not_achieved": [r.project.code for r in results if r.level == scoring.NOT_ACHIEVED],
        "groups": [rollup(r) for r in tables["groups"]],
        "strategies": [rollup(r) for r in tables["strategies"]],
        "plan": rollup(tables["plan"]),
        "lessons": [{"strategy": f"{lesson.plan_item.code} {lesson.plan_item.name}" if lesson.plan_item else "",
                     "text": lesson.text} for lesson in lessons],
    }
