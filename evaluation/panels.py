"""The lessons of the year before, on the next year's plan page (registered with projects.plan in ready())."""

from accounts.permissions import reads_final_work_only

from . import workflow
from .models import Lesson, Summary


def lessons_panel(request, fy):
    lessons = (Lesson.objects.visible_to(request.user)
               .filter(fiscal_year__office_id=fy.office_id, fiscal_year__year=fy.year - 1)
               .select_related("plan_item", "taken_up_by", "fiscal_year"))
    if reads_final_work_only(request.user):  # committee members: only what the director approved
        lessons = lessons.filter(fiscal_year__evaluation_summary__state=Summary.State.APPROVED)
    lessons = list(lessons)
    if not lessons:
        return None
    may_mark = workflow.runs(request.user, fy.office_id)
    projects = []
    if may_mark:
        from projects.models import Project

        projects = list(Project.objects.filter(fiscal_year=fy).order_by("code").only("pk", "code", "name"))
    return {"template": "evaluation/_plan_lessons.html", "lessons": lessons, "may_mark": may_mark,
            "projects": projects, "year": fy.year - 1}
