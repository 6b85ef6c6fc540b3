from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Activity, Project, ProjectIndicator

from .conftest import make_project

# role fixture → (sees own_project, sees group_project, sees other_group_project, edits own, edits group, edits other)
MATRIX = {
    "owner": (True, True, False, True, False, False),
    "other_owner": (False, False, True, False, False, True),
    "group_head": (True, True, False, True, True, False),
    "planning": (True, True, True, True, True, True),
    "director": (True, True, True, True, True, True),
    "finance": (True, True, True, False, False, False),
    "committee": (True, True, True, False, False, False),
    "other_office_planning": (False, False, False, False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_for_project_pages(client, request, role, own_project, group_project, other_group_project):
    user = request.getfixturevalue(role)
    client.force_login(user)
    projects = (own_project, group_project, other_group_project)
    sees, edits = MATRIX[role][:3], MATRIX[role][3:]
    for project, can_see, can_edit in zip(projects, sees, edits):
        detail = client.get(reverse("projects:detail", args=[project.pk]))
        assert detail.status_code == (200 if can_see else 404), (role, project.code)
        edit = client.get(reverse("projects:edit", args=[project.pk]))
        expected = 200 if can_edit else (403 if can_see else 404)
        assert edit.status_code == expected, (role, project.code, "edit")
    listed = client.get(reverse("projects:list"), {"fy": 2569}).content.decode()
    for project, can_see in zip(projects, sees):
        assert (project.name in listed) == can_see, (role, project.code, "list")


def project_payload(fy, group, **overrides):
    data = {
        "code": "2569-100", "name": "โครงการทดสอบใหม่", "source": Project.Source.ACTION_PLAN, "group": group.pk,
        "status": Project.Status.PLANNED, "cancel_reason": "", "rationale": "", "objectives": "เพื่อทดสอบ",
        "target_groups": "", "start_date": "1/10/2568", "end_date": "30/9/2569",
        "budget_obec": "150000.25", "budget_office": "0", "budget_other": "0",
        "activities-TOTAL_FORMS": "2", "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0", "activities-MAX_NUM_FORMS": "1000",
        "activities-0-order": "1", "activities-0-name": "อบรม", "activities-0-quarters": ["1", "2"],
        "activities-0-budget": "100000.25", "activities-0-responsible_text": "ครูสมศรี",
        "activities-1-order": "2", "activities-1-name": "สรุปผล", "activities-1-quarters": ["4"],
        "activities-1-budget": "50000",
        "indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0", "indicators-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_planning_creates_a_project_with_activities_and_indicator_targets(client, planning, fy, promo_group,
                                                                            indicator, strategy):
    client.force_login(planning)
    data = project_payload(fy, promo_group, strategies=[strategy.pk], **{
        "indicators-TOTAL_FORMS": "1", "indicators-0-indicator": indicator.pk, "indicators-0-target_value": "85.5",
    })
    response = client.post(reverse("projects:create", args=[2569]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(code="2569-100")
    assert project.office == fy.office
    assert project.total_budget == Decimal("150000.25")
    assert list(project.activities.values_list("name", "quarters", "budget")) == [
        ("อบรม", [1, 2], Decimal("100000.25")), ("สรุปผล", [4], Decimal("50000.00")),
    ]
    assert project.indicator_targets.get().target_value == Decimal("85.50")
    assert list(project.strategies.all()) == [strategy]
    page = client.get(response.url).content.decode()
    assert "150,000.25" in page and "30 ก.ย. 2569" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "name"),
        ({"budget_obec": "-5"}, "budget_obec"),
        ({"budget_obec": "abc"}, "budget_obec"),
        ({"end_date": "1/9/2568"}, "end_date"),
        ({"start_date": "31/2/2569"}, "start_date"),
        ({"status": "cancelled"}, "cancel_reason"),
        ({"activities-0-budget": "900000"}, "__all__"),
        ({"activities-0-quarters": ["5"]}, "quarters"),
    ],
)
def test_impossible_values_are_refused_beside_the_field_and_nothing_is_saved(
    client, planning, fy, promo_group, overrides, message
):
    client.force_login(planning)
    response = client.post(reverse("projects:create", args=[2569]), project_payload(fy, promo_group, **overrides))
    assert response.status_code == 400
    assert not Project.objects.filter(code="2569-100").exists()
    assert not Activity.objects.exists()
    context = response.context
    errors = {**context["form"].errors}
    for form in context["activities"].forms:
        errors.update(form.errors)
    if context["activities"].non_form_errors():
        errors["__all__"] = context["activities"].non_form_errors()
    assert message in errors, errors


@pytest.mark.django_db
def test_duplicate_code_in_the_same_year_is_refused(client, planning, fy, promo_group, own_project):
    client.force_login(planning)
    response = client.post(reverse("projects:create", args=[2569]),
                           project_payload(fy, promo_group, code=own_project.code))
    assert response.status_code == 400
    assert "code" in response.context["form"].errors


@pytest.mark.django_db
def test_owner_edits_own_project_and_removes_an_activity(client, owner, own_project, promo_group, fy):
    client.force_login(owner)
    activity = own_project.activities.get()
    data = project_payload(fy, promo_group, code=own_project.code, name="ชื่อใหม่", **{
        "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "1",
        "activities-0-id": activity.pk, "activities-0-project": own_project.pk, "activities-0-DELETE": "on",
    })
    response = client.post(reverse("projects:edit", args=[own_project.pk]), data)
    assert response.status_code == 302, response.context["activities"].errors if response.context else ""
    own_project.refresh_from_db()
    assert own_project.name == "ชื่อใหม่"
    assert not own_project.activities.exists()


@pytest.mark.django_db
def test_owner_cannot_post_to_another_groups_project(client, owner, other_group_project, fy, sup_group):
    client.force_login(owner)
    response = client.post(reverse("projects:edit", args=[other_group_project.pk]),
                           project_payload(fy, sup_group, code=other_group_project.code, name="hack"))
    assert response.status_code == 404
    other_group_project.refresh_from_db()
    assert other_group_project.name != "hack"


@pytest.mark.django_db
def test_group_head_cannot_move_a_project_to_another_group(client, group_head, group_project, fy, sup_group):
    client.force_login(group_head)
    response = client.post(reverse("projects:edit", args=[group_project.pk]),
                           project_payload(fy, sup_group, code=group_project.code))
    assert response.status_code == 400
    assert "group" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["owner", "finance", "committee"])
def test_only_planners_directors_and_group_heads_create_projects(client, request, role, fy):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("projects:create", args=[2569])).status_code == 403


@pytest.mark.django_db
def test_wrong_methods(client, planning, own_project):
    client.force_login(planning)
    assert client.post(reverse("projects:list")).status_code == 405
    assert client.post(reverse("projects:detail", args=[own_project.pk])).status_code == 405
    assert client.delete(reverse("projects:edit", args=[own_project.pk])).status_code == 405


@pytest.mark.django_db
def test_list_filters_and_search(client, planning, own_project, group_project, other_group_project, sup_group):
    client.force_login(planning)
    url = reverse("projects:list")
    page = client.get(url, {"fy": 2569, "group": sup_group.pk}).content.decode()
    assert other_group_project.name in page and own_project.name not in page
    page = client.get(url, {"fy": 2569, "q": "P-GROUP"}).content.decode()
    assert group_project.name in page and own_project.name not in page
    page = client.get(url, {"fy": 2569, "status": "cancelled"}).content.decode()
    assert own_project.name not in page


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client, planning, own_project):
    client.force_login(planning)
    response = client.get(reverse("projects:list"), {"fy": 2569}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert own_project.name in html
    assert "<nav" not in html and 'id="results"' in html


@pytest.mark.django_db
def test_list_is_paginated_with_a_bounded_number_of_queries(client, planning, fy, promo_group,
                                                            django_assert_max_num_queries):
    for n in range(60):
        make_project(fy, promo_group, f"B{n:03d}", owners=[planning])
    client.force_login(planning)
    client.get(reverse("projects:list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("projects:list"), {"fy": 2569, "page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 25


@pytest.mark.django_db
def test_detail_uses_a_bounded_number_of_queries(client, planning, own_project, indicator,
                                                 django_assert_max_num_queries):
    for n in range(2, 30):
        Activity.objects.create(project=own_project, order=n, name=f"กิจกรรม {n}", budget=1)
    ProjectIndicator.objects.create(project=own_project, indicator=indicator, target_value=80)
    client.force_login(planning)
    with django_assert_max_num_queries(20):  # 14 for the project, 6 for the quarter-by-quarter results
        assert client.get(reverse("projects:detail", args=[own_project.pk])).status_code == 200
