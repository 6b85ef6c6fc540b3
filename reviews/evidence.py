"""Evidence (เอกสารหลักฐาน) attached to reviewed records: uploaded files and links.

Used by quarterly forms, inspection issue reports, monitoring results and follow-up actions: a model
inherits :class:`EvidenceBase` and adds the foreign key to what it documents (``related_name="evidence"``);
:func:`reviews.engine.save_with_evidence` writes it with the record, in one transaction.

* A file is accepted by what its **content** is (magic bytes; for Office's zip formats, the
  parts inside), never by its name: PDF, images, Word/Excel/PowerPoint (old and new formats) and
  OpenDocument. Macro-enabled Office files are refused.
* Limits per file, per form (all files together) and on the number of items come from settings.
* Files are stored in the ``evidence`` storage under a random name with no extension, outside
  any web root, and are read back only through :func:`download_response`, which callers reach
  after checking that the user may see what the evidence belongs to.
"""

import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import URLValidator
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.templatetags.thai import thnum


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
_OLE_KINDS = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}


def allowed_labels() -> str:
    return ", ".join(sorted({kind.label.split(" ")[0] for kind in ALLOWED.values()}))


def _zip_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ValidationError(_("Office files with macros are not accepted; save it without macros "
                                        "(.docx, .xlsx, .pptx) or as PDF."), code="macros")
            if "[Content_Types].xml" in names:
                for part, mime in _OOXML_MAIN_PART.items():
                    if part in names:
                        return mime
            if "mimetype" in names:
                mime = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return mime if mime.startswith("application/vnd.oasis.opendocument.") else None
    except zipfile.BadZipFile:
        return None
    return None


def sniff(upload, filename: str = "") -> Kind:
    """What the uploaded file is, from its content; :class:`ValidationError` if not allowed."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = None
    if head.startswith(b"PK\x03\x04"):
        mime = _zip_kind(upload)
    elif head.startswith(_OLE_MAGIC):
        # Compound files all start alike; the stream names inside tell Word from Excel from PowerPoint.
        # The extension only chooses among the three when the content is an OLE file.
        guessed = filetype.guess(head)
        mime = guessed.mime if guessed and guessed.mime in _OLE_KINDS.values() else None
        if mime is None:
            mime = _OLE_KINDS.get(filename.rsplit(".", 1)[-1].lower())
    else:
        guessed = filetype.guess(head)
        mime = guessed.mime if guessed else None
    upload.seek(0)
    if mime not in ALLOWED:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file. Accepted: %(kinds)s.")
            % {"name": filename or _("The file"), "kinds": allowed_labels()}, code="kind")
    return ALLOWED[mime]


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return thnum(value, 0 if value == int(value) else 1)


def check_uploads(uploads, *, existing_bytes: int = 0, existing_items: int = 0) -> list[tuple]:
    """Check every upload (kind and size) and the totals; returns [(upload, Kind)] or raises, listing all."""
    errors, accepted, total = [], [], existing_bytes
    max_file = settings.TIDTAM_EVIDENCE_MAX_FILE_BYTES
    for upload in uploads:
        if upload.size > max_file:
            errors.append(_("%(name)s is %(size)s MB; a file may be at most %(max)s MB.")
                          % {"name": upload.name, "size": megabytes(upload.size), "max": megabytes(max_file)})
            continue
        if upload.size == 0:
            errors.append(_("%(name)s is empty.") % {"name": upload.name})
            continue
        try:
            accepted.append((upload, sniff(upload, upload.name)))
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        total += upload.size
    max_form = settings.TIDTAM_EVIDENCE_MAX_FORM_BYTES
    if total > max_form:
        errors.append(_("All the files of one form may be at most %(max)s MB together; these would make "
                        "%(size)s MB.") % {"max": megabytes(max_form), "size": megabytes(total)})
    if existing_items + len(uploads) > settings.TIDTAM_EVIDENCE_MAX_ITEMS:
        errors.append(_("A form may have at most %(max)s pieces of evidence.")
                      % {"max": settings.TIDTAM_EVIDENCE_MAX_ITEMS})
    if errors:
        raise ValidationError(errors)
    return accepted


def check_links(text: str) -> list[str]:
    """One http(s) address per line; blank lines ignored."""
    validate = URLValidator(schemes=["http", "https"])
    links, errors = [], []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            validate(line)
        except ValidationError:
            errors.append(_("%(link)s is not a web address (it must start with https:// or http://).")
                          % {"link": line[:80]})
            continue
        links.append(line)
    if errors:
        raise ValidationError(errors)
    return links


def storage():
    return storages["evidence"]


def store(upload) -> str:
    """Write the upload under a random name; returns the stored name."""
    name = f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}"
    upload.seek(0)
    return storage().save(name, upload)


def discard(names) -> None:
    for name in names:
        if name:
            storage().delete(name)


class EvidenceBase(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", gettext_lazy("File")
        LINK = "link", gettext_lazy("Link")

    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = models.CharField(gettext_lazy("title"), max_length=255)
    url = models.URLField(gettext_lazy("link"), max_length=1000, blank=True)
    stored_name = models.CharField(max_length=100, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        kind = ALLOWED.get(self.content_type)
        return kind.extension if kind else ""


def download_response(evidence) -> FileResponse:
    """The file as an attachment (never rendered inline), under the name it was uploaded with;
    404 if the file is gone from storage."""
    from django.http import Http404

    try:
        handle = storage().open(evidence.stored_name, "rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage; ask an administrator.")) from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.title,
                            content_type=evidence.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@contextmanager
def atomic_with_files():
    """A transaction that yields a list for the names of the files written in it (``save_items``
    appends to it) and deletes those files again if the transaction does not commit."""
    stored = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        discard(stored)
        raise


def save_items(manager, *, by, stored: list, changes: dict, files=(), links=(), remove=()) -> None:
    """Add checked uploads and links to ``manager`` (e.g. ``report.evidence``), remove the ids in ``remove``,
    and note both in ``changes``. Files removed are deleted after commit; ``stored`` (from
    ``atomic_with_files``) collects the names written, deleted again if the transaction fails."""
    model = manager.model
    gone = list(manager.filter(pk__in=remove or ()))
    if gone:
        changes["evidence removed"] = [", ".join(item.title for item in gone), ""]
        names = [item.stored_name for item in gone]
        model.objects.filter(pk__in=[item.pk for item in gone]).delete()
        transaction.on_commit(lambda: discard(names))
    added = []
    for upload, kind in files or ():
        name = store(upload)
        stored.append(name)
        manager.create(kind=model.Kind.FILE, title=upload.name[:255], stored_name=name, content_type=kind.mime,
                       size=upload.size, uploaded_by=by)
        added.append(upload.name)
    for link in links or ():
        manager.create(kind=model.Kind.LINK, title=link[:255], url=link, uploaded_by=by)
        added.append(link)
    if added:
        changes["evidence added"] = ["", ", ".join(added)]
