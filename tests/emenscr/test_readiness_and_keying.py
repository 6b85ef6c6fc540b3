"""Readiness per stage, marking keyed (with a confirmation when not ready), and "needs update"."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from emenscr.fields import Book, State
from emenscr.models import ActivityPlan, Entry, ProjectData
from emenscr.stages import ensure_stages, stages_for
from projects.models import Project

from ..conftest import make_project


def status(project, code, round_=1):
    stage = next(s for s in stages_for(project.fiscal_year) if s.code == code)
    book = Book(project.fiscal_year, Project.objects.filter(pk=project.pk))
    return book.status(book.projects[0], stage, round_)


@pytest.mark.django_db
def test_a_complete_project_is_ready_for_every_project_data_stage(project):
    for code in ("M1", "M2", "M3", "M4", "M5", "M6"):
        assert status(project, code).state == State.READY, (code, [f.key for f in status(project, code).missing])


@pytest.mark.django_db
def test_missing_fields_are_named_per_stage(fy, promo_group, owner, starter):
    bare = make_project(fy, promo_group, "P09", owners=[owner])
    m1 = status(bare, "M1")
    assert m1.state == State.NOT_READY
    assert {f.key for f in m1.missing} >= {"kind", "novelty", "area", "period"}
    assert {f.key for f in status(bare, "M2").missing} >= {"strategy", "sub_plan", "sdg"}
    assert status(bare, "M4").missing[0].key == "monthly_plan"


@pytest.mark.django_db
def test_a_monthly_plan_that_does_not_add_up_is_not_ready(project):
    plan = ActivityPlan.objects.get(activity__project=project)
    plan.months = ["1"] + ["0"] * 11
    plan.save()
    assert status(project, "M4").state == State.NOT_READY


@pytest.mark.django_db
def test_outside_the_scope_are_projects_of_other_sources_without_obec_money(fy, promo_group):
    other = Project.objects.create(fiscal_year=fy, group=promo_group, code="X1", name="x", source="agency")
    assert Book(fy, Project.objects.all()).projects == []
    other.budget_obec = Decimal("1")
    other.save()
    assert [p.pk for p in Book(fy, Project.objects.all()).projects] == [other.pk]


@pytest.mark.django_db
def test_marking_keyed_then_changing_the_budget_needs_update(client, project, planning):
    client.force_login(planning)
    response = client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M3", "round": 1, "project": [project.pk],
        f"version-{project.pk}": 0,
                                                     "reference": "EM-0001", "note": "หน้าจอ 3"})
    assert response.status_code == 302
    entry = Entry.objects.get(project=project, stage__code="M3")
    assert (entry.reference, entry.keyed_by, entry.missing_confirmed) == ("EM-0001", planning, [])
    assert status(project, "M3").state == State.KEYED
    assert status(project, "M3", 2).state == State.KEYED  # project data keyed once stays keyed in later rounds
    project.budget_obec += Decimal("5000")
    project.save()
    after = status(project, "M3")
    assert after.state == State.NEEDS_UPDATE
    assert [(f.key, old, new) for f, old, new in after.changes] == [("budget", "100,000.50", "105,000.50")]
    page = client.get(reverse("emenscr:board"), {"fy": 2569, "stage": "M3"}).content.decode()
    assert "ต้องปรับปรุง" in page and "EM-0001" in page


@pytest.mark.django_db
def test_marking_a_project_that_is_not_ready_asks_and_records_the_confirmation(client, project, planning):
    ProjectData.objects.filter(project=project).update(province="")
    client.force_login(planning)
    data = {"fy": 2569, "stage": "M1", "round": 1, "project": [project.pk],
        f"version-{project.pk}": 0, "reference": "EM-2"}
    response = client.post(reverse("emenscr:mark"), data)
    assert response.status_code == 409
    assert "พื้นที่ดำเนินการ" in response.content.decode() and not Entry.objects.exists()
    response = client.post(reverse("emenscr:mark"), {**data, "confirm_missing": "on"})
    assert response.status_code == 302
    assert Entry.objects.get().missing_confirmed == ["พื้นที่ดำเนินการ (จังหวัด / อำเภอ)"]


@pytest.mark.django_db
def test_marking_without_a_reference_or_projects_is_refused_in_thai(client, project, planning):
    client.force_login(planning)
    response = client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M1", "round": 1, "project": [project.pk],
        f"version-{project.pk}": 0,
                                                     "reference": " "})
    assert response.status_code == 400 and "เลขอ้างอิง" in response.content.decode()
    response = client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M1", "round": 1, "reference": "x"})
    assert response.status_code == 400 and not Entry.objects.exists()


@pytest.mark.django_db
def test_owners_mark_only_when_the_stage_allows(client, project, owner, fy):
    client.force_login(owner)
    data = {"fy": 2569, "stage": "M1", "round": 1, "project": [project.pk],
        f"version-{project.pk}": 0, "reference": "EM-3"}
    assert client.post(reverse("emenscr:mark"), data).status_code == 403
    stage = next(s for s in ensure_stages(fy) if s.code == "M1")
    stage.owners_may_mark = True
    stage.save()
    assert client.post(reverse("emenscr:mark"), data).status_code == 302


@pytest.mark.django_db
def test_saving_the_tab_checks_the_monthly_plan_against_the_activity_budget(client, project, owner):
    client.force_login(owner)
    activity = project.activities.get()
    page = client.get(reverse("emenscr:project_edit", args=[project.pk]))
    form = page.context["form"]
    data = {name: (value.pk if hasattr(value, "pk") else (value or "")) for name, value in form.initial.items()
            if name in form.fields}
    data["budget_category"] = "investment"
    data.update({f"a{activity.pk}-m{m}": "1000" for m in range(12)})
    response = client.post(reverse("emenscr:project_edit", args=[project.pk]), data)
    assert response.status_code == 400 and "ไม่เท่ากับงบประมาณของกิจกรรม" in response.content.decode()
    assert Project.objects.get(pk=project.pk).budget_category == "operating"  # nothing saved
    data.update({f"a{activity.pk}-m{m}": "" for m in range(12)})
    data[f"a{activity.pk}-m3"] = "50000"
    assert client.post(reverse("emenscr:project_edit", args=[project.pk]), data).status_code == 302
    assert ActivityPlan.objects.get(activity=activity).amounts[3] == Decimal("50000")
    assert Project.objects.get(pk=project.pk).budget_category == "investment"


@pytest.mark.django_db
def test_default_windows_follow_the_manual(fy):
    windows = {s.code: [(w.round, w.opens, w.closes) for w in s.window_list] for s in stages_for(fy)}
    assert windows["M1"] == [(1, date(2025, 10, 1), date(2025, 12, 20)), (2, date(2026, 1, 1), date(2026, 1, 20)),
                             (3, date(2026, 4, 1), date(2026, 4, 20)), (4, date(2026, 7, 1), date(2026, 7, 20))]
    assert windows["M7"][0] == (1, date(2026, 1, 1), date(2026, 1, 20))
    assert windows["M7"][3] == (4, date(2026, 10, 1), date(2026, 10, 20))
    assert not fy.emenscr_stages.exists()  # reading never writes
