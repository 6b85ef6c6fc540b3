"""What an uploaded file really is, decided from its content, without trusting its name or its size claims.

* A file is accepted by what its **content** is (magic bytes; for zip-based formats the parts inside):
  PDF, images, Word/Excel/PowerPoint (old and new formats) and OpenDocument.
* Zip-based files are inspected without inflating them: the number of entries, every entry's declared
  size and compression ratio, and the total declared size are checked first; then at most a few hundred
  kilobytes of the few small parts that tell the kind are read, streamed, stopping at a cap. A zip bomb
  costs a few kilobytes of memory, not gigabytes.
* Macros are refused wherever they hide: macro-enabled content types, any part that a ``vbaProject``
  relationship points to (whatever its name), ``vbaProject.bin``, OpenDocument ``Basic/`` and
  ``Scripts/`` folders, and old OLE files (.doc/.xls/.ppt) holding a VBA storage.
* The name a file is stored and served under takes the extension of what the content is
  (:func:`safe_name`): ``รายงาน.hta`` that is a PDF is served as ``รายงาน.pdf``.

This module knows no model: the evidence layer calls :func:`sniff` and :func:`safe_name`.
"""

import re
import struct
import zipfile
from dataclasses import dataclass

import filetype
import olefile
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    mime: str
    extension: str
    label: str


# Everything an office sends as evidence; the key is what the content says it is.
ALLOWED = {
    "application/pdf": Kind("application/pdf", "pdf", "PDF"),
    "image/jpeg": Kind("image/jpeg", "jpg", "JPEG"),
    "image/png": Kind("image/png", "png", "PNG"),
    "image/gif": Kind("image/gif", "gif", "GIF"),
    "image/webp": Kind("image/webp", "webp", "WebP"),
    "image/heic": Kind("image/heic", "heic", "HEIC"),
    "application/msword": Kind("application/msword", "doc", "Word 97–2003"),
    "application/vnd.ms-excel": Kind("application/vnd.ms-excel", "xls", "Excel 97–2003"),
    "application/vnd.ms-powerpoint": Kind("application/vnd.ms-powerpoint", "ppt", "PowerPoint 97–2003"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint"),
    "application/vnd.oasis.opendocument.text": Kind("application/vnd.oasis.opendocument.text", "odt", "ODT"),
    "application/vnd.oasis.opendocument.spreadsheet": Kind(
        "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
    "application/vnd.oasis.opendocument.presentation": Kind(
        "application/vnd.oasis.opendocument.presentation", "odp", "ODP"),
}

# The part that makes a zip an Office Open XML document of each kind.
_OOXML_MAIN_PART = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Limits for looking inside a zip. Real Office documents of 10 MB stay far below them.
MAX_ENTRIES = 5_000
MAX_TOTAL_INFLATED = 512 * 1024 * 1024  # what all entries together say they inflate to
MAX_RATIO = 200  # an entry inflating to more than 200× its compressed size is a bomb, not a document
RATIO_FLOOR = 1024 * 1024  # entries smaller than this are never refused for their ratio
MAX_PART_READ = 256 * 1024  # at most this much of any one part is ever inflated
MAX_PARTS_READ = 64  # relationship parts read at most

_VBA_RELATIONSHIP = re.compile(rb"relationships/vbaProject\b", re.IGNORECASE)
_MACRO_CONTENT_TYPE = re.compile(rb"macroEnabled|vbaProject|ms-office\.activeX|vbaData", re.IGNORECASE)


def allowed_labels() -> str:
    return ", ".join(sorted({kind.label.split(" ")[0] for kind in ALLOWED.values()}))


def _refuse_macros():
    raise ValidationError(_("Office files with macros are not accepted; save it without macros "
                            "(.docx, .xlsx, .pptx) or as PDF."), code="macros")


def _refuse_archive(name: str):
    raise ValidationError(_("%(name)s looks like a compressed bomb or a damaged archive and was not accepted. "
                            "Save it again from its program, or as PDF.") % {"name": name}, code="archive")


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """At most MAX_PART_READ bytes of one entry, inflated as a stream; more than it declared is refused."""
    limit = min(info.file_size, MAX_PART_READ)
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > info.file_size:
        _refuse_archive(name)
    return data[:limit]


def _check_entries(infos, name: str, compressed_size: int) -> None:
    if len(infos) > MAX_ENTRIES:
        _refuse_archive(name)
    total = 0
    for info in infos:
        total += info.file_size
        compressed = max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and info.file_size / compressed > MAX_RATIO:
            _refuse_archive(name)
    if total > max(MAX_TOTAL_INFLATED, compressed_size * MAX_RATIO):
        _refuse_archive(name)


def _zip_kind(upload, name: str, size: int) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            _check_entries(infos, name, size)
            by_name = {info.filename: info for info in infos}
            lowered = {n.lower() for n in by_name}
            if any(n.endswith("vbaproject.bin") or n.endswith("vbadata.xml") for n in lowered):
                _refuse_macros()
            if "[Content_Types].xml" in by_name:
                if _MACRO_CONTENT_TYPE.search(_read_part(archive, by_name["[Content_Types].xml"], name)):
                    _refuse_macros()
                rels = [info for n, info in by_name.items() if n.lower().endswith(".rels")]
                if len(rels) > MAX_PARTS_READ:
                    _refuse_archive(name)
                for info in rels:
                    if _VBA_RELATIONSHIP.search(_read_part(archive, info, name)):
                        _refuse_macros()
                for part, mime in _OOXML_MAIN_PART.items():
                    if part in by_name:
                        return mime
                return None
            if "mimetype" in by_name:
                if any(n.startswith(("basic/", "scripts/")) for n in lowered):
                    _refuse_macros()
                mime = _read_part(archive, by_name["mimetype"], name)[:100].decode("ascii", "replace").strip()
                return mime if mime.startswith("application/vnd.oasis.opendocument.") else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError, OSError,
            ValueError):
        return None
    return None


_OLE_MAIN_STREAMS = {"WORDDOCUMENT": "application/msword", "WORKBOOK": "application/vnd.ms-excel",
                     "BOOK": "application/vnd.ms-excel", "POWERPOINT DOCUMENT": "application/vnd.ms-powerpoint"}


def _ole_kind(upload, filename: str) -> str | None:
    """Word/Excel/PowerPoint 97–2003 told apart by their main stream; refused when it holds a VBA project."""
    upload.seek(0)
    try:
        ole = olefile.OleFileIO(upload)
    except (OSError, ValueError, IndexError, TypeError, struct.error):
        return None
    try:
        paths = ole.listdir(streams=True, storages=True)
    except (OSError, ValueError, IndexError, TypeError, struct.error):
        return None
    finally:
        ole.close()
    for path in paths:
        if {part.upper() for part in path} & {"_VBA_PROJECT", "_VBA_PROJECT_CUR", "VBA", "MACROS"}:
            _refuse_macros()
    for path in paths:
        if len(path) == 1 and path[0].upper() in _OLE_MAIN_STREAMS:
            return _OLE_MAIN_STREAMS[path[0].upper()]
    return None


def sniff(upload, filename: str = "") -> Kind:
    """What the uploaded file is, from its content; :class:`ValidationError` if not allowed."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    name = filename or _("The file")
    if head.startswith(b"PK\x03\x04"):
        mime = _zip_kind(upload, name, getattr(upload, "size", 0) or 0)
    elif head.startswith(_OLE_MAGIC):
        mime = _ole_kind(upload, filename)
    else:
        guessed = filetype.guess(head)
        mime = guessed.mime if guessed else None
    upload.seek(0)
    if mime not in ALLOWED:
        raise ValidationError(_("%(name)s is not an accepted kind of file. Accepted: %(kinds)s.")
                              % {"name": name, "kinds": allowed_labels()}, code="kind")
    return ALLOWED[mime]


_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(filename: str, kind: Kind) -> str:
    """The name to keep and serve: the uploaded stem, cleaned, with the extension of what the file *is*."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = _UNSAFE_IN_NAME.sub("_", stem).strip(" ._") or "file"
    return f"{stem[:150]}.{kind.extension}"
