"""Copy and search of Thai text in our PDFs: a fixed Sarabun and exact glyph-to-text mapping.

WeasyPrint maps each glyph to the text of its *cluster* the first time it meets it
(WeasyPrint issue #2841). HarfBuzz's Thai shaper splits SARA AM (ำ) into NIKHAHIT + SARA AA
and merges the cluster with the consonant and any tone mark, so whichever glyph is met first in
such a cluster gets a wrong mapping for the whole PDF: การ comes out as กำร, or ทำ as ทา, and
tone marks before ำ vanish (น้ำ → นา).

The fix has two halves, both tested with ``pdftotext``:

1. **The font** (``build_fonts``): our PDF copy of Sarabun has one more glyph, ``uni0E32.am``, an
   exact copy of SARA AA, and one more GSUB rule appended to ``ccmp`` (so it runs last): SARA AA
   right after a NIKHAHIT (or its tone-mark ligatures, or NIKHAHIT + tone) becomes
   ``uni0E32.am``. The page looks exactly the same (a test compares pixels); the AA of ำ simply
   has its own glyph id.
2. **The mapping** (``install``): every Thai glyph is mapped from its name (``uni0E49`` → ้,
   ``uni0E48.small`` → ่, ``uni0E4D0E49`` → ้), NIKHAHIT glyphs map to nothing, and
   ``uni0E32.am`` maps to ำ. So ทำ = ท + "" + "ำ", น้ำ = น + "้" + "ำ": the text reads back as
   typed. (A lone NIKHAHIT, which modern Thai does not use, reads back as nothing.)
3. **Stacked marks** (``stack_marks``): an above vowel and the tone mark on it (ชั้น, ที่, ปี่) are two
   zero-width glyphs at one pen position, which ``pdftotext`` takes for duplicated text and splits off,
   so the tone could land after the next letter or on a line of its own ("ชัน / ้"). The font gets one
   composite glyph per vowel + tone pair, formed by a ligature and placed on its base as the vowel is;
   its name (``uni0E310E49.stack``) reads back as the two characters.

Regenerate the fonts with ``python -m documents.pdf.fontfix`` after updating the vendored TTFs.
"""

import copy
import hashlib
import io
import re
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

SOURCE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "sarabun" / "ttf"
TARGET = Path(__file__).resolve().parent / "fonts"
STYLES = ("Regular", "Bold", "Italic", "BoldItalic", "SemiBold")
AA_OF_AM = "uni0E32.am"
SARA_AM, NIKHAHIT = "\u0e33", "\u0e4d"
TONES = ("uni0E48", "uni0E49", "uni0E4A", "uni0E4B")
# Above vowels (ั ิ ี ึ ื) and the marks set on them (่ ้ ๊ ๋ ์): one glyph per pair (see stack_marks).
STACK_VOWELS = ("uni0E31", "uni0E34", "uni0E35", "uni0E36", "uni0E37")
STACK_TONES = TONES + ("uni0E4C",)
_THAI_NAME = re.compile(r"uni((?:0E[0-7][0-9A-F])+)(?:\..*)?")


def build_font(source: Path, target: Path) -> None:
    from fontTools.ttLib.tables import otTables as ot

    font = TTFont(source)
    order = font.getGlyphOrder()
    font.setGlyphOrder(order + [AA_OF_AM])
    font["glyf"].glyphs[AA_OF_AM] = copy.deepcopy(font["glyf"]["uni0E32"])
    font["glyf"].glyphOrder = font.getGlyphOrder()
    font["hmtx"].metrics[AA_OF_AM] = font["hmtx"].metrics["uni0E32"]
    nikhahits = [name for name in order if name.startswith("uni0E4D")]
    tones = [name for name in order if name.split(".")[0] in TONES]

    def coverage(glyphs):
        table = ot.Coverage()
        table.glyphs = sorted(glyphs, key=font.getGlyphID)
        return table

    gsub = font["GSUB"].table
    single = ot.Lookup()
    single.LookupType, single.LookupFlag = 1, 0
    substitution = ot.SingleSubst()
    substitution.Format, substitution.mapping = 1, {"uni0E32": AA_OF_AM}
    single.SubTable, single.SubTableCount = [substitution], 1
    gsub.LookupList.Lookup.append(single)
    single_index = len(gsub.LookupList.Lookup) - 1

    chain = ot.Lookup()
    chain.LookupType, chain.LookupFlag, chain.SubTable = 6, 0, []
    for backtrack in ([nikhahits], [tones, nikhahits]):  # nearest glyph first
        rule = ot.ChainContextSubst()
        rule.Format = 3
        rule.BacktrackGlyphCount, rule.BacktrackCoverage = len(backtrack), [coverage(g) for g in backtrack]
        rule.InputGlyphCount, rule.InputCoverage = 1, [coverage(["uni0E32"])]
        rule.LookAheadGlyphCount, rule.LookAheadCoverage = 0, []
        record = ot.SubstLookupRecord()
        record.SequenceIndex, record.LookupListIndex = 0, single_index
        rule.SubstCount, rule.SubstLookupRecord = 1, [record]
        chain.SubTable.append(rule)
    chain.SubTableCount = len(chain.SubTable)
    gsub.LookupList.Lookup.append(chain)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    # HarfBuzz uses the first feature of a tag per language system, so the rule joins the font's
    # own ccmp features; being the last lookup, it runs after the font's ligatures.
    ccmp = [record for record in gsub.FeatureList.FeatureRecord if record.FeatureTag == "ccmp"]
    if not ccmp:
        raise ValueError(f"{source.name} has no ccmp feature")
    for record in ccmp:
        record.Feature.LookupListIndex.append(len(gsub.LookupList.Lookup) - 1)
        record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    stack_marks(font, ccmp)
    font.save(target)


def _subtables(font, lookup_type: int):
    """The font's GPOS subtables of one type (4 mark-to-base, 6 mark-to-mark)."""
    for lookup in font["GPOS"].table.LookupList.Lookup:
        if lookup.LookupType == lookup_type:
            yield from lookup.SubTable


def stacked_name(vowel: str, tone: str) -> str:
    """``uni0E35.narrow`` + ``uni0E48.small`` → ``uni0E350E48.stack.v-narrow.t-small``: the name says the
    text (ี่) for ``_seeds``, the suffixes keep the variants apart."""
    vowel_suffix, tone_suffix = vowel.partition(".")[2], tone.partition(".")[2]
    return (f"uni{vowel[3:7]}{tone[3:7]}.stack" + (f".v-{vowel_suffix}" if vowel_suffix else "")
            + (f".t-{tone_suffix}" if tone_suffix else ""))


def stack_marks(font, ccmp) -> list[str]:
    """An above vowel and the tone mark set on it become one glyph (a composite of the two, placed
    exactly where mark-to-mark positioning put the tone), formed by a ligature at the end of ``ccmp``
    and positioned on its base as the vowel is.

    Why: the two marks are zero-width glyphs drawn at the same pen position, the tone a hair higher
    or lower (mark-to-mark positioning, a text rise in the PDF). Text extraction (poppler's pdftotext)
    takes a second glyph at the same position as duplicated text: the tone becomes a word of its own,
    and when the next letter's word ties with it for position (after a line break, at the edge of an
    inline element, or when the rise crosses one of its baseline bands) the tone lands after the
    letter or on a line of its own (ชั้น → ชัน / ้, ที่ผู้ → ทีผ ่ ู้). One glyph that reads back as two
    characters leaves nothing to misplace."""
    from fontTools.ttLib.tables import otTables as ot
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    pairs = {}
    for subtable in _subtables(font, 6):
        vowels = {name: index for index, name in enumerate(subtable.Mark2Coverage.glyphs)
                  if name[:7] in STACK_VOWELS}
        tones = {name: index for index, name in enumerate(subtable.Mark1Coverage.glyphs)
                 if name[:7] in STACK_TONES}
        for vowel, vowel_index in vowels.items():
            for tone, tone_index in tones.items():
                record = subtable.Mark1Array.MarkRecord[tone_index]
                anchor = subtable.Mark2Array.Mark2Record[vowel_index].Mark2Anchor[record.Class]
                if anchor is None:
                    continue
                offset = (anchor.XCoordinate - record.MarkAnchor.XCoordinate,
                          anchor.YCoordinate - record.MarkAnchor.YCoordinate)
                pairs.setdefault((vowel, tone), offset)
    if not pairs:
        return []
    glyf, hmtx = font["glyf"], font["hmtx"]
    order = font.getGlyphOrder()
    added = []
    for (vowel, tone), (dx, dy) in pairs.items():
        name = stacked_name(vowel, tone)
        glyph = Glyph()
        glyph.numberOfContours = -1
        glyph.components = []
        for component_name, x, y in ((vowel, 0, 0), (tone, dx, dy)):
            component = GlyphComponent()
            component.glyphName, component.x, component.y, component.flags = component_name, x, y, 0x4
            glyph.components.append(component)
        glyf.glyphs[name] = glyph
        added.append(name)
    font.setGlyphOrder(order + added)
    glyf.glyphOrder = font.getGlyphOrder()
    for name in added:
        glyf[name].recalcBounds(glyf)
        hmtx.metrics[name] = (0, glyf[name].xMin)
    gdef = font["GDEF"].table
    for (vowel, tone), name in zip(pairs, added):
        gdef.GlyphClassDef.classDefs[name] = gdef.GlyphClassDef.classDefs.get(vowel, 3)
        if gdef.MarkAttachClassDef is not None and vowel in gdef.MarkAttachClassDef.classDefs:
            gdef.MarkAttachClassDef.classDefs[name] = gdef.MarkAttachClassDef.classDefs[vowel]
    # Placed on its base, and on a mark below it, exactly as the vowel is.
    for lookup_type, coverage, array in ((4, "MarkCoverage", "MarkArray"), (6, "Mark1Coverage", "Mark1Array")):
        for subtable in list(_subtables(font, lookup_type)):
            covered = {g: i for i, g in enumerate(getattr(subtable, coverage).glyphs)}
            records = list(getattr(subtable, array).MarkRecord)
            glyphs = list(getattr(subtable, coverage).glyphs)
            for (vowel, tone), name in zip(pairs, added):
                if vowel in covered:
                    glyphs.append(name)
                    records.append(copy.deepcopy(records[covered[vowel]]))
            _set_coverage(font, getattr(subtable, coverage), glyphs, records, getattr(subtable, array), "MarkRecord")

    gsub = font["GSUB"].table
    lookup = ot.Lookup()
    lookup.LookupType, lookup.LookupFlag = 4, 0
    ligatures = ot.LigatureSubst()
    ligatures.Format = 1
    ligatures.ligatures = {}
    for (vowel, tone), name in zip(pairs, added):
        ligature = ot.Ligature()
        ligature.LigGlyph, ligature.Component, ligature.CompCount = name, [tone], 2
        ligatures.ligatures.setdefault(vowel, []).append(ligature)
    lookup.SubTable, lookup.SubTableCount = [ligatures], 1
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    for record in ccmp:
        record.Feature.LookupListIndex.append(len(gsub.LookupList.Lookup) - 1)
        record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    return added


def _set_coverage(font, coverage, glyphs, records, array, attribute):
    """Coverage tables are sorted by glyph id; keep the records in the same order."""
    pairs = sorted(zip(glyphs, records), key=lambda pair: font.getGlyphID(pair[0]))
    coverage.glyphs = [glyph for glyph, _ in pairs]
    setattr(array, attribute, [record for _, record in pairs])
    setattr(array, attribute.replace("Record", "Count"), len(pairs))


def build_fonts() -> list[Path]:
    TARGET.mkdir(exist_ok=True)
    built = []
    for style in STYLES:
        target = TARGET / f"Sarabun-{style}.ttf"
        build_font(SOURCE / f"Sarabun-{style}.ttf", target)
        built.append(target)
    return built


@lru_cache(maxsize=32)
def _seeds(digest: str, content: bytes) -> dict[int, str]:
    try:
        order = TTFont(io.BytesIO(content), lazy=True).getGlyphOrder()
    except Exception:  # not a font fontTools reads: leave WeasyPrint's own mapping
        return {}
    seeds = {}
    for glyph_id, name in enumerate(order):
        if name == AA_OF_AM:
            seeds[glyph_id] = SARA_AM
        elif match := _THAI_NAME.fullmatch(name):
            hexes = match.group(1)
            text = "".join(chr(int(hexes[i:i + 4], 16)) for i in range(0, len(hexes), 4))
            seeds[glyph_id] = text.replace(NIKHAHIT, "")
    return seeds


class _Mapping(dict):
    """WeasyPrint's glyph → text map, answering Thai glyphs from their names before it guesses."""

    def __init__(self, seeds: dict[int, str]):
        super().__init__()
        self.seeds = seeds

    def __contains__(self, glyph_id):
        if dict.__contains__(self, glyph_id):
            return True
        if glyph_id in self.seeds:
            self[glyph_id] = self.seeds[glyph_id]
            return True
        return False


# Marks nudged sideways by less than this share of the em are drawn exactly over their base.
MARK_NUDGE_EM = 0.06


def _settle_marks(textbox) -> None:
    """Zero-advance marks (Thai vowels above and below, tone marks) that the font nudges by a hair
    are put back at the pen position. The nudge (≤ 6 % of the em, e.g. 9/1000 em in Sarabun Bold)
    cannot be seen, but text extraction places characters by position: a mark nudged past its base
    reads back on the next line (ปฏิบต / ั ิ), and two marks nudged in opposite order swap (ที่ → ท่ี)."""
    from weasyprint.text.ffi import ffi, pango

    # draw_first_line sets this first, which lays the text out again; set it now so it stays laid out.
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    limit = MARK_NUDGE_EM * textbox.style["font_size"] * 1024  # Pango units
    line, _index = textbox.pango_layout.get_first_line()
    run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        glyphs = run.data.glyphs
        for index in range(glyphs.num_glyphs):
            geometry = glyphs.glyphs[index].geometry
            if geometry.width == 0 and geometry.x_offset and abs(geometry.x_offset) <= limit:
                geometry.x_offset = 0
        run = run.next


def install() -> None:
    """Patch WeasyPrint once: every font it embeds gets the exact Thai mapping, and marks are
    drawn where text extraction expects them (see ``_settle_marks``)."""
    from weasyprint.draw import text as draw_text
    from weasyprint.pdf import fonts

    if getattr(fonts.Font, "_tidtam_thai_mapping", False):
        return
    original = fonts.Font.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        content = bytes(self.file_content or b"")
        self.to_unicode = _Mapping(_seeds(hashlib.sha1(content).hexdigest(), content) if content else {})

    draw_first_line = draw_text.draw_first_line

    def draw_first_line_settled(stream, textbox, *args, **kwargs):
        try:
            _settle_marks(textbox)
        except Exception:  # never let the extraction fix break a report
            pass
        return draw_first_line(stream, textbox, *args, **kwargs)

    fonts.Font.__init__ = __init__
    fonts.Font._tidtam_thai_mapping = True
    draw_text.draw_first_line = draw_first_line_settled


if __name__ == "__main__":
    for path in build_fonts():
        print(path)
