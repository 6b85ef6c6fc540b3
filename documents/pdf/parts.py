"""Rendered parts, kept by content: an HTML document is rendered to PDF once and found again by the sha256 of
its final HTML and of the renderer's version (the font files, the templates the caller names, WeasyPrint's
version, our font fix), with its page count and the page of each anchor.

A long report is a list of such parts (a section, a project's block): a build renders only those it has
not seen, then merges. Entries live on the disk under ``TIDTAM_PDF_PARTS_DIR`` (private, beside the
``reports`` storage but not in it: a cache is not backed up), two files each: ``<key>.pdf`` and ``<key>.json`` (pages, anchors, the PDF's sha256).
Both are written under a temporary name and renamed, the JSON last, so a reader never sees half an entry and
two builds writing the same part leave one whole copy. A part whose PDF is missing or does not match its
sha256 is rendered again. Reading an entry touches it; when the folder grows past
``TIDTAM_PDF_PARTS_MAX_MB``, the least recently used entries go.

Parts rendered together in one batch are also kept whole, as a *run*: an entry keyed by the keys of its parts
in order. Merging hundreds of one-page PDFs costs qpdf about 200 KB per document (2,005 parts: 400 MB); a build
whose consecutive parts are a kept run merges the run's one PDF instead (its pages are those parts' pages, the
fonts shared), so a 2,000-project edition merges about 130 documents, cold or rebuilt after a change.
"""

import hashlib
import io
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from . import fontfix, render

log = logging.getLogger(__name__)


def _files_digest(paths: tuple[str, ...]) -> str:
    """The files' contents, hashed; read again only when one's size or modification time changed."""
    stamps = []
    for path in paths:
        stat = os.stat(path)
        stamps.append((path, stat.st_size, stat.st_mtime_ns))
    return _digest(tuple(stamps))


@lru_cache(maxsize=32)
def _digest(stamps: tuple) -> str:
    digest = hashlib.sha256()
    for path, _size, _mtime in stamps:
        digest.update(path.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def renderer_version(templates: tuple[str, ...] = ()) -> str:
    """What a rendered part depends on besides its HTML: the fonts, the named template files, WeasyPrint and
    our font fix. Any of them changing makes every earlier entry unreachable (it is evicted in time)."""
    import weasyprint

    fonts = tuple(sorted(str(p) for p in render.FONT_DIR.glob("*.ttf")))
    code = (fontfix.__file__, render.__file__)
    return hashlib.sha256("|".join([
        weasyprint.__version__, _files_digest(fonts), _files_digest(code), _files_digest(tuple(templates)),
    ]).encode()).hexdigest()[:32]


def key_of(html: str, version: str) -> str:
    return hashlib.sha256(f"{version}\n".encode() + html.encode()).hexdigest()


def run_key(keys) -> str:
    """The key of a run: the parts' keys, in order."""
    return hashlib.sha256(("run\n" + "\n".join(keys)).encode()).hexdigest()


def folder() -> Path:
    return Path(settings.TIDTAM_PDF_PARTS_DIR)


@dataclass
class Found:
    """What a build got for each of its parts, and how many it rendered now."""

    parts: list  # render.Rendered, in the order asked
    reused: int
    rendered: int
    fresh: frozenset = frozenset()  # the indexes of the parts rendered now
    keys: tuple = ()  # each part's key, in the order asked
    runs: dict | None = None  # the kept runs among them, as ``Store._runs_of`` finds them (None: not looked for)


class Kept(render.Rendered):
    """A part in the store: its page count and anchors in memory, its PDF read from the disk when asked."""

    def __init__(self, path: Path, pages: int, anchors: dict):
        self.path, self.pages, self.anchors = path, pages, anchors

    @property
    def pdf(self) -> bytes:
        return self.path.read_bytes()


class Store:
    def __init__(self, root: Path | None = None, max_bytes: int | None = None):
        self.root = Path(root or folder())
        self.max_bytes = max_bytes if max_bytes is not None else settings.TIDTAM_PDF_PARTS_MAX_MB * 1024 * 1024

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.root / key[:2]
        return base / f"{key}.pdf", base / f"{key}.json"

    def get(self, key: str) -> render.Rendered | None:
        """The stored part, or None when it is missing, half-written or corrupt (then it is dropped); its PDF
        stays on the disk until asked for."""
        loaded = self._load(key)
        return Kept(self._paths(key)[0], loaded[1], loaded[2]) if loaded else None

    def _load(self, key: str) -> tuple[bytes, int, dict] | None:
        """The stored part's PDF, pages and anchors, checked against its sha256; None as for ``get``."""
        pdf_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text())
            pdf = pdf_path.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(pdf).hexdigest() != meta.get("sha256") or not pdf.startswith(b"%PDF"):
            log.warning("report part %s is corrupt: rendering it again", key)
            self._drop(key)
            return None
        try:
            os.utime(meta_path)  # recently used
        except OSError:
            pass
        return pdf, int(meta["pages"]), dict(meta.get("anchors", {}))

    def put(self, key: str, part: render.Rendered, *, parts: list[str] = ()) -> None:
        pdf_path, meta_path = self._paths(key)
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"pages": part.pages, "anchors": part.anchors, "sha256": hashlib.sha256(part.pdf).hexdigest(),
                "size": len(part.pdf), **({"parts": list(parts)} if parts else {})}
        self._write(pdf_path, part.pdf)
        self._write(meta_path, json.dumps(meta, ensure_ascii=False).encode())

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write under a name of our own in the same folder, then rename: atomic on one file system."""
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _drop(self, key: str) -> None:
        for path in self._paths(key)[::-1]:  # the JSON first: without it the entry is missing, never half
            path.unlink(missing_ok=True)

    def entries(self) -> list[tuple[float, int, str]]:
        """(last used, bytes, key) of every whole entry."""
        out = []
        for meta_path in self.root.glob("??/*.json"):
            try:
                used = meta_path.stat().st_mtime
                size = meta_path.stat().st_size + meta_path.with_suffix(".pdf").stat().st_size
            except OSError:
                continue
            out.append((used, size, meta_path.stem))
        return out

    def evict(self, keep=frozenset()) -> int:
        """Drop the least recently used entries (never those in ``keep``) until the folder fits; how many went."""
        entries = self.entries()
        total = sum(size for _used, size, _key in entries)
        dropped = 0
        for _used, size, key in sorted(entries):
            if total <= self.max_bytes:
                break
            if key in keep:
                continue
            self._drop(key)
            total -= size
            dropped += 1
        return dropped

    def render_all(self, documents: list[str], *, version: str, progress=None, on_plan=None) -> Found:
        """Every document's part: the stored ones as they are, the missing ones rendered (in parallel) and
        stored. ``on_plan(reused, to_render)`` hears what will be done before the rendering starts,
        ``progress(done, total)`` about the rendering."""
        keys = [key_of(html, version) for html in documents]
        results: list = [None] * len(documents)
        missing: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            if key in missing:
                missing[key].append(index)
                continue
            results[index] = self.get(key)
            if results[index] is None:
                missing[key] = [index]
        order = list(missing)
        if on_plan:
            on_plan(len(documents) - sum(len(v) for v in missing.values()), len(order))
        measured = render_batched([documents[missing[key][0]] for key in order], order, root=self.root,
                                  progress=progress)
        for key, (pages, anchors) in zip(order, measured):
            part = Kept(self._paths(key)[0], pages, anchors)
            for index in missing[key]:
                results[index] = part
        runs = self._runs_of(keys)
        self.evict(keep=frozenset(keys) | {key for key, _length in runs.values()})
        return Found(results, len(documents) - sum(len(v) for v in missing.values()), len(order),
                     frozenset(index for indexes in missing.values() for index in indexes), tuple(keys), runs)

    def _runs_of(self, keys) -> dict[int, tuple[str, int]]:
        """The kept runs among ``keys``, greedily from the start: {index of the first part: (run key, length)}."""
        found, index = {}, 0
        while index < len(keys):
            for length in range(min(BATCH, len(keys) - index), 1, -1):
                candidate = run_key(keys[index:index + length])
                if self._paths(candidate)[1].exists():
                    found[index] = (candidate, length)
                    index += length
                    break
            else:
                index += 1
        return found

    def merge_inputs(self, found: Found) -> list[bytes]:
        """The PDFs whose pages, in order, are the found parts' pages: a kept run for each stretch of parts
        rendered together, the parts themselves elsewhere (see the module's notes)."""
        runs = found.runs if found.runs is not None else self._runs_of(found.keys)
        out, index = [], 0
        while index < len(found.parts):
            key, length = runs.get(index, ("", 1))
            run = self._load(key) if key else None  # read once: the PDF checked is the PDF merged
            if run is not None and run[1] == sum(part.pages for part in found.parts[index:index + length]):
                out.append(run[0])
                index += length
            else:  # no run here, or it went missing or corrupt since: the parts
                out.append(found.parts[index].pdf)
                index += 1
        return out


BATCH = 32  # at most this many parts rendered together in one WeasyPrint document, then cut apart
MARKER = "tidtam-part-"


def batch_size(count: int) -> int:
    """How many of ``count`` parts go in one batch: as many as BATCH, in batches of even size, and at least
    one batch per render process (40 parts on 2 processes: 20 and 20, not 32 and 8). A page's layout costs
    the same in a batch of 16 or 32; WeasyPrint's fixed cost per document is paid fewer times."""
    batches = max(-(-count // BATCH), min(render.workers(), count) or 1)
    return max(1, -(-count // batches))


def _split(html: str) -> tuple[str, str] | None:
    """(head, body) of a document that can share a batch: its styles all in the head."""
    head, found, rest = html.partition("<body>")
    body, closing, _tail = rest.rpartition("</body>")
    if not found or not closing or "<style" in body or "<link" in body:
        return None
    return head, body


def render_batched(documents: list[str], keys: list[str], *, root: Path, progress=None) -> list[tuple[int, dict]]:
    """Render documents as parts, cheaply, and keep each in the store at ``root`` under its key: WeasyPrint's
    fixed cost per document (fonts loaded and subset) dwarfs a project's page, so documents with the same head
    are laid out together, each from a new page, and the pages are cut apart again by the part each begins
    with. A part's own page count, anchors and pages are what rendering it alone gives, since each starts on a
    fresh page and page numbers are laid over afterwards. Documents with styles in their body are rendered
    alone. Each batch is also kept whole, as a run (see the module's notes).

    The worker processes write the PDFs; this process gets each part's (pages, anchors) only, so a
    2,000-project edition's parts never sit in its memory all at once."""
    groups: dict[str, list[int]] = {}
    alone = []
    for index, html in enumerate(documents):
        split = _split(html)
        if split is None:
            alone.append(index)
        else:
            groups.setdefault(split[0], []).append(index)
    jobs: list[tuple[list[int], str]] = [([index], documents[index]) for index in alone]
    for head, indexes in groups.items():
        size = batch_size(len(indexes))
        for start in range(0, len(indexes), size):
            batch = indexes[start:start + size]
            if len(batch) == 1:
                jobs.append((batch, documents[batch[0]]))
                continue
            bodies = "".join(f'<div id="{MARKER}{n}" style="break-before: page">{_split(documents[i])[1]}</div>'
                             for n, i in enumerate(batch))
            jobs.append((batch, f"{head}<body>{bodies}</body></html>"))
    results: list = [None] * len(documents)

    def told(done, total):
        if progress:
            progress(len(documents) * done // total, len(documents))

    for (indexes, _html), measured in zip(jobs, render.render_all(
            [(html, root, [keys[index] for index in indexes]) for indexes, html in jobs], progress=told,
            job=_render_cut)):
        for index, each in zip(indexes, measured):
            results[index] = each
    return results


def _render_cut(job: tuple[str, Path, list[str]]) -> list[tuple[int, dict]]:
    """In the worker process (the cutting and writing run in parallel too): render a batch of parts, cut it
    apart, keep each part and the batch as a run in the store at ``root``; each part's (pages, anchors)."""
    html, root, keys = job
    store = Store(root, max_bytes=0)  # only written to here: the building process evicts
    rendered = render.render(html)
    pieces = [rendered] if len(keys) == 1 else _cut(rendered, len(keys))
    for key, piece in zip(keys, pieces):
        store.put(key, piece)
    if len(keys) > 1:  # the whole batch's pages without its cutting marks, what the run is merged as: last, so
        # that a kept run's parts are kept too
        store.put(run_key(keys), render.Rendered(rendered.pdf, rendered.pages, {}), parts=keys)
    return [(piece.pages, piece.anchors) for piece in pieces]


def _cut(batch: render.Rendered, count: int) -> list[render.Rendered]:
    import pikepdf

    starts = [batch.anchors[f"{MARKER}{n}"] for n in range(count)] + [batch.pages]
    out = []
    with pikepdf.Pdf.open(io.BytesIO(batch.pdf)) as source:
        for n in range(count):
            first, last = starts[n], starts[n + 1]
            with pikepdf.Pdf.new() as part:
                part.pages.extend(source.pages[first:last])
                buffer = io.BytesIO()
                part.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            anchors = {name: page - first for name, page in batch.anchors.items()
                       if first <= page < last and not name.startswith(MARKER)}
            out.append(render.Rendered(buffer.getvalue(), last - first, anchors))
    return out
