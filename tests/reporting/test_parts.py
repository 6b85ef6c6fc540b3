"""Annual report parts (issue 19): rendered once, kept by content, reused; rebuilds equal cold builds."""

import io
import json
import multiprocessing
import os
import re

import pytest
from pypdf import PdfReader

from documents.pdf import parts
from reporting import annual

from .test_annual import a_project, data_year, edition, pdf_text  # noqa: F401 — data_year is a fixture


@pytest.fixture(autouse=True)
def one_process(settings):
    settings.TIDTAM_PDF_WORKERS = 1


def cold_build(data, settings, folder, **kwargs):
    """A build from an empty store of its own."""
    keep = settings.TIDTAM_PDF_PARTS_DIR
    settings.TIDTAM_PDF_PARTS_DIR = folder
    try:
        return annual.build(data, **kwargs)
    finally:
        settings.TIDTAM_PDF_PARTS_DIR = keep


def year(count=6):
    return edition([a_project(n, 2) for n in range(1, count + 1)])


def page_of(built, title) -> int:
    """The (1-based) body page number the contents give for a title."""
    [number] = [number for text, number, _level in built.toc if text == title]
    return number


def test_a_rebuild_after_a_change_reads_as_a_cold_build_and_renders_the_changed_part_only(settings, tmp_path):
    data = year()
    first = annual.build(data)
    assert first.reused == 0 and first.rendered > 6
    data["projects"][2]["problems"] = "ครูผู้รับผิดชอบย้ายระหว่างปี จึงต้องมอบหมายงานใหม่"
    again = annual.build(data)
    assert again.rendered == 1 and again.reused == first.rendered - 1  # that project; the front is the same
    cold = cold_build(data, settings, tmp_path / "cold")
    assert cold.reused == 0
    assert again.pages == cold.pages == len(PdfReader(io.BytesIO(again.pdf)).pages)
    assert pdf_text(again.pdf, tmp_path) == pdf_text(cold.pdf, tmp_path)
    assert "ครูผู้รับผิดชอบย้ายระหว่างปี" in pdf_text(again.pdf, tmp_path)
    assert again.toc == cold.toc


def test_a_project_that_grows_a_page_moves_the_contents_numbers_after_it(settings, tmp_path):
    data = year()
    first = annual.build(data)
    titles = [f"{p['code']} {p['name']}" for p in data["projects"]]
    data["projects"][2]["activities"] = [dict(data["projects"][2]["activities"][0], name=f"กิจกรรมที่ {k}")
                                         for k in range(1, 45)]
    again = annual.build(data)
    assert again.rendered == 2  # the project and the contents; every other part is reused
    grown = again.pages - first.pages
    assert grown >= 1
    for index, title in enumerate(titles):
        assert page_of(again, title) == page_of(first, title) + (grown if index > 2 else 0)
    reader = PdfReader(io.BytesIO(again.pdf))
    for title in titles + [text for text, _n, level in again.toc if level == 0]:
        text = " ".join(reader.pages[again.front_pages + page_of(again, title) - 1].extract_text().split())
        assert title in text, title
    # The numbers printed on the pages follow: the page after the grown project is numbered as the contents say.
    last = page_of(again, titles[-1])
    header = reader.pages[again.front_pages + last - 1].extract_text()
    assert re.search(rf"-\s*{last}\s*-", header)
    cold = cold_build(data, settings, tmp_path / "cold")
    assert pdf_text(again.pdf, tmp_path) == pdf_text(cold.pdf, tmp_path) and again.toc == cold.toc


def test_a_stale_entry_is_never_used(settings, tmp_path, monkeypatch):
    data = year(2)
    annual.build(data)
    template = tmp_path / "t.html"
    template.write_text("one")
    version = parts.renderer_version((str(template),))
    template.write_text("two, longer")  # a template changed on the disk, in the same process
    assert parts.renderer_version((str(template),)) != version
    monkeypatch.setattr(annual, "renderer_version", lambda: "another-renderer")
    rebuilt = annual.build(data)
    assert rebuilt.reused == 0 and rebuilt.rendered > 2
    assert parts.renderer_version() != "another-renderer"


def test_a_corrupt_or_missing_part_is_rendered_again(settings, tmp_path):
    data = year(3)
    first = annual.build(data)
    folder = settings.TIDTAM_PDF_PARTS_DIR
    runs = [path.with_suffix(".pdf") for path in folder.glob("??/*.json") if "parts" in json.loads(path.read_text())]
    pdfs = sorted((path for path in folder.glob("??/*.pdf") if path not in runs), key=lambda path: path.stat().st_size)
    pdfs[-1].write_bytes(pdfs[-1].read_bytes()[:500])  # cut short
    pdfs[-2].unlink()  # gone
    meta = pdfs[-3].with_suffix(".json")
    meta.write_text("{not json")
    for run in runs:  # a kept run cut short: its parts are merged instead
        run.write_bytes(run.read_bytes()[:500])
    again = annual.build(data)
    assert again.rendered == 3 and again.pages == first.pages
    assert pdf_text(again.pdf, tmp_path) == pdf_text(first.pdf, tmp_path)
    assert annual.build(data).rendered == 0  # whole again


def test_audiences_share_project_parts_and_thai_digits_have_their_own(settings):
    data = year(4)
    obec = annual.build(data)
    ktpn = annual.build({**data, "audience": "ktpn"})
    assert ktpn.rendered <= 3 and ktpn.reused >= 4  # front matter and the sign-off differ; projects do not
    thai = annual.build(data, thai_digits=True)
    assert thai.reused == 0 and thai.rendered == obec.rendered


def test_the_store_evicts_the_least_recently_used_and_writes_whole_files(tmp_path):
    from documents.pdf.render import Rendered

    store = parts.Store(tmp_path / "s", max_bytes=10_000)
    blob = b"%PDF-1.7\n" + b"x" * 3000
    for key in ("a1", "b2", "c3"):
        store.put(key * 32, Rendered(blob, 1, {"x": 0}))
    old = 1_000_000_000
    for age, key in enumerate(("a1", "b2", "c3")):
        os.utime(store._paths(key * 32)[1], (old + age, old + age))
    assert store.get("a1" * 32).pages == 1  # read: now the most recently used
    store.put("d4" * 32, Rendered(blob, 2, {}))
    store.evict()
    assert store.get("b2" * 32) is None and store.get("a1" * 32) is not None
    assert store.get("d4" * 32).pages == 2
    assert not list((tmp_path / "s").glob("**/*.tmp"))  # no leftovers of the atomic writes
    assert json.loads(store._paths("d4" * 32)[1].read_text())["pages"] == 2


def _build_in_child(data, queue):
    try:
        built = annual.build(data)
        queue.put((built.pages, built.pdf))
    except BaseException as error:  # noqa: BLE001 — reported to the parent
        queue.put(("failed", repr(error)))


def test_two_concurrent_builds_of_the_same_year_do_not_corrupt_each_others_parts(settings, tmp_path):
    data = year(8)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_build_in_child, args=(data, queue)) for _ in range(2)]
    for child in children:
        child.start()
    results = [queue.get(timeout=300) for _ in children]
    for child in children:
        child.join(timeout=60)
    assert all(pages != "failed" for pages, _pdf in results), results
    (pages_a, pdf_a), (pages_b, pdf_b) = results
    assert pages_a == pages_b and pdf_text(pdf_a, tmp_path) == pdf_text(pdf_b, tmp_path)
    store = parts.Store()
    keys = [path.stem for path in settings.TIDTAM_PDF_PARTS_DIR.glob("??/*.json")]
    assert keys and all(store.get(key) is not None for key in keys)
    assert not list(settings.TIDTAM_PDF_PARTS_DIR.glob("**/*.tmp"))
    after = annual.build(data)
    assert after.rendered == 0 and after.pages == pages_a
    assert pdf_text(after.pdf, tmp_path) == pdf_text(pdf_a, tmp_path)


@pytest.mark.django_db
def test_an_approval_warms_the_years_parts_only_with_a_broker(settings, fy, promo_group, owner, planning, director,
                                                             django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from projects import workflow
    from reporting import tasks

    from ..conftest import make_project, submit_q1

    def approve(code):
        report = submit_q1(make_project(fy, promo_group, code, owners=[owner]), owner)
        workflow.verify(report.pk, by=planning, expected_version=report.version)
        report.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.approve(report.pk, by=director, expected_version=report.version)

    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: nothing in the background, built on demand
    approve("P-A")
    assert not list(settings.TIDTAM_PDF_PARTS_DIR.glob("??/*.json"))
    settings.CELERY_TASK_ALWAYS_EAGER = False  # with a broker (here: kombu's in-memory one), a warm-up is queued
    cache.clear()
    approve("P-B")
    assert cache.get(f"tidtam:warm-parts:{fy.pk}") == 1
    assert tasks.warm_annual_parts(fy.pk).startswith("rendered")  # what the worker runs
    from reporting import figures

    built = annual.build(annual.snapshot(fy, "obec", basis=figures.Basis.APPROVED))
    assert built.rendered == 1 and built.reused > 2  # the contents only: the body was ready


@pytest.mark.django_db(transaction=True)
def test_the_edition_page_says_how_many_parts_were_reused_and_made(client, settings, data_year, planning):
    from django.urls import reverse

    from reporting.models import AnnualReport

    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(planning)
    url = reverse("reporting:annual_generate") + "?fy=2569"
    client.post(url, {"audience": "obec", "basis": "approved"})
    first = AnnualReport.objects.get()
    assert first.parts_reused == 0 and first.parts_rendered > 3
    second = client.post(url, {"audience": "ktpn", "basis": "approved"}, follow=True).content.decode()
    report = AnnualReport.objects.exclude(pk=first.pk).get()
    assert report.parts_reused >= 3 and report.parts_rendered < first.parts_rendered
    said = f"ใช้ส่วนที่จัดทำไว้แล้ว {report.parts_reused} ส่วน จัดทำใหม่ {report.parts_rendered} ส่วน"
    assert said in second  # in the message after the build, and on the page
    assert said in client.get(reverse("reporting:annual_detail", args=[report.pk])).content.decode()
    assert first.file.read() != b"" and first.sha256  # the first edition's stored PDF stays as it was


def outline_of(pdf: bytes) -> list[tuple[int, str, int]]:
    """The bookmarks pane: (depth, title, 0-based page) in the order a reader shows them."""
    reader = PdfReader(io.BytesIO(pdf))
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def test_the_bookmarks_are_the_contents_alone_and_a_rebuild_has_the_cold_builds(settings, tmp_path):
    """Each part's own headings must not come along into the merged PDF: they listed sections twice, before the
    cover, and a part rendered alone (after a change) brought its project in as a section of its own."""
    data = year(20)  # more than a batch: most projects are rendered together and cut apart
    first = annual.build(data)
    data["projects"][5]["problems"] = "ครูผู้รับผิดชอบย้ายระหว่างปี จึงต้องมอบหมายงานใหม่"
    again = annual.build(data)
    assert again.rendered == 1
    expected = [(0, "ปก", 0)] + [(level, title, again.front_pages + number - 1)
                                 for title, number, level in again.toc]
    assert outline_of(again.pdf) == expected
    assert outline_of(first.pdf) == [(0, "ปก", 0)] + [(level, title, first.front_pages + number - 1)
                                                      for title, number, level in first.toc]
    assert outline_of(cold_build(data, settings, tmp_path / "cold").pdf) == expected


def test_parts_rendered_together_are_merged_as_their_run_cold_or_rebuilt(settings, tmp_path, monkeypatch):
    """A batch is kept whole too: a build merges one PDF for each stretch of parts rendered together (qpdf's
    cost is per document merged), and the edition reads the same as when every part is merged alone."""
    from documents.pdf import render

    merged = []
    assemble = render.assemble

    def counting(documents, **kwargs):
        merged.append(len(documents))
        return assemble(documents, **kwargs)

    monkeypatch.setattr(render, "assemble", counting)
    monkeypatch.setattr(parts, "BATCH", 8)  # the 20 projects in three batches, two of which a change leaves whole
    data = year(20)
    first = annual.build(data)
    body = len(annual.body_parts(data, False))
    cold_merged = merged[-1]
    # the front, the four sections (each with a head of its own: alone), and the 20 projects in a few runs
    assert cold_merged == 1 + 4 + -(-20 // parts.batch_size(20)) < body / 2
    data["projects"][10]["problems"] = "ครูผู้รับผิดชอบย้ายระหว่างปี จึงต้องมอบหมายงานใหม่"
    again = annual.build(data)
    # the changed project's batch alone is merged part by part
    assert again.rendered == 1 and cold_merged < merged[-1] < body
    monkeypatch.setattr(parts.Store, "_runs_of", lambda self, keys: {})  # every part merged alone
    alone = annual.build(data)
    assert merged[-1] == body + 1 and alone.rendered == 0
    assert again.pages == alone.pages == len(PdfReader(io.BytesIO(again.pdf)).pages) > first.pages - 1
    assert pdf_text(again.pdf, tmp_path) == pdf_text(alone.pdf, tmp_path)
    assert "ครูผู้รับผิดชอบย้ายระหว่างปี" in pdf_text(again.pdf, tmp_path)
