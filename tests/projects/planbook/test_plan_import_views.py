"""Pages for the plan workbook: upload (all or nothing, PRG), template and export downloads."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from documents.excel import XLSX_CONTENT_TYPE
from projects.models import Activity, Project
from projects.planbook.columns import ACTIVITIES_SHEET, LISTS_SHEET, PROJECTS_SHEET

from .conftest import activity_row, fill, project_row

pytestmark = pytest.mark.django_db

IMPORT = reverse("planbook:import", args=[2569])
TEMPLATE = reverse("planbook:template", args=[2569])
EXPORT = reverse("planbook:export", args=[2569])


@pytest.fixture
def team(planning, owner, other_owner, promo_group, sup_group):
    return planning


def upload(data: BytesIO, name="plan.xlsx"):
    return SimpleUploadedFile(name, data.getvalue(), content_type=XLSX_CONTENT_TYPE)


def good_file():
    return fill([project_row(strategies=None, indicators=None)], [activity_row()])


def test_planning_staff_see_the_upload_form_and_the_download_links(client, fy, team):
    client.force_login(team)
    page = client.get(IMPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="dry_run"' in html
    assert TEMPLATE in html and EXPORT in html


def test_upload_imports_and_redirects_with_the_counts(client, fy, team):
    client.force_login(team)
    response = client.post(IMPORT, {"file": upload(good_file())})
    assert response.status_code == 302
    assert response["Location"] == IMPORT
    assert Project.objects.get().activities.count() == 1
    page = client.get(IMPORT).content.decode()
    assert "alert-success" in page


def test_upload_with_errors_shows_every_problem_and_saves_nothing(client, fy, team):
    client.force_login(team)
    data = fill([project_row(group="NOPE", strategies=None, indicators=None)], [activity_row(quarters="9")])
    response = client.post(IMPORT, {"file": upload(data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert [(p.sheet, p.row, p.column, p.code) for p in response.context["problems"]] == [
        (PROJECTS_SHEET, 3, "D", "unknown_group"), (ACTIVITIES_SHEET, 3, "D", "bad_quarter")]
    assert 'data-code="unknown_group"' in html and 'data-code="bad_quarter"' in html
    assert "NOPE" in html
    assert not Project.objects.exists() and not Activity.objects.exists()


def test_dry_run_upload_reports_but_saves_nothing(client, fy, team):
    client.force_login(team)
    response = client.post(IMPORT, {"file": upload(good_file()), "dry_run": "on"})
    assert response.status_code == 302
    assert not Project.objects.exists()


@pytest.mark.parametrize(("content", "name"), [(b"code,name\nP01,x\n", "plan.csv"), (b"hello", "plan.xlsx")])
def test_a_file_that_is_not_an_xlsx_gets_a_form_error(client, fy, team, content, name):
    client.force_login(team)
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["not_xlsx"]
    assert "is-invalid" in response.content.decode()


def test_a_zip_that_is_not_a_workbook_gets_a_form_error(client, fy, team):
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    client.force_login(team)
    response = client.post(IMPORT, {"file": upload(buffer)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert response.context["problems"] == []


def test_an_upload_over_the_size_limit_is_refused(client, fy, team, settings):
    settings.TIDTAM_MAX_WORKBOOK_BYTES = 1000
    client.force_login(team)
    response = client.post(IMPORT, {"file": upload(good_file())})
    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["too_big"]
    assert not Project.objects.exists()


def test_a_post_without_a_file_is_a_form_error(client, fy, team):
    client.force_login(team)
    assert client.post(IMPORT, {}).status_code == 400


@pytest.mark.parametrize("role", ["owner", "group_head", "finance", "director", "committee"])
def test_other_roles_cannot_import(client, fy, team, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(IMPORT)
    assert page.status_code == 200
    assert 'name="file"' not in page.content.decode()
    assert client.post(IMPORT, {"file": upload(good_file())}).status_code == 403
    assert not Project.objects.exists()


def test_administrator_may_import(client, fy, team, administrator):
    client.force_login(administrator)
    assert client.post(IMPORT, {"file": upload(good_file())}).status_code == 302


def test_another_offices_staff_get_404(client, fy, other_office_planning):
    client.force_login(other_office_planning)
    for url in (IMPORT, TEMPLATE, EXPORT):
        assert client.get(url).status_code == 404
    assert client.post(IMPORT, {"file": upload(good_file())}).status_code == 404


def test_unknown_fiscal_year_is_404(client, fy, team):
    client.force_login(team)
    assert client.get(reverse("planbook:import", args=[2570])).status_code == 404


def test_wrong_methods_are_refused(client, fy, team):
    client.force_login(team)
    assert client.put(IMPORT).status_code == 405
    assert client.post(TEMPLATE).status_code == 405
    assert client.post(EXPORT).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client, fy):
    for url in (IMPORT, TEMPLATE, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_template_download_is_an_xlsx_attachment_with_the_offices_groups(client, fy, team):
    client.force_login(team)
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="plan-template-2569.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    assert "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา" in [c.value for c in workbook[LISTS_SHEET]["C"]]


def test_export_of_an_owner_contains_only_the_projects_they_can_see(client, fy, team, owner, sup_group, promo_group):
    Project.objects.create(fiscal_year=fy, code="MINE", name="ของกลุ่มส่งเสริม", group=promo_group)
    Project.objects.create(fiscal_year=fy, code="THEIRS", name="ของกลุ่มนิเทศ", group=sup_group)
    client.force_login(owner)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan-2569.xlsx"'
    rows = load_workbook(BytesIO(response.content))[PROJECTS_SHEET].iter_rows(min_row=3, values_only=True)
    assert [row[0] for row in rows] == ["MINE"]


def test_export_of_planning_staff_contains_the_whole_fiscal_year(client, fy, team, sup_group, promo_group):
    Project.objects.create(fiscal_year=fy, code="A", name="ก", group=promo_group)
    Project.objects.create(fiscal_year=fy, code="B", name="ข", group=sup_group)
    client.force_login(team)
    rows = load_workbook(BytesIO(client.get(EXPORT).content))[PROJECTS_SHEET].iter_rows(min_row=3, values_only=True)
    assert [row[0] for row in rows] == ["A", "B"]
