"""A ZIP written as it is sent: entries are added one at a time and the bytes leave as they are made, so
a bundle of many evidence files never sits in memory whole.

``stream(entries)`` yields the ZIP's bytes; each entry is ``(name, source)`` where ``source`` is ``bytes`` or
a callable returning an open binary file (read in chunks, closed after). Python's ``zipfile`` writes to a
stream that cannot seek by using data descriptors, which every unzip tool reads.
"""

import zipfile
from collections.abc import Callable, Iterable, Iterator

CHUNK = 64 * 1024


class _Pipe:
    """A write-only, non-seekable file whose written bytes are taken out by ``take()``."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream(entries: Iterable[tuple[str, bytes | Callable]]) -> Iterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, source in entries:
            with archive.open(zipfile.ZipInfo(name, date_time=_now()), "w") as target:
                if isinstance(source, bytes):
                    target.write(source)
                else:
                    with source() as handle:
                        while chunk := handle.read(CHUNK):
                            target.write(chunk)
                            yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def _now():
    import time

    return time.localtime()[:6]


def unique_name(name: str, taken: set) -> str:
    """``name``, or ``name (2).ext``… if already in ``taken``; adds the result to ``taken``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}).{ext}" if dot else f"{stem} ({n})"
    taken.add(candidate.lower())
    return candidate
