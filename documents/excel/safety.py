"""Opening uploaded workbooks without trusting them.

An .xlsx file is a zip of XML parts. Before openpyxl sees it we check the file
size, that it is a zip with the parts of a workbook, how many entries it has and
how large they unpack (a "zip bomb" of a few kilobytes can unpack to gigabytes).
Python's ``zipfile`` never inflates an entry past the size its header declares
(it raises ``BadZipFile`` instead), so the declared sizes are a safe upper bound.
openpyxl parses the XML through ``defusedxml`` when it is installed; we refuse to
run without it.
"""

import os
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 1000
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")


class WorkbookRefused(Exception):
    """The file is not a workbook we are willing to open; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def _file_size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    position = fileobj.tell()
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def check_workbook_file(fileobj) -> None:
    """Raise :class:`WorkbookRefused` unless ``fileobj`` (binary, seekable) looks like a safe .xlsx."""
    max_bytes = settings.TIDTAM_MAX_WORKBOOK_BYTES
    max_unzipped = settings.TIDTAM_MAX_WORKBOOK_UNZIPPED_BYTES
    size = _file_size(fileobj)
    if size > max_bytes:
        raise WorkbookRefused("too_big", _("The file is larger than %(limit)s MB.") % {"limit": _megabytes(max_bytes)})
    fileobj.seek(0)
    not_xlsx = WorkbookRefused("not_xlsx", _("This file is not an Excel workbook (.xlsx)."))
    if fileobj.read(4) != b"PK\x03\x04":
        raise not_xlsx
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise not_xlsx from None
    finally:
        fileobj.seek(0)
    if len(entries) > MAX_ZIP_ENTRIES:
        raise WorkbookRefused("too_big", _("The workbook has too many parts (%(count)s; at most %(limit)s).") % {
            "count": len(entries), "limit": MAX_ZIP_ENTRIES})
    if sum(entry.file_size for entry in entries) > max_unzipped:
        raise WorkbookRefused("too_big", _("The workbook unpacks to more than %(limit)s MB.") % {
            "limit": _megabytes(max_unzipped)})
    names = {entry.filename for entry in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise not_xlsx


@contextmanager
def open_workbook(source):
    """Check ``source`` (a path or a binary file object) and yield a read-only openpyxl workbook.

    Formulas are kept as formulas (``data_only=False``) so the caller can refuse them.
    """
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed before workbooks are read.")
    opened = None
    if isinstance(source, (str, Path)):
        opened = fileobj = open(source, "rb")  # noqa: SIM115 — closed below
    else:
        fileobj = source
    try:
        check_workbook_file(fileobj)
        try:
            workbook = load_workbook(fileobj, read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds of error on a damaged file
            raise WorkbookRefused(
                "not_xlsx", _("The workbook could not be read: it is damaged or not a real .xlsx file.")
            ) from None
        try:
            yield workbook
        finally:
            workbook.close()
    finally:
        if opened is not None:
            opened.close()
