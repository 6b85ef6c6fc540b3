"""The archive: a tar, written and read as a stream, with ``manifest.json`` as its last member.

Members: ``db/data.jsonl`` (Django's serialized rows, one per line), for a whole deployment also the
database's own dump (``db/database.sqlite3`` or ``db/database.pgdump``), ``files/<storage>/<name>`` and
``manifest.json`` (sha256 and size of every other member, row counts, migration state…). Nothing is read
whole into memory: files go through in 1 MB chunks.
"""

import contextlib
import hashlib
import io
import json
import tarfile
import time
from pathlib import PurePosixPath

from django.utils import translation

CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
DATA = "db/data.jsonl"


class ArchiveError(Exception):
    """The archive cannot be written or trusted. ``message`` is a lazy translation with ``%(name)s``
    places; ``str()`` gives it in the active language, :meth:`both` in Thai and in English."""

    def __init__(self, message, params=None):
        self.message, self.params = message, params or {}
        super().__init__(message)

    def text(self, language=None) -> str:
        with translation.override(language) if language else contextlib.nullcontext():
            return str(self.message) % self.params if self.params else str(self.message)

    def __str__(self):
        return self.text()

    def both(self) -> str:
        thai, english = self.text("th"), self.text("en")
        return thai if thai == english else f"{thai}\n{english}"


class HashingReader:
    """Reads ``size`` bytes from ``source`` and hashes them on the way."""

    def __init__(self, source):
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, n=-1):
        data = self.source.read(CHUNK if n is None or n < 0 else n)
        self.sha256.update(data)
        self.size += len(data)
        return data


class Writer:
    """Adds members to a streamed tar and remembers their sha256 and size."""

    def __init__(self, fileobj):
        self.tar = tarfile.open(fileobj=fileobj, mode="w|", format=tarfile.PAX_FORMAT)
        self.files = {}

    def add(self, name: str, source, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(time.time())
        info.mode = 0o600
        reader = HashingReader(source)
        self.tar.addfile(info, reader)  # tarfile raises if the source is shorter than ``size``
        self.files[name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}

    def add_path(self, name: str, path) -> None:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(0)
            self.add(name, handle, size)

    def finish(self, manifest: dict) -> None:
        manifest = {**manifest, "files": self.files}
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mtime = int(time.time())
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(body))
        self.tar.close()


def safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def members(fileobj):
    """(TarInfo, readable) of every member, streamed, in archive order."""
    tar = tarfile.open(fileobj=fileobj, mode="r|")
    for info in tar:
        yield info, (tar.extractfile(info) if info.isfile() else None)
