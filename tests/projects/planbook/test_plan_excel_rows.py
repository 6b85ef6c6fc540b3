"""A workbook of a million blank-looking rows cannot hold a worker: a run of empty rows ends a sheet's data,
and the rows read per sheet are capped (a setting), with a message in Thai that says what to do."""

import pytest
from django.utils import translation

from projects.models import Project
from projects.planbook import import_plan
from projects.planbook.columns import KEY_ROW, PROJECTS_SHEET
from projects.planbook.reader import BLANK_RUN_ENDS_SHEET

from .conftest import fill, project_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(owner, promo_group):
    return owner


def _blank_looking_rows(count: int, then=None):
    """Rows whose code cell holds a space (blank to people, a value to a naive reader), then ``then``'s row."""
    def edit(workbook):
        ws = workbook[PROJECTS_SHEET]
        columns = {cell.value: cell.column for cell in ws[KEY_ROW] if cell.value}
        start = ws.max_row + 1
        for offset in range(count):
            ws.cell(row=start + offset, column=columns["code"], value=" ")
            ws.cell(row=start + offset, column=columns["name"], value="")
        if then is not None:
            for key, value in then.items():
                ws.cell(row=start + count, column=columns[key], value=value)
    return edit


def test_a_long_run_of_empty_rows_ends_the_sheet(fy, people, settings):
    settings.TIDTAM_WORKBOOK_MAX_ROWS = 100_000
    data = fill([project_row(code="P01", strategies="", indicators="")],
                edit=_blank_looking_rows(BLANK_RUN_ENDS_SHEET + 5_000,
                                         then=project_row(code="P99", strategies="", indicators="")))
    result = import_plan(data, fiscal_year=fy)
    assert result.ok, result.errors
    # The reader stopped at the run of empty rows: the row far below it was never read.
    assert list(Project.objects.filter(fiscal_year=fy).values_list("code", flat=True)) == ["P01"]


def test_a_few_empty_rows_between_projects_are_skipped_as_before(fy, people):
    data = fill([project_row(code="P01", strategies="", indicators="")],
                edit=_blank_looking_rows(30, then=project_row(code="P02", strategies="", indicators="")))
    result = import_plan(data, fiscal_year=fy)
    assert result.ok, result.errors
    assert sorted(Project.objects.filter(fiscal_year=fy).values_list("code", flat=True)) == ["P01", "P02"]


def test_rows_read_per_sheet_are_capped_empty_ones_included(fy, people, settings):
    settings.TIDTAM_WORKBOOK_MAX_ROWS = 50
    data = fill([project_row(code="P01", strategies="", indicators="")],
                edit=_blank_looking_rows(60, then=project_row(code="P02", strategies="", indicators="")))
    with translation.override("th"):
        result = import_plan(data, fiscal_year=fy)
    assert not result.ok
    assert [error.code for error in result.errors] == ["too_many_rows"]
    message = str(result.errors[0].message)
    assert "50" in message and "แถว" in message
    assert not Project.objects.filter(fiscal_year=fy).exists()
