"""Every eMENSCR page and move × every role: 200/302 allowed, 403 seen but not allowed, 404 not visible (another
office's project, or an office without the year), 302 to the login page for anonymous visitors.

The project belongs to the promotion group (owner = `owner`, the group's head = `group_head`)."""

import pytest
from django.urls import reverse

from emenscr.models import Entry, LinkageItem

ROLES = ["owner", "other_owner", "group_head", "planning", "director", "finance", "committee", "administrator",
         "other_office_planning", "anonymous"]


@pytest.fixture
def users(request):
    return {name: (None if name == "anonymous" else request.getfixturevalue(name)) for name in ROLES}


def row(owner, other_owner, group_head, planning, director, finance, committee, administrator, other_office,
        anonymous=302):
    return dict(zip(ROLES, (owner, other_owner, group_head, planning, director, finance, committee, administrator,
                            other_office, anonymous), strict=True))


READERS_PAGE = row(200, 200, 200, 200, 200, 403, 403, 200, 404)
PROJECT_PAGE = row(200, 404, 200, 200, 200, 403, 403, 200, 404)
GET_PAGES = {
    "board": (lambda p: reverse("emenscr:board") + "?fy=2569", READERS_PAGE),
    "board M7": (lambda p: reverse("emenscr:board") + "?fy=2569&stage=M7&round=2", READERS_PAGE),
    "stages": (lambda p: reverse("emenscr:stages") + "?fy=2569", READERS_PAGE),
    "stage edit": (lambda p: reverse("emenscr:stage", args=["M1"]) + "?fy=2569",
                   row(403, 403, 403, 200, 403, 403, 403, 403, 404)),
    "lists": (lambda p: reverse("emenscr:lists"), row(200, 200, 200, 200, 200, 403, 403, 200, 200)),
    "lists template": (lambda p: reverse("emenscr:lists_template"), row(200, 200, 200, 200, 200, 403, 403, 200, 200)),
    "project tab": (lambda p: reverse("emenscr:project", args=[p.pk]), PROJECT_PAGE),
    "project edit": (lambda p: reverse("emenscr:project_edit", args=[p.pk]), PROJECT_PAGE),
    "copy view": (lambda p: reverse("emenscr:copy", args=[p.pk, "M2"]), PROJECT_PAGE),
    "export": (lambda p: reverse("emenscr:export") + "?fy=2569&stage=M1", READERS_PAGE),
    "summary": (lambda p: reverse("emenscr:summary", args=["xlsx"]) + "?fy=2569",
                row(403, 403, 403, 200, 200, 403, 403, 200, 404)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", GET_PAGES)
def test_pages_by_role(client, users, project, page):
    url, expected = GET_PAGES[page]
    got = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        got[role] = client.get(url(project)).status_code
    assert got == expected


@pytest.mark.django_db
def test_marking_keyed_by_role(client, users, project):
    expected = row(403, 400, 403, 302, 403, 403, 403, 403, 404)
    got = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        got[role] = client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M1", "round": 1,
                                                          "project": [project.pk],
        f"version-{project.pk}": 0, "reference": role}).status_code
        assert Entry.objects.exclude(reference="planning").count() == 0
    assert got == expected
    assert Entry.objects.get().keyed_by == users["planning"]


@pytest.fixture
def keyed(project, planning, fy):
    from emenscr import services

    (entry,) = services.mark_keyed(user=planning, fiscal_year=fy, stage_code="M1", round_=1, projects=[project],
                                   reference="EM-1")
    return entry


@pytest.mark.django_db
def test_the_entry_page_by_role(client, users, keyed):
    got = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        got[role] = client.get(reverse("emenscr:entry", args=[keyed.pk])).status_code
    assert got == PROJECT_PAGE


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["correct", "unkey"])
def test_correcting_and_taking_back_by_role(client, users, keyed, move):
    expected = row(403, 404, 403, 302, 403, 403, 403, 403, 404)
    got = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        entry = Entry.objects.get()
        got[role] = client.post(reverse("emenscr:entry_move", args=[entry.pk]), {
            "move": move, "version": entry.version, "reference": "EM-2", "reason": role}).status_code
        if role == "planning" and move == "unkey":  # key it again so the roles after have a keyed entry
            from emenscr import services

            services.mark_keyed(user=user, fiscal_year=keyed.project.fiscal_year, stage_code="M1", round_=1,
                                projects=[keyed.project], reference="EM-1")
    assert got == expected
    assert [e.reason for e in Entry.objects.get().events.exclude(action="keyed")] == ["planning"]


@pytest.mark.django_db
def test_loading_the_starter_list_by_role(client, users, office):
    expected = row(403, 403, 403, 302, 403, 403, 403, 302, 302)
    got = {}
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        got[role] = client.post(reverse("emenscr:lists_starter")).status_code
    assert got == expected
    assert LinkageItem.objects.filter(office=office).exists()
    assert not LinkageItem.objects.filter(office__isnull=True).exists()  # the global lists are a superuser's


@pytest.mark.django_db
def test_reading_never_writes(client, planning, project, fy):
    client.force_login(planning)
    for page in ("board", "stages", "stage edit", "copy view", "export"):
        assert client.get(GET_PAGES[page][0](project)).status_code == 200
    assert not fy.emenscr_stages.exists() and not Entry.objects.exists()


@pytest.mark.django_db
def test_lists_show_only_the_office_and_global_entries(client, planning, other_office, starter):
    LinkageItem.objects.create(office=other_office, level="sdg", code="SDG99", name="ของสำนักงานอื่น")
    client.force_login(planning)
    page = client.get(reverse("emenscr:lists")).content.decode()
    assert "SDG4" in page and "SDG99" not in page
    other = LinkageItem.objects.get(code="SDG99")
    assert client.get(reverse("emenscr:item", args=[other.pk])).status_code == 404
