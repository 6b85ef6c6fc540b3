"""Uploaded workbooks are not trusted: wrong files, zip bombs and XML tricks are refused before saving anything."""

import zipfile
from io import BytesIO

import pytest

from projects.models import Project
from documents.excel.safety import MAX_ZIP_ENTRIES
from projects.planbook import import_plan

from .conftest import fill, project_row

pytestmark = pytest.mark.django_db


def refused(result):
    return [(e.sheet, e.row, e.code) for e in result.errors]


def zipped(entries: dict[str, bytes]) -> BytesIO:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    buffer.seek(0)
    return buffer


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail the test if the file ever reaches openpyxl."""
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not open this file")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


@pytest.mark.parametrize("content", [b"", b"code,name\nP01,x\n", b"%PDF-1.7\n", b"PK\x05\x06" + b"\0" * 18],
                         ids=["empty", "csv", "pdf", "empty zip"])
def test_a_file_that_is_not_an_xlsx_is_refused(fy, no_openpyxl, content):
    result = import_plan(BytesIO(content), fiscal_year=fy)
    assert refused(result) == [("", None, "not_xlsx")]
    assert result.errors[0].message


def test_a_zip_without_the_parts_of_a_workbook_is_refused(fy, no_openpyxl):
    result = import_plan(zipped({"word/document.xml": b"<w/>"}), fiscal_year=fy)
    assert refused(result) == [("", None, "not_xlsx")]


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(fy, no_openpyxl, settings):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(settings.TIDTAM_MAX_WORKBOOK_UNZIPPED_BYTES // len(chunk) + 1):
                entry.write(chunk)
    assert buffer.tell() < 1_000_000  # a few hundred kilobytes that unpack past the limit
    buffer.seek(0)
    result = import_plan(buffer, fiscal_year=fy)
    assert refused(result) == [("", None, "too_big")]


def test_a_zip_with_too_many_entries_is_refused(fy, no_openpyxl):
    entries = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    entries.update({f"xl/media/{i}.bin": b"" for i in range(MAX_ZIP_ENTRIES)})
    assert refused(import_plan(zipped(entries), fiscal_year=fy)) == [("", None, "too_big")]


def test_a_file_over_the_size_limit_is_refused(fy, no_openpyxl, settings):
    settings.TIDTAM_MAX_WORKBOOK_BYTES = 1000
    assert refused(import_plan(fill([project_row()]), fiscal_year=fy)) == [("", None, "too_big")]


def test_a_damaged_workbook_is_refused(fy):
    entries = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"not xml at all"}
    assert refused(import_plan(zipped(entries), fiscal_year=fy)) == [("", None, "not_xlsx")]


def test_xml_entities_in_a_sheet_are_refused(fy, people_for_safety):
    """A "billion laughs" sheet: defusedxml makes openpyxl refuse entity declarations."""
    good = fill([project_row(strategies=None, indicators=None)])
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<sheetData><row r="3"><c r="A3" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
              b'</worksheet>')
    buffer = BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, laughs if item.filename == "xl/worksheets/sheet1.xml" else data)
    buffer.seek(0)
    result = import_plan(buffer, fiscal_year=fy)
    assert refused(result) == [("", None, "not_xlsx")]
    assert not Project.objects.exists()


def test_a_path_on_disk_is_accepted(fy, people_for_safety, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(fill([project_row(strategies=None, indicators=None)]).getvalue())
    result = import_plan(str(path), fiscal_year=fy)
    assert result.errors == []
    assert result.created == 1


@pytest.fixture
def people_for_safety(planning, owner, promo_group):
    return planning, owner
