"""The one way a workbook or a PDF leaves the server: a private, not-cached download.

``xlsx_response`` offers a workbook as an attachment; ``pdf_response`` shows a PDF in the browser
(``inline``) or offers it as an attachment, from bytes or from an open binary file (a stored report is
streamed). Both say ``private, no-store`` (reports hold the office's data) and ``nosniff``; a filename
that is not ASCII is sent as RFC 6266 ``filename*=UTF-8''…``.
"""

from io import BytesIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

from .excel import XLSX_CONTENT_TYPE

PDF_CONTENT_TYPE = "application/pdf"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    if filename.isascii() and '"' not in filename and "\\" not in filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename*=UTF-8''{quote(filename)}"


def _private(response, filename: str, *, inline: bool):
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(workbook, filename: str) -> HttpResponse:
    """An openpyxl workbook (write-only or not) as an .xlsx attachment."""
    buffer = BytesIO()
    workbook.save(buffer)
    return _private(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename, inline=False)


def pdf_response(pdf, filename: str, *, inline: bool = True) -> HttpResponse:
    """A PDF given as ``bytes`` or as an open binary file (streamed, closed when sent)."""
    if isinstance(pdf, (bytes, bytearray, memoryview)):
        response = HttpResponse(bytes(pdf), content_type=PDF_CONTENT_TYPE)
    else:
        response = FileResponse(pdf, content_type=PDF_CONTENT_TYPE)
    return _private(response, filename, inline=inline)


def zip_response(chunks, filename: str):
    """A ZIP streamed from ``chunks`` (documents.zipstream.stream) as a private attachment."""
    from django.http import StreamingHttpResponse

    return _private(StreamingHttpResponse(chunks, content_type="application/zip"), filename, inline=False)
