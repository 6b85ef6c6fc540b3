"""The PDF machinery: Thai that reads back right (WeasyPrint #2841), local files only, page numbers."""

import shutil
import subprocess

import pytest

from documents.pdf import fontfix, render

from ..conftest import need

SENTENCE = "การดำเนินงานตามแผนปฏิบัติการประจำปีงบประมาณ น้ำ ค่ำ ซ้ำ กำหนด สำนักงาน"


MARKS = "ที่นี่ ผู้อำนวยการ ปัญหา อุปสรรค ปี่ ฟื้น ป้อง ญี่ปุ่น ฎีกา ฐานข้อมูล"


def page(body: str, font_dir=None, style="") -> str:
    faces = render.font_faces() if font_dir is None else render.font_faces().replace(
        render.FONT_DIR.as_uri(), font_dir.as_uri())
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{faces}"
            f"@page {{ size: A4; margin: 2cm }} body {{ font-family: Sarabun; font-size: 16pt; {style} }}"
            f"</style></head><body>{body}</body></html>")


def text_of(pdf: bytes, tmp_path, first=1, last=None) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-f", str(first)] + (["-l", str(last)] if last else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_thai_text_reads_back_exactly_as_typed(tmp_path):
    # การ before ทำ and ทำ before การ: whichever glyph comes first, both read back right.
    pdf = render.render(page(f"<p>{SENTENCE}</p><p>ทำ การ นำ</p>")).pdf
    words = text_of(pdf, tmp_path).split()
    assert words == SENTENCE.split() + ["ทำ", "การ", "นำ"]


@pytest.mark.parametrize("style", ["font-weight: 700", "font-weight: 600", "font-style: italic",
                                   "font-weight: 700; font-style: italic; font-size: 22pt", "font-size: 12pt"])
def test_marks_read_back_in_order_in_every_weight_and_size(tmp_path, style):
    # Sarabun Bold nudges marks by 9/1000 em; extraction would put them on the next line (ปฏิบต / ั ิ).
    pdf = render.render(page(f"<p>{SENTENCE} {MARKS}</p>", style=style)).pdf
    assert "".join(text_of(pdf, tmp_path).split()) == "".join(f"{SENTENCE} {MARKS}".split())


def test_without_the_fix_the_same_text_reads_back_wrong(tmp_path):
    """Guards the test above: the stock font shows WeasyPrint's bug, so the fix is what makes it pass."""
    original = fontfix.SOURCE
    pdf = render.render(page(f"<p>{SENTENCE}</p>", font_dir=original)).pdf
    assert text_of(pdf, tmp_path).split() != SENTENCE.split()


def test_the_fixed_font_draws_exactly_the_same_pixels(tmp_path):
    need(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    from PIL import Image, ImageChops

    images = []
    for name, font_dir in (("fixed", None), ("stock", fontfix.SOURCE)):
        (tmp_path / f"{name}.pdf").write_bytes(render.render(page(f"<p>{SENTENCE}</p>", font_dir)).pdf)
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)
        images.append(Image.open(tmp_path / f"{name}.png").convert("RGB"))
    assert ImageChops.difference(*images).getbbox() is None


def test_every_font_style_has_the_extra_glyph_and_rule():
    from fontTools.ttLib import TTFont

    for style in fontfix.STYLES:
        font = TTFont(fontfix.TARGET / f"Sarabun-{style}.ttf")
        assert fontfix.AA_OF_AM in font.getGlyphOrder()
        assert font["hmtx"][fontfix.AA_OF_AM] == font["hmtx"]["uni0E32"]


def test_reports_fetch_only_local_files(tmp_path):
    fetcher = render.local_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/logo.png")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(ValueError):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch((render.FONT_DIR / ".." / ".." / ".." / "config" / "settings.py").as_uri())
    response = fetcher.fetch((render.FONT_DIR / "Sarabun-Regular.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    # An <img> pointing outside renders without it, and without reaching out.
    assert render.render(page("<img src='https://example.com/x.png'><p>ทดสอบ</p>")).pages == 1


def test_page_numbers_stamped_in_thai_digits_and_anchors_found(tmp_path):
    body = "".join(f"<p id='p{i}'>ย่อหน้าที่ {i} {SENTENCE}</p>" for i in range(120))
    rendered = render.render(page(body))
    assert rendered.pages > 3 and rendered.anchors["p0"] == 0 and rendered.anchors["p119"] == rendered.pages - 1
    stamped = render.stamp(rendered.pdf, render.page_numbers(rendered.pages, first=5, style="thai",
                                                             unnumbered={0}))
    assert "๖" in text_of(stamped, tmp_path, 2, 2)  # the second page is number 6
    assert "๕" not in text_of(stamped, tmp_path, 1, 1)  # the first is left unnumbered
    assert render.thai_digits("2569") == "๒๕๖๙"
