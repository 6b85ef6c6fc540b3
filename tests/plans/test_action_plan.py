from decimal import Decimal

import pytest
from django.urls import reverse

from plans import services
from plans.models import ActionPlan, CalendarActivity, DisbursementTarget, Indicator, PlanItem
from projects.models import Project
from projects.plan import flatten_tree, plan_tree


@pytest.fixture
def fy(office):
    return services.get_or_create_fiscal_year(office, 2569)[0]


@pytest.fixture
def tree(fy):
    policy = PlanItem.objects.create(fiscal_year=fy, kind="policy", code="P1", name="นโยบาย 1")
    focus = PlanItem.objects.create(fiscal_year=fy, kind="focus", code="F1", name="จุดเน้น 1", parent=policy)
    s1 = PlanItem.objects.create(fiscal_year=fy, kind="strategy", code="S1", name="กลยุทธ์ 1", parent=focus)
    s2 = PlanItem.objects.create(fiscal_year=fy, kind="strategy", code="S2", name="กลยุทธ์ 2", parent=policy)
    Indicator.objects.create(fiscal_year=fy, plan_item=s1, code="K1", name="ตัวชี้วัด 1", unit="ร้อยละ",
                             target_value=80)
    return {"policy": policy, "focus": focus, "s1": s1, "s2": s2}


def project(fy, group, code, budget, strategies):
    p = Project.objects.create(fiscal_year=fy, group=group, code=code, name=code, budget_obec=Decimal(budget))
    p.strategies.set(strategies)
    return p


@pytest.mark.django_db
def test_tree_totals_count_each_project_once_under_every_ancestor(fy, tree, promo_group):
    project(fy, promo_group, "A", "1000.50", [tree["s1"]])
    project(fy, promo_group, "B", "2000", [tree["s1"], tree["s2"]])
    project(fy, promo_group, "C", "400", [tree["s2"]])
    rows = {n["item"].code: n for n in flatten_tree(plan_tree(fy))}
    assert rows["S1"]["budget"] == Decimal("3000.50") and rows["S1"]["project_count"] == 2
    assert rows["F1"]["budget"] == Decimal("3000.50")
    assert rows["P1"]["budget"] == Decimal("3400.50") and rows["P1"]["project_count"] == 3
    assert [i.code for i in rows["S1"]["indicators"]] == ["K1"]
    assert [n["depth"] for n in flatten_tree(plan_tree(fy))] == [0, 1, 2, 1]


@pytest.mark.django_db
def test_copy_tree_to_next_year_keeps_the_shape_and_is_idempotent(fy, tree, office):
    target, _ = services.get_or_create_fiscal_year(office, 2570)
    assert services.copy_policy_tree(source=fy, target=target) == 5
    assert services.copy_policy_tree(source=fy, target=target) == 0
    copied = {i.code: i for i in target.plan_items.select_related("parent")}
    assert copied["S1"].parent.code == "F1" and copied["F1"].parent.code == "P1"
    assert target.indicators.get(code="K1").plan_item == copied["S1"]


@pytest.mark.django_db
def test_copy_tree_refuses_another_office(fy, tree, other_office):
    other, _ = services.get_or_create_fiscal_year(other_office, 2570)
    with pytest.raises(services.CalendarError):
        services.copy_policy_tree(source=fy, target=other)


@pytest.mark.django_db
def test_action_plan_ships_default_disbursement_targets(fy):
    services.ensure_action_plan(fy)
    overall = fy.disbursement_targets.filter(budget_type="overall").order_by("quarter")
    assert [t.cumulative_percent for t in overall] == [32, 54, 77, 100]
    assert fy.disbursement_targets.count() == 12


def targets_payload(**overrides):
    data = {}
    for budget_type, percents in DisbursementTarget.DEFAULTS.items():
        for quarter, percent in enumerate(percents, start=1):
            data[f"{budget_type}_{quarter}"] = str(percent)
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_planning_changes_the_targets(client, planning, fy):
    client.force_login(planning)
    response = client.post(reverse("plans:plan_targets", args=[2569]), targets_payload(overall_1="30"))
    assert response.status_code == 302
    assert fy.disbursement_targets.get(budget_type="overall", quarter=1).cumulative_percent == 30


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [{"overall_2": "5"}, {"capital_4": "120"}, {"current_1": "abc"}])
def test_impossible_targets_are_refused_and_nothing_changes(client, planning, fy, overrides):
    services.ensure_action_plan(fy)
    client.force_login(planning)
    client.post(reverse("plans:plan_targets", args=[2569]), targets_payload(overall_1="10", **overrides))
    assert fy.disbursement_targets.get(budget_type="overall", quarter=1).cumulative_percent == 32


@pytest.mark.django_db
def test_only_the_director_approves_the_plan(client, planning, director, fy):
    url = reverse("plans:plan_status", args=[2569])
    client.force_login(planning)
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.force_login(director)
    assert client.post(url, {"action": "approve"}).status_code == 302
    plan = ActionPlan.objects.get(fiscal_year=fy)
    assert plan.status == "approved" and plan.approved_by == director
    client.force_login(planning)
    assert client.post(url, {"action": "close"}).status_code == 302
    assert ActionPlan.objects.get(fiscal_year=fy).status == "closed"


@pytest.mark.django_db
def test_plan_item_rules(client, planning, fy, tree):
    client.force_login(planning)
    url = reverse("plans:plan_item_new", args=[2569])
    response = client.post(url, {"kind": "focus", "level": "obec", "code": "F9", "name": "ไม่มีนโยบาย", "order": 0})
    assert response.status_code == 400
    response = client.post(url, {"kind": "strategy", "level": "office", "code": "S1", "name": "ซ้ำ", "order": 0})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    response = client.post(url, {"kind": "strategy", "level": "office", "code": "S9", "name": "ใหม่",
                                 "parent": tree["focus"].pk, "order": 3})
    assert response.status_code == 302
    assert PlanItem.objects.get(code="S9").parent == tree["focus"]


@pytest.mark.django_db
def test_numeric_indicator_needs_a_target(client, planning, fy, tree):
    client.force_login(planning)
    url = reverse("plans:indicator_new", args=[2569])
    response = client.post(url, {"code": "K9", "name": "x", "unit": "คน", "order": 0})
    assert response.status_code == 400 and "target_value" in response.context["form"].errors
    response = client.post(url, {"code": "K9", "name": "x", "unit": "คน", "target_value": "-1", "order": 0})
    assert response.status_code == 400
    response = client.post(url, {"code": "K9", "name": "x", "is_qualitative": "on", "order": 0,
                                 "plan_item": tree["s2"].pk})
    assert response.status_code == 302


@pytest.mark.django_db
def test_item_with_children_cannot_be_deleted(client, planning, tree):
    client.force_login(planning)
    client.post(reverse("plans:plan_item_delete", args=[2569, tree["policy"].pk]))
    assert PlanItem.objects.filter(pk=tree["policy"].pk).exists()
    client.post(reverse("plans:plan_item_delete", args=[2569, tree["s2"].pk]))
    assert not PlanItem.objects.filter(pk=tree["s2"].pk).exists()


@pytest.mark.django_db
def test_calendar_activity_with_months_or_dates(client, planning, fy, plan_group):
    client.force_login(planning)
    url = reverse("plans:calendar_new", args=[2569])
    response = client.post(url, {"order": 5, "title": "ประชุมติดตาม", "months": ["1", "4"],
                                 "responsible_group": plan_group.pk})
    assert response.status_code == 302
    assert CalendarActivity.objects.get(title="ประชุมติดตาม").months == [1, 4]
    response = client.post(url, {"order": 6, "title": "ไม่มีช่วงเวลา"})
    assert response.status_code == 400
    response = client.post(url, {"order": 6, "title": "นอกปี", "start_date": "1/10/2569", "end_date": "5/10/2569"})
    assert response.status_code == 400
    response = client.post(url, {"order": 6, "title": "ช่วงวันที่", "start_date": "5/1/2569", "end_date": "20/2/2569"})
    assert response.status_code == 302
    page = client.get(reverse("plans:fiscal_year_detail", args=[2569])).content.decode()
    assert "ช่วงวันที่" in page and "ประชุมติดตาม" in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["plans:plan_item_new", "plans:indicator_new", "plans:calendar_new"])
def test_owners_cannot_edit_the_plan(client, owner, fy, name):
    client.force_login(owner)
    assert client.get(reverse(name, args=[2569])).status_code == 403


@pytest.mark.django_db
def test_plan_overview_queries_do_not_grow_with_projects(client, planning, fy, tree, promo_group,
                                                         django_assert_max_num_queries):
    for n in range(30):
        project(fy, promo_group, f"X{n}", "100", [tree["s1"]])
    client.force_login(planning)
    client.get(reverse("projects:plan", args=[2569]))
    with django_assert_max_num_queries(22):
        response = client.get(reverse("projects:plan", args=[2569]))
    assert response.status_code == 200
    assert "3,000.00" in response.content.decode()


@pytest.mark.django_db
def test_plan_overview_totals_only_what_the_viewer_may_see(client, owner, fy, tree, promo_group, sup_group):
    project(fy, promo_group, "MINE", "1000", [tree["s1"]])
    project(fy, sup_group, "THEIRS", "5000", [tree["s1"]])
    client.force_login(owner)
    response = client.get(reverse("projects:plan", args=[2569]))
    rows = {n["item"].code: n for n in response.context["tree"]}
    assert rows["S1"]["budget"] == Decimal("1000") and rows["S1"]["project_count"] == 1
    assert [g["group__name"] for g in response.context["groups"]] == [promo_group.name]
    assert "6,000.00" not in response.content.decode()
