"""Evidence (เอกสารหลักฐาน) attached to reviewed records: uploaded files and links.

Used by quarterly forms, inspection issue reports, monitoring results and follow-up actions: a model
inherits :class:`EvidenceBase` and adds the foreign key to what it documents (``related_name="evidence"``);
:func:`reviews.engine.save_with_evidence` writes it with the record, in one transaction.

* A file is accepted by what its **content** is, never by its name (:mod:`documents.uploads`: PDF,
  images, Word/Excel/PowerPoint old and new, OpenDocument; zip bombs and macros refused), and is kept
  and served under its uploaded name with the extension of what it *is* (``รายงาน.hta`` that is a PDF
  is ``รายงาน.pdf``).
* Limits per file, per form (all files together) and on the number of items come from settings.
* Files are stored in the ``evidence`` storage under a random name with no extension, outside
  any web root, and are read back only through :func:`download_response`, which callers reach
  after checking that the user may see what the evidence belongs to.
"""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import URLValidator
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.uploads import ALLOWED, allowed_labels, safe_name, sniff  # noqa: F401 (the evidence form reads ALLOWED)
from plans.templatetags.thai import thnum


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
    """The file as an attachment (never rendered inline), under the name it was uploaded with and the
    extension of what its content is; 404 if the file is gone from storage."""
    from django.http import Http404

    try:
        handle = storage().open(evidence.stored_name, "rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage; ask an administrator.")) from None
    kind = ALLOWED.get(evidence.content_type)
    filename = safe_name(evidence.title, kind) if kind else evidence.title
    response = FileResponse(handle, as_attachment=True, filename=filename,
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
        title = safe_name(upload.name, kind)
        manager.create(kind=model.Kind.FILE, title=title, stored_name=name, content_type=kind.mime,
                       size=upload.size, uploaded_by=by)
        added.append(title)
    for link in links or ():
        manager.create(kind=model.Kind.LINK, title=link[:255], url=link, uploaded_by=by)
        added.append(link)
    if added:
        changes["evidence added"] = ["", ", ".join(added)]
