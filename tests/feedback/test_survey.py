"""The satisfaction questionnaire (feedback/): answering once per user per fiscal year (edited in place), bad
input refused with a Thai message and nothing saved, results per role against hand-computed means, the office's
statements, the home page's invitation and the permission matrix of the three pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from feedback import services
from feedback.models import SurveyAnswer, SurveyItem, SurveyRating
from plans import services as plan_services
from plans.lib.fiscal import fiscal_year_of

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
ANSWER = "/feedback/"


@pytest.fixture
def this_year(office):
    """The office's current fiscal year: the one its users answer for."""
    return plan_services.get_or_create_fiscal_year(office, fiscal_year_of(timezone.localdate()))[0]


def post(client, scores, comment=""):
    data = {f"item-d{n}": str(score) for n, score in enumerate(scores)}
    data["comment"] = comment
    return client.post(reverse("feedback:answer"), data)


def test_the_form_shows_the_default_statements_without_storing_them(client, this_year, owner):
    client.force_login(owner)
    page = client.get(reverse("feedback:answer")).content.decode()
    assert "ระบบใช้งานง่ายและเรียนรู้ได้ไม่ยาก" in page and "มากที่สุด" in page and "น้อยที่สุด" in page
    assert page.count('type="radio"') == 5 * 5
    assert not SurveyItem.objects.exists() and not SurveyAnswer.objects.exists()  # GET never writes


def test_an_answer_is_saved_once_per_user_per_year_and_edited_in_place(client, this_year, fy, owner):
    client.force_login(owner)
    response = post(client, [5, 4, 3, 2, 1], "ดีมาก")
    assert response.status_code == 302
    answer = SurveyAnswer.objects.get()
    assert answer.fiscal_year == this_year and answer.roles == [Role.OWNER] and answer.comment == "ดีมาก"
    assert sorted(answer.ratings.values_list("score", flat=True)) == [1, 2, 3, 4, 5]
    assert SurveyItem.objects.filter(office=this_year.office).count() == 5  # the defaults, stored on first answer
    page = client.get(reverse("feedback:answer")).content.decode()
    assert 'id="answered"' in page and "ดีมาก" in page
    items = list(SurveyItem.objects.order_by("order"))
    response = client.post(reverse("feedback:answer"), {**{f"item-{i.pk}": "3" for i in items}, "comment": "แก้ไข"})
    assert response.status_code == 302
    assert SurveyAnswer.objects.count() == 1 and SurveyRating.objects.count() == 5
    assert set(SurveyRating.objects.values_list("score", flat=True)) == {3}
    assert SurveyAnswer.objects.get().comment == "แก้ไข"
    services.save_answer(owner, fy, scores={str(i.pk): 4 for i in items}, comment="")  # another year: its own
    assert SurveyAnswer.objects.filter(user=owner).count() == 2


@pytest.mark.parametrize("scores", [[5, 4, 3, 2, 6], [5, 4, 3, 2, 0], [5, 4, 3, 2, "x"], [5, 4, 3, 2], [5, 4, 3, 2, ""]])
def test_bad_input_is_refused_with_a_thai_message_and_nothing_saved(client, this_year, owner, scores):
    client.force_login(owner)
    response = post(client, scores)
    assert response.status_code == 400
    assert "กรุณาให้คะแนนทุกข้อ ตั้งแต่ 1 ถึง 5" in response.content.decode()
    assert not SurveyAnswer.objects.exists() and not SurveyRating.objects.exists() and not SurveyItem.objects.exists()


def test_a_bad_edit_leaves_the_earlier_answer_as_it_was(client, this_year, owner):
    client.force_login(owner)
    post(client, [5, 5, 5, 5, 5], "เดิม")
    items = list(SurveyItem.objects.order_by("order"))
    data = {f"item-{i.pk}": "9" for i in items} | {"comment": "ใหม่"}
    assert client.post(reverse("feedback:answer"), data).status_code == 400
    assert SurveyAnswer.objects.get().comment == "เดิม" and set(SurveyRating.objects.values_list("score", flat=True)) == {5}


def test_the_service_refuses_scores_outside_the_scale_and_unknown_items(this_year, owner, other_office_planning):
    with pytest.raises(services.SurveyError):
        services.save_answer(owner, this_year, scores={f"d{n}": 7 for n in range(5)}, comment="")
    with pytest.raises(services.SurveyError):
        services.save_answer(owner, this_year, scores={**{f"d{n}": 3 for n in range(5)}, "999": 3}, comment="")
    with pytest.raises(services.SurveyError):  # another office's year
        services.save_answer(other_office_planning, this_year, scores={f"d{n}": 3 for n in range(5)}, comment="")
    assert not SurveyAnswer.objects.exists()


def test_results_per_role_are_the_means_of_each_roles_answers(client, this_year, owner, other_owner, director,
                                                              planning, office):
    both = UserFactory(email="both@test.go.th", office=office, roles=[Role.PLANNING, Role.DIRECTOR])
    for user, scores in ((owner, [5, 5, 4, 4, 3]), (other_owner, [3, 3, 2, 2, 1]), (director, [4, 4, 4, 4, 4]),
                         (both, [2, 2, 2, 2, 2])):
        services.save_answer(user, this_year, scores=dict(zip([f"d{n}" for n in range(5)], scores)),
                             comment="ขอคู่มือ" if user == owner else "")
    outcome = services.results(this_year)
    first = SurveyItem.objects.order_by("order").first()
    columns = {column.role: column for column in outcome.columns}
    assert columns[None].count == 4 and columns[None].mean(first.pk) == Decimal("3.50")  # (5+3+4+2)/4
    assert columns[Role.OWNER].count == 2 and columns[Role.OWNER].mean(first.pk) == Decimal("4.00")
    assert columns[Role.DIRECTOR].count == 2 and columns[Role.DIRECTOR].mean(first.pk) == Decimal("3.00")
    assert columns[Role.PLANNING].count == 1 and columns[Role.PLANNING].overall == Decimal("2.00")
    assert columns[Role.OWNER].overall == Decimal("3.20")  # 32 / 10
    assert Role.FINANCE not in columns and outcome.comments == ["ขอคู่มือ"]
    client.force_login(planning)
    page = client.get(reverse("feedback:results"), {"fy": this_year.year}).content.decode()
    assert "3.50" in page and "ผู้ตอบทั้งหมด" in page and "ขอคู่มือ" in page and "owner@test.go.th" not in page


def test_the_home_page_invites_until_the_user_has_answered(client, this_year, owner):
    client.force_login(owner)
    home = client.get("/").content.decode()
    assert 'id="survey-invitation"' in home and "ประเมินความพึงพอใจ" in home
    post(client, [4, 4, 4, 4, 4])
    home = client.get("/").content.decode()
    assert 'id="survey-invitation"' not in home
    assert reverse("feedback:answer") in home  # the navigation keeps the link, to change the answer


def test_planning_changes_retires_and_adds_statements(client, this_year, planning, owner):
    client.force_login(owner)
    post(client, [5, 5, 5, 5, 5])
    items = list(SurveyItem.objects.order_by("order"))
    client.force_login(planning)
    data = {}
    for item in items:
        data |= {f"text-{item.pk}": item.text, f"order-{item.pk}": str(item.order), f"active-{item.pk}": "on"}
    data[f"text-{items[0].pk}"] = "ระบบใช้งานง่าย"
    del data[f"active-{items[4].pk}"]  # retired, kept with its answers
    data["new-1"] = "ข้อมูลในระบบถูกต้องและเป็นปัจจุบัน"
    assert client.post(reverse("feedback:items"), data).status_code == 302
    asked = services.items_of(this_year.office)
    assert [i.text for i in asked][0] == "ระบบใช้งานง่าย" and len(asked) == 5
    assert asked[-1].text == "ข้อมูลในระบบถูกต้องและเป็นปัจจุบัน" and not SurveyItem.objects.get(pk=items[4].pk).active
    page = client.get(reverse("feedback:results")).content.decode()
    assert "เลิกใช้ถามแล้ว" in page  # the retired statement keeps its results


def test_statements_refuse_bad_input_and_another_offices_items(client, this_year, planning, other_office_planning,
                                                              other_office):
    client.force_login(planning)
    response = client.post(reverse("feedback:items"), {f"text-d{n}": "" for n in range(5)})
    assert response.status_code == 400 and "ข้อคำถามทุกข้อต้องมีข้อความ" in response.content.decode()
    response = client.post(reverse("feedback:items"), {f"text-d{n}": "ข้อ" for n in range(5)})  # none asked
    assert response.status_code == 400 and "อย่างน้อยหนึ่งข้อ" in response.content.decode()
    assert not SurveyItem.objects.exists()
    theirs = SurveyItem.objects.create(office=other_office, text="ของสำนักงานอื่น", order=1)
    response = client.post(reverse("feedback:items"), {f"text-{theirs.pk}": "แก้", f"active-{theirs.pk}": "on"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.text == "ของสำนักงานอื่น"


def test_an_answer_counts_only_in_its_own_offices_results(this_year, other_office, other_office_planning, owner):
    theirs = plan_services.get_or_create_fiscal_year(other_office, this_year.year)[0]
    services.save_answer(other_office_planning, theirs, scores={f"d{n}": 1 for n in range(5)}, comment="อื่น")
    services.save_answer(owner, this_year, scores={f"d{n}": 5 for n in range(5)}, comment="")
    outcome = services.results(this_year)
    assert outcome.everybody.count == 1 and outcome.everybody.overall == Decimal("5.00") and outcome.comments == []


def test_a_user_without_a_current_year_is_told_so(client, other_office_planning):
    client.force_login(other_office_planning)
    response = client.get(reverse("feedback:answer"))
    assert response.status_code == 200 and 'id="no-year"' in response.content.decode()
    assert post(client, [5, 5, 5, 5, 5]).status_code == 200 and not SurveyAnswer.objects.exists()


ROLES = ["owner", "other_owner", "group_head", "planning", "director", "finance", "committee", "administrator",
         "other_office_planning", "anonymous"]
PAGES = {
    "answer": ("feedback:answer", {r: 200 for r in ROLES} | {"anonymous": 302}),
    "results": ("feedback:results", {r: 403 for r in ROLES} | {"planning": 200, "director": 200,
                                                              "anonymous": 302}),
    "items": ("feedback:items", {r: 403 for r in ROLES} | {"planning": 200, "administrator": 200,
                                                          "other_office_planning": 200, "anonymous": 302}),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(request, client, this_year, page, role):
    """other_office_planning reads their own office's statements (it has no year, so no results: 404)."""
    name, expected = PAGES[page]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    status = client.get(reverse(name)).status_code
    if page == "results" and role == "other_office_planning":
        assert status == 404
        return
    assert status == expected[role]
    if page != "answer" and role not in ("anonymous",) and expected[role] == 403:
        assert client.post(reverse(name), {}).status_code in (403, 405)


def test_the_default_statements_are_stored_in_the_offices_language_whoever_answers_first(client, this_year, owner):
    from django.utils import translation

    with translation.override("en"):
        services.save_answer(owner, this_year, scores={f"d{n}": 4 for n in range(5)}, comment="")
    assert SurveyItem.objects.order_by("order").first().text == "ระบบใช้งานง่ายและเรียนรู้ได้ไม่ยาก"
