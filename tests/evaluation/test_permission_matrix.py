"""Every evaluation page and move × every role: 200/302 allowed, 403 seen but not allowed, 404 not visible (another
office, another person's invitation, committee members before approval), 302 to the login page for anonymous
visitors. Refused moves change nothing."""

import pytest
from django.urls import reverse

from evaluation import links, services, workflow
from evaluation.models import Criterion, Invitation, Lesson, Summary
from reminders.models import Message

from .conftest import rates

ROLES = ["owner", "other_owner", "group_head", "planning", "director", "finance", "committee", "administrator",
         "other_office_planning", "anonymous"]
STAFF = {"planning", "director", "administrator"}
# who sees the project itself (the owner's project in the promotion group)
SEES_PROJECT = {"owner", "group_head", "planning", "director", "finance", "committee", "administrator"}


@pytest.fixture
def users(request):
    return {name: (None if name == "anonymous" else request.getfixturevalue(name)) for name in ROLES}


@pytest.fixture
def items(eform, own_project, owner_invitation, outside_invitation, fy, planning, strategy):
    summary = Summary.objects.create(fiscal_year=fy, overview="สรุป")
    lesson = services.add_lesson(fy, by=planning, text="บทเรียน", plan_item=strategy)
    return {"form": eform, "project": own_project, "owner_invitation": owner_invitation,
            "outside": outside_invitation, "summary": summary, "lesson": lesson}


def status(client, user, url, data=None):
    if user is not None:
        client.force_login(user)
    return (client.post(url, data) if data is not None else client.get(url)).status_code


def year_page(role):  # pages chosen with ?fy=: the other office has no year (sent to create one)
    return 302 if role in ("anonymous", "other_office_planning") else 200 if role in STAFF else 403


def object_page(role, sees):
    if role == "anonymous":
        return 302
    if role not in sees:
        return 404
    return 200 if role in STAFF else 403


PAGES = {
    "index": (lambda i: reverse("evaluation:index") + "?fy=2569",
              lambda r: 302 if r in ("anonymous", "other_office_planning") else 200),
    "projects": (lambda i: reverse("evaluation:projects") + "?fy=2569", year_page),
    "results": (lambda i: reverse("evaluation:results") + "?fy=2569", year_page),
    # the summary is not approved: outside the staff it is not found
    "summary": (lambda i: reverse("evaluation:summary") + "?fy=2569",
                lambda r: 302 if r in ("anonymous", "other_office_planning") else 200 if r in STAFF else 404),
    "form": (lambda i: reverse("evaluation:form", args=[i["form"].pk]),
             lambda r: object_page(r, set(ROLES) - {"other_office_planning", "anonymous"})),
    "project": (lambda i: reverse("evaluation:project", args=[i["project"].pk]),
                lambda r: object_page(r, SEES_PROJECT)),
    "invitation_link": (lambda i: reverse("evaluation:invitation_link", args=[i["outside"].pk]),
                        lambda r: object_page(r, set(ROLES) - {"other_office_planning", "anonymous"})),
    "answer_own": (lambda i: reverse("evaluation:answer", args=[i["owner_invitation"].pk]),
                   lambda r: 302 if r == "anonymous" else 200 if r == "owner" else 404),
    "export_xlsx": (lambda i: reverse("evaluation:export", args=[2569, "xlsx"]),
                    lambda r: 302 if r == "anonymous" else 200 if r in STAFF else 404),
    # the signed link needs no login, whoever opens it
    "answer_link": (lambda i: links.path_for(i["outside"]), lambda r: 200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_what(client, users, items, role, page):
    url, expect = PAGES[page]
    assert status(client, users[role], url(items)) == expect(role)


def _refused(role, sees=None):
    if role == "anonymous":
        return 302
    if sees is not None and role not in sees:
        return 404
    return 403


MOVES = {
    # name: (url, data, who may, how to tell it happened)
    "create_form_again": None,  # (covered in test_flow: only planning builds the form)
    "invite": (lambda i: reverse("evaluation:project", args=[i["project"].pk]),
               lambda i: {"op": "invite_outside", "name": "นางใหม่ ทดลอง"}, {"planning"}, SEES_PROJECT,
               lambda i: Invitation.objects.filter(name="นางใหม่ ทดลอง").exists()),
    "send_link": (lambda i: reverse("evaluation:project", args=[i["project"].pk]),
                  lambda i: {"op": "send_link", "invitation": i["outside"].pk}, {"planning"}, SEES_PROJECT,
                  lambda i: Message.objects.filter(kind=Message.Kind.INVITATION).exists()),
    "add_criterion": (lambda i: reverse("evaluation:form", args=[i["form"].pk]),
                      lambda i: {"op": "add", "code": "R9", "name": "ใหม่", "kind": "rated", "weight": 1,
                                 "scale_max": 5}, {"planning"}, set(ROLES) - {"other_office_planning"},
                      lambda i: Criterion.objects.filter(code="R9").exists()),
    "lesson": (lambda i: reverse("evaluation:summary") + "?fy=2569",
               lambda i: {"op": "lesson", "text": "ข้อเสนอใหม่"}, {"planning"}, None,
               lambda i: Lesson.objects.filter(text="ข้อเสนอใหม่").exists()),
    "propose": (lambda i: reverse("evaluation:summary") + "?fy=2569",
                lambda i: {"op": "propose", "version": i["summary"].version}, {"planning"}, None,
                lambda i: Summary.objects.get().state == "submitted"),
}
MOVES.pop("create_form_again")


@pytest.mark.django_db
@pytest.mark.parametrize("move", list(MOVES))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_move_what(client, users, items, role, move):
    url, data, allowed, sees, happened = MOVES[move]
    code = status(client, users[role], url(items), data(items))
    if role in allowed:
        assert code == 302 and happened(items)
        return
    assert not happened(items)
    if role == "anonymous":
        assert code == 302
    elif move in ("lesson", "propose"):  # the summary page of the year
        assert code in ((302,) if role == "other_office_planning" else (403, 404))
        if role in STAFF:
            assert code == 403
    else:
        assert code == _refused(role, sees)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_director_approves_or_returns_the_summary(client, users, items, planning, role):
    summary = workflow.move_summary(items["summary"].pk, "propose", by=planning, expected_version=1)
    url = reverse("evaluation:summary") + "?fy=2569"
    for op, data in (("return", {"reason": "แก้ไข"}), ("approve", {})):
        code = status(client, users[role], url, {"op": op, "version": summary.version, **data})
        after = Summary.objects.get()
        if role == "director":
            assert code == 302
            summary = after
            if op == "return":
                summary = workflow.move_summary(summary.pk, "propose", by=planning, expected_version=summary.version)
        else:
            assert after.version == summary.version and after.state == "submitted"
            assert code in (302, 403, 404) and (code == 302) == (role in ("anonymous", "other_office_planning"))
    if role == "director":
        assert Summary.objects.get().state == "approved"


@pytest.mark.django_db
def test_another_offices_project_form_and_invitations_are_not_found(client, items, other_office_planning):
    client.force_login(other_office_planning)
    for url in (reverse("evaluation:project", args=[items["project"].pk]),
                reverse("evaluation:form", args=[items["form"].pk]),
                reverse("evaluation:invitation_link", args=[items["outside"].pk]),
                reverse("evaluation:answer", args=[items["owner_invitation"].pk])):
        assert client.get(url).status_code == 404
        if "/link/" not in url:  # the printable link page is read-only
            assert client.post(url, {"op": "withdraw", "invitation": items["outside"].pk}).status_code == 404
    assert client.post(reverse("evaluation:take_up", args=[items["lesson"].pk]), {}).status_code == 404
    assert Invitation.objects.count() == 2


@pytest.mark.django_db
def test_withdraw_and_renew_an_invitation(client, items, planning, rated):
    client.force_login(planning)
    url = reverse("evaluation:project", args=[items["project"].pk])
    outside = items["outside"]
    assert client.post(url, {"op": "renew", "invitation": outside.pk}).status_code == 302
    assert Invitation.objects.get(pk=outside.pk).nonce != outside.nonce
    services.answer(items["owner_invitation"].pk, data=rates(rated))
    response = client.post(url, {"op": "withdraw", "invitation": items["owner_invitation"].pk})
    assert response.status_code == 400 and Invitation.objects.filter(pk=items["owner_invitation"].pk).exists()
    assert client.post(url, {"op": "withdraw", "invitation": outside.pk}).status_code == 302
    assert not Invitation.objects.filter(pk=outside.pk).exists()
