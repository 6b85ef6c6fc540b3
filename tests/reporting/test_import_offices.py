"""manage.py import_offices: offices in bulk from a workbook, all of it or nothing, paths recomputed."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from accounts.models import Office
from reporting import office_import


def _book(tmp_path, rows, name="offices.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["รหัสสำนักงาน", "ชื่อสำนักงาน", "ประเภท", "จังหวัด", "รหัสสำนักงานต้นสังกัด"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


@pytest.fixture
def obec(db):
    return Office.objects.create(code="OBEC", name="สพฐ.", kind=Office.Kind.OBEC)


@pytest.mark.django_db
def test_offices_are_added_beneath_their_parents_in_any_order(tmp_path, obec, capsys):
    path = _book(tmp_path, [
        ["SPPNST1", "สพป.นครศรีธรรมราช เขต 1", "สพป.", "นครศรีธรรมราช", "REG5"],  # its parent is on a later row
        ["REG5", "สำนักงานศึกษาธิการภาค 5", "ภาค", "นครศรีธรรมราช", "OBEC"],
        ["SPMNST", "สพม.นครศรีธรรมราช", "สพม.", "นครศรีธรรมราช", "REG5"],
    ])
    call_command("import_offices", path)
    region = Office.objects.get(code="REG5")
    office = Office.objects.get(code="SPPNST1")
    assert (region.kind, region.parent, office.kind, office.parent, office.province) == (
        Office.Kind.REGION, obec, Office.Kind.PRIMARY, region, "นครศรีธรรมราช")
    assert office.path == f"/{obec.pk}/{region.pk}/{office.pk}/"
    assert set(obec.subtree().values_list("code", flat=True)) == {"OBEC", "REG5", "SPPNST1", "SPMNST"}
    assert "3" in capsys.readouterr().out


@pytest.mark.django_db
def test_existing_codes_are_updated_and_moved_subtrees_get_new_paths(tmp_path, obec):
    region = Office.objects.create(code="REG5", name="ภาค 5", kind=Office.Kind.REGION, parent=obec)
    office = Office.objects.create(code="SPPNST1", name="เดิม", kind=Office.Kind.PRIMARY, parent=obec)
    other = Office.objects.create(code="REG6", name="ภาค 6", kind=Office.Kind.REGION, parent=obec)
    child = Office.objects.create(code="SPPX", name="ใต้ภาค 5", kind=Office.Kind.PRIMARY, parent=region)
    path = _book(tmp_path, [["SPPNST1", "สพป.นครศรีธรรมราช เขต 1", "spp", "นครศรีธรรมราช", "REG5"],
                            ["REG5", "สำนักงานศึกษาธิการภาค 5", "region", "", "REG6"]])
    result = office_import.import_offices(path)
    assert (result.created, result.updated, result.problems) == (0, 2, [])
    office.refresh_from_db()
    child.refresh_from_db()
    assert office.name == "สพป.นครศรีธรรมราช เขต 1" and office.parent_id == region.pk
    assert child.path == f"/{obec.pk}/{other.pk}/{region.pk}/{child.pk}/"  # moved with its region
    assert Office.objects.count() == 5


@pytest.mark.django_db
def test_any_wrong_row_saves_nothing_and_each_problem_names_its_row_and_column(tmp_path, obec):
    path = _book(tmp_path, [
        ["REG5", "สำนักงานศึกษาธิการภาค 5", "ภาค", "", "OBEC"],
        ["SPP1", "สพป. หนึ่ง", "โรงเรียน", "ตาก", "REG5"],  # bad kind
        ["SPP2", "สพป. สอง", "สพป.", "ตาก", "NOPE"],  # unknown parent
        ["SPP1", "สพป. หนึ่ง ซ้ำ", "สพป.", "ตาก", "REG5"],  # duplicate code
        ["", "ไม่มีรหัส", "สพป.", "ตาก", "REG5"],  # no code
        ["SPP3", "=HYPERLINK(\"x\")", "สพป.", "ตาก", "REG5"],  # a formula
        ["LOOPA", "ก", "ภาค", "", "LOOPB"], ["LOOPB", "ข", "ภาค", "", "LOOPA"],  # beneath itself
    ])
    with pytest.raises(CommandError, match="nothing was saved|ไม่ได้บันทึก"):
        call_command("import_offices", path)
    assert list(Office.objects.values_list("code", flat=True)) == ["OBEC"]
    problems = [str(p) for p in office_import.import_offices(path).problems]
    assert any(p.startswith("แถว 3 คอลัมน์ C (ประเภท)") and "โรงเรียน" in p for p in problems), problems
    assert any(p.startswith("แถว 4 คอลัมน์ E (รหัสสำนักงานต้นสังกัด)") and "NOPE" in p for p in problems), problems
    assert any(p.startswith("แถว 5 คอลัมน์ A (รหัสสำนักงาน)") and "แถว 3" in p for p in problems), problems
    assert any(p.startswith("แถว 6 คอลัมน์ A") for p in problems), problems
    assert any(p.startswith("แถว 7 คอลัมน์ B") for p in problems), problems
    assert any(p.startswith("แถว 8 คอลัมน์ E") for p in problems), problems
    assert list(Office.objects.values_list("code", flat=True)) == ["OBEC"]


@pytest.mark.django_db
def test_not_a_workbook_and_dry_run(tmp_path, obec):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("import_offices", str(junk))
    path = _book(tmp_path, [["REG5", "ภาค 5", "ภาค", "", "OBEC"]])
    call_command("import_offices", path, "--dry-run")
    assert not Office.objects.filter(code="REG5").exists()


@pytest.mark.django_db
def test_the_template_imports_as_it_is(tmp_path, obec):
    out = tmp_path / "template.xlsx"
    call_command("import_offices", "--template", str(out))
    result = office_import.import_offices(str(out))
    assert result.problems == [] and result.created == 3
    assert Office.objects.get(code="SPPNST1").parent.code == "REG5"
