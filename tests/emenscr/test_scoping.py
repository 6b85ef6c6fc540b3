"""Owners see their projects on the board, in the sheets and the copy view; another group's owner and another office
see none of them (the commands read every office, by office)."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from emenscr import services

from ..conftest import make_project
from .conftest import complete


def sheet_codes(content) -> list:
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    return [r[0] for r in rows[4:]]


@pytest.fixture
def two_groups(project, fy, sup_group, other_owner, starter):
    return project, complete(make_project(fy, sup_group, "S01", owners=[other_owner]), starter)


@pytest.mark.django_db
def test_each_owner_sees_only_their_projects(client, two_groups, owner, other_owner, planning):
    mine, theirs = two_groups
    for user, shown, hidden in ((owner, mine, theirs), (other_owner, theirs, mine)):
        client.force_login(user)
        page = client.get(reverse("emenscr:board"), {"fy": 2569, "stage": "M1"}).content.decode()
        assert shown.code in page and hidden.code not in page
        sheet = client.get(reverse("emenscr:export"), {"fy": 2569, "stage": "M1", "round": 1})
        assert sheet_codes(sheet.content) == [shown.code]
        assert client.get(reverse("emenscr:copy", args=[hidden.pk, "M1"])).status_code == 404
    client.force_login(planning)
    sheet = client.get(reverse("emenscr:export"), {"fy": 2569, "stage": "M1", "round": 1})
    assert sheet_codes(sheet.content) == [mine.code, theirs.code]


@pytest.mark.django_db
def test_an_owner_cannot_mark_another_groups_project_even_when_owners_may(client, two_groups, other_owner, fy):
    mine, _theirs = two_groups
    for stage in services.ensure_stages(fy):
        stage.owners_may_mark = True
        stage.save()
    client.force_login(other_owner)
    response = client.post(reverse("emenscr:mark"), {"fy": 2569, "stage": "M1", "round": 1, "project": [mine.pk],
                                                     f"version-{mine.pk}": 0, "reference": "EM-X"})
    assert response.status_code == 400 and not mine.emenscr_entries.exists()
