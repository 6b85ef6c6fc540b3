"""HTML → PDF with WeasyPrint, the Tidtam way: local files only, Sarabun embedded, Thai text that
copies and searches right, sections rendered apart (in parallel) and merged, pages numbered after.

WeasyPrint's time grows faster than the page count on long documents, so a report is a list of
sections, each a small HTML document rendered on its own (in worker processes when the machine
has more than one core), then merged (pikepdf). Page numbers cannot be known while sections are
rendered apart, so they are stamped afterwards from one cheap document of empty pages whose
footers carry the numbers (Arabic or Thai digits), laid over the merged pages.
"""

import io
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from ..text import thai_digits  # noqa: F401 — Thai digits for page numbers and callers
from . import fontfix

log = logging.getLogger(__name__)
FONT_DIR = Path(__file__).resolve().parent / "fonts"
ALLOWED_ROOTS = (FONT_DIR, Path(settings.BASE_DIR) / "static")


def font_faces() -> str:
    """@font-face rules for the fixed Sarabun (see fontfix)."""
    faces = []
    for style, weight, italic in (("Regular", 400, False), ("Italic", 400, True), ("SemiBold", 600, False),
                                  ("Bold", 700, False), ("BoldItalic", 700, True)):
        faces.append(f"@font-face {{ font-family: 'Sarabun'; font-weight: {weight}; "
                     f"font-style: {'italic' if italic else 'normal'}; "
                     f"src: url('{(FONT_DIR / f'Sarabun-{style}.ttf').as_uri()}') format('truetype'); }}")
    return "\n".join(faces)


def local_fetcher():
    """A WeasyPrint URL fetcher that serves only our own font and static files (and data: URIs):
    a report never reaches the network or reads anything else on the disk."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not (path.is_file() and any(path.is_relative_to(root) for root in ALLOWED_ROOTS)):
                    raise ValueError(f"not a local report resource: {url}")
            elif parts.scheme != "data":
                raise ValueError(f"reports fetch nothing from the network: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)  # element id → page index (0-based)


def render(html: str) -> Rendered:
    """One HTML document to PDF, with the page of each element id."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fontfix.install()
    fonts = FontConfiguration()
    try:
        document = HTML(string=html, base_url=str(FONT_DIR), url_fetcher=local_fetcher()).render(font_config=fonts)
        anchors = {}
        for index, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, index)
        return Rendered(document.write_pdf(), len(document.pages), anchors)
    finally:
        # The @font-face files WeasyPrint copied into a temporary folder: it removes them only when the object is
        # collected, which a pool's worker never does (it leaves with os._exit) — half a megabyte left in /tmp
        # per document. Its own clean-up, called now that the PDF is written.
        fonts.__del__()


def workers() -> int:
    wanted = getattr(settings, "TIDTAM_PDF_WORKERS", None)
    if wanted is not None:
        return max(1, int(wanted))
    return max(1, min(4, (os.cpu_count() or 1)))


def render_all(documents: list, *, progress=None, job=None) -> list:
    """Render several HTML documents, in parallel processes when there is more than one core.

    ``progress(done, total)`` is called as documents finish. ``job`` (a module-level function, so that it
    reaches the worker processes) replaces :func:`render` for each document, to do more in the worker."""
    job = job or render
    total, results = len(documents), [None] * len(documents)
    count = workers()
    if count > 1 and total > 1 and not multiprocessing.current_process().daemon:
        try:
            # fork: the children inherit the loaded fonts and settings and only run WeasyPrint.
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=min(count, total), mp_context=context) as pool:
                futures = {pool.submit(job, html): index for index, html in enumerate(documents)}
                for done, future in enumerate(as_completed(futures), start=1):
                    results[futures[future]] = future.result()
                    if progress:
                        progress(done, total)
            return results
        except (OSError, AssertionError, BrokenProcessPool) as error:  # no processes here (sandbox, daemon)
            log.warning("rendering report sections in this process: %s", error)
    for index, html in enumerate(documents):
        results[index] = job(html)
        if progress:
            progress(index + 1, total)
    return results


# Thai official documents number pages at the top centre, "- ๒ -"; front matter uses Thai letters.
PAGE_MARGINS = "2.5cm 2cm 2cm 3cm"  # top right bottom left (ระเบียบงานสารบรรณ)
NUMBERS_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{faces}
@counter-style thai-letters {{ system: alphabetic; symbols: ก ข ค ง จ ฉ ช ซ ฌ ญ ฎ ฏ ฐ ฑ ฒ ณ ด ต ถ ท; }}
@page {{ size: A4; margin: {margins};
  @top-center {{ content: "- " counter(page, {style}) " -"; font-family: Sarabun; font-size: 12pt;
                vertical-align: bottom; padding-bottom: 0.6cm; }} }}
@page :first {{ counter-reset: page {start}; }}
@page blank {{ @top-center {{ content: none; }} }}
body {{ margin: 0; }}
div {{ page-break-after: always; height: 1px; }} div.blank {{ page: blank; }}
</style></head><body>{pages}</body></html>"""


def page_numbers(count: int, *, first: int = 1, style: str = "decimal", unnumbered=frozenset()) -> bytes:
    """A PDF of ``count`` empty A4 pages whose headers read - first -, - first+1 -, … in ``style`` (a CSS
    counter style: decimal, thai, or thai-letters ก ข ค). Pages whose index is in ``unnumbered`` stay blank."""
    fontfix.install()
    from weasyprint import HTML

    html = page_numbers_html(count, first=first, style=style, unnumbered=unnumbered)
    return HTML(string=html, url_fetcher=local_fetcher()).write_pdf()


def page_numbers_html(count: int, *, first: int = 1, style: str = "decimal", unnumbered=frozenset()) -> str:
    """The document ``page_numbers`` renders (to render it as a kept part: see parts)."""
    pages = "".join('<div class="blank"></div>' if index in unnumbered else "<div></div>" for index in range(count))
    return NUMBERS_PAGE.format(faces=font_faces(), style=style, start=first, pages=pages, margins=PAGE_MARGINS)


NUMBERS_CHUNK = 100  # pages per page-number overlay (see numbers_chunks)


def numbers_chunks(count: int, *, style: str = "decimal", cover: bool = False) -> list[tuple[str, int]]:
    """The page-number overlays of ``count`` pages numbered from 1 (the first left blank when ``cover``), as
    (HTML, first page index) of chunks of NUMBERS_CHUNK pages and one of the rest: rendered in parallel, and
    the whole chunks, which do not depend on the document's length, are found again by later builds."""
    return [(page_numbers_html(min(NUMBERS_CHUNK, count - start), first=start + 1, style=style,
                               unnumbered={0} if cover and start == 0 else frozenset()), start)
            for start in range(0, count, NUMBERS_CHUNK)]


def stamp(pdf: bytes, numbers: bytes) -> bytes:
    """Lay the numbers' pages over ``pdf``'s pages, one for one."""
    return assemble([pdf], overlays=[(numbers, 0)])


def merge(parts: list[bytes], outline: list[tuple[str, int, int]] = (), metadata: dict | None = None) -> bytes:
    """Concatenate PDFs; ``outline`` is (title, page index, level) for the bookmarks pane."""
    return assemble(parts, outline=outline, metadata=metadata)


def assemble(parts: list[bytes], *, overlays: list[tuple[bytes, int]] = (), outline: list[tuple[str, int, int]] = (),
             metadata: dict | None = None) -> bytes:
    """Concatenate PDFs, lay each overlay's pages over the pages from its start index (page numbers), add the
    bookmarks (title, page index, level) — the only ones: ``pages.extend`` leaves each part's own behind, so the
    outline is the same whichever parts were rendered alone and which in a batch — and the metadata: one document,
    written once (qpdf through pikepdf,
    with object streams: a few times faster and smaller than a pure-Python writer on hundreds of parts)."""
    import pikepdf

    out = pikepdf.Pdf.new()
    sources = []  # kept open until the document is written: its pages still read from them
    try:
        for part in parts:
            sources.append(pikepdf.Pdf.open(io.BytesIO(part)))
            out.pages.extend(sources[-1].pages)
        for overlay, start in overlays:
            sources.append(pikepdf.Pdf.open(io.BytesIO(overlay)))
            for offset, number in enumerate(sources[-1].pages):
                if start + offset < len(out.pages):
                    out.pages[start + offset].add_overlay(number)
        if outline:
            with out.open_outline() as tree:
                parents: dict[int, pikepdf.OutlineItem] = {}
                for title, page, level in outline:
                    item = pikepdf.OutlineItem(title, page)
                    (parents[level - 1].children if level - 1 in parents else tree.root).append(item)
                    parents[level] = item
        for name, value in (metadata or {}).items():
            out.docinfo[name] = value
        buffer = io.BytesIO()
        out.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()
    finally:
        for source in sources:
            source.close()
