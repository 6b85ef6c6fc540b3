"""One way a workbook or a PDF is sent: private, not cached, not sniffed, named safely."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from documents.excel import XLSX_CONTENT_TYPE
from documents.responses import pdf_response, xlsx_response

PDF = b"%PDF-1.4\n%%EOF\n"


def test_xlsx_response_is_a_private_attachment():
    workbook = Workbook(write_only=True)
    workbook.create_sheet("ก").append(["สวัสดี"])
    response = xlsx_response(workbook, "plan-2569.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="plan-2569.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert load_workbook(BytesIO(response.content))["ก"]["A1"].value == "สวัสดี"


def test_pdf_response_from_bytes_is_shown_inline():
    response = pdf_response(PDF, "inspection-2569-3.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="inspection-2569-3.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == PDF


def test_pdf_response_streams_a_file_and_encodes_a_thai_name():
    response = pdf_response(BytesIO(PDF), "รายงาน 2569.pdf", inline=False)
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99%202569.pdf")
    assert b"".join(response.streaming_content) == PDF
