"""One fiscal-year picker on every page bound to a year: a plain GET form with a visible button that keeps the
page's other filters; pages with the year in their path pick through their current-year redirect."""

import re

import pytest
from django.urls import reverse

from plans import services


@pytest.fixture
def two_years(office, fy):
    return fy, services.get_or_create_fiscal_year(office, 2568)[0]


def _picker(page: str) -> str:
    match = re.search(r'<form method="get"[^>]*class="year-picker.*?</form>', page, re.S)
    assert match, "no year picker on the page"
    return match.group(0)


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["projects:my_forms", "projects:review_queue", "projects:quarter_overview",
                                  "reporting:dashboard", "reporting:annual_list", "inspections:rounds",
                                  "inspections:monitoring", "feedback:results"])
def test_year_pages_have_the_picker_with_the_chosen_year_and_a_button(client, planning, two_years, view):
    client.force_login(planning)
    response = client.get(reverse(view), {"fy": "2568"})
    assert response.status_code == 200
    page = response.content.decode()
    if view == "reporting:dashboard":  # the year is one of the dashboard's own filters, in the same GET form
        assert re.search(r'<option value="2568" selected>', page)
        return
    picker = _picker(page)
    assert '<option value="2568" selected>' in picker and '<option value="2569">' in picker
    assert 'type="submit"' in picker and "onchange" not in picker
    assert 'for="year-picker"' in picker  # the select is named for screen readers


@pytest.mark.django_db
def test_picker_keeps_the_other_filters_but_not_the_old_year(client, planning, two_years):
    client.force_login(planning)
    picker = _picker(client.get(reverse("projects:review_queue"), {"fy": "2568", "q": "2", "group": "7"})
                     .content.decode())
    assert '<input type="hidden" name="q" value="2">' in picker
    assert '<input type="hidden" name="group" value="7">' in picker
    assert 'type="hidden" name="fy"' not in picker


@pytest.mark.django_db
@pytest.mark.parametrize("current, target", [("reminders:rules_current", "reminders:rules"),
                                             ("plans:plan_current", "projects:plan"),
                                             ("plans:holidays_current", "plans:holidays")])
def test_year_in_path_pages_pick_through_the_current_year_redirect(client, planning, two_years, current, target):
    client.force_login(planning)
    assert client.get(reverse(current), {"fy": "2568"}).url == reverse(target, args=[2568])
    assert client.get(reverse(current)).url == reverse(target, args=[2569])
    assert client.get(reverse(current), {"fy": "1999"}).url == reverse(target, args=[2569])
    picker = _picker(client.get(reverse(target, args=[2568])).content.decode())
    assert f'action="{reverse(current)}"' in picker and '<option value="2568" selected>' in picker


# The pages bound to a fiscal year that take it as ``?fy=``: a link back to one of them from a page about a
# record of some year (breadcrumbs, "« back") must carry that year, or the reader lands in another year.
YEAR_LIST_VIEWS = ("projects:list", "projects:my_forms", "projects:review_queue", "projects:approval_queue",
                   "projects:quarter_overview", "reporting:dashboard", "reporting:annual_list",
                   "inspections:rounds", "inspections:monitoring", "inspections:board", "inspections:my_actions")
# Pages not about one year's record: navigation, the home page's "what waits for me" cards (any year).
# and the office's list of inspecting bodies, which holds for every year.
NOT_ABOUT_A_YEAR = {"base.html", "_year_picker.html", "accounts/home.html", "projects/_home_forms.html",
                    "inspections/bodies.html"}


def test_links_back_to_a_year_page_keep_the_year():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    names = "|".join(map(re.escape, YEAR_LIST_VIEWS))
    pattern = re.compile(r"""href="\{% url '(""" + names + r""")' %\}(\?fy=)?""")
    missing = []
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        if name in NOT_ABOUT_A_YEAR:
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            if not match.group(2):
                missing.append(f"{name}: {match.group(1)}")
    assert not missing, missing


@pytest.mark.django_db
def test_the_quarterly_forms_breadcrumb_goes_back_to_the_forms_year(client, owner, own_project):
    client.force_login(owner)
    page = client.get(reverse("projects:report", args=[own_project.pk, 1])).content.decode()
    assert f'{reverse("projects:my_forms")}?fy={own_project.fiscal_year.year}"' in page
