"""Uploads are judged by their content, without inflating bombs, and macros are refused wherever they hide."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import ALLOWED, safe_name, sniff

GIB = 1 << 30
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- building hostile files ------------------------------------------------------------------------


def _deflate_zeros(total: int) -> tuple[bytes, int]:
    """Raw deflate data for ``total`` zero bytes, built from one flushed 1 MiB block repeated (fast)."""
    chunk = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    crc = 0
    zeros = b"\0" * chunk
    for _ in range(total // chunk):
        crc = zlib.crc32(zeros, crc)
    return block * (total // chunk) + tail, crc


def _zip_by_hand(entries) -> bytes:
    """A zip of (name, raw deflate data, crc, size it declares) entries; sizes may lie."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, declared in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), declared,
                              len(encoded), 0) + encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), declared,
                                  len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start, directory = out.tell(), central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>')
WORD_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'%s</Relationships>')


def _docx(content_type=WORD_MAIN, extra=None, document_rels=b"") -> bytes:
    parts = {"[Content_Types].xml": DOCX_TYPES % content_type,
             "_rels/.rels": RELS % b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                                   b'2006/relationships/officeDocument" Target="word/document.xml"/>',
             "word/document.xml": b"<w:document/>", "word/_rels/document.xml.rels": RELS % document_rels}
    parts.update(extra or {})
    return _zip(parts)


def _ole(streams: dict[tuple[str, ...], bytes]) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors) with the given streams, each ≥ 4096 bytes so that
    no mini stream is needed; a path of two names puts the stream inside a storage."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    entries = [("Root Entry", 5, None)]  # (name, type, data)
    storages = {}
    for path, data in streams.items():
        if len(path) == 2 and path[0] not in storages:
            storages[path[0]] = len(entries)
            entries.append((path[0], 1, None))
        entries.append((path[-1], 2, data))
    sectors, fat = [], [fat_sector, end]  # sector 0: the FAT, sector 1: the directory (≤ 4 entries)
    starts = {}
    for index, (_name, kind, data) in enumerate(entries):
        if kind != 2:
            continue
        padded = data + b"\0" * (-len(data) % 512)
        first = 2 + len(sectors)
        count = len(padded) // 512
        starts[index] = first
        sectors += [padded[i * 512:(i + 1) * 512] for i in range(count)]
        fat += [first + i + 1 for i in range(count - 1)] + [end]
    assert len(entries) <= 4 and len(fat) <= 128
    # Children: the root holds top-level entries, a storage holds its stream; siblings chain to the right.
    children = {0: []}
    for path in streams:
        index = next(i for i, e in enumerate(entries) if e[0] == path[-1] and e[1] == 2)
        parent = storages[path[0]] if len(path) == 2 else 0
        children.setdefault(parent, []).append(index)
    for storage in storages.values():
        children[0].append(storage)
    child_of, right_of = {}, {}
    for parent, kids in children.items():
        kids = sorted(set(kids))
        if kids:
            child_of[parent] = kids[0]
            for a, b in zip(kids, kids[1:]):
                right_of[a] = b
    directory = b""
    for index, (name, kind, data) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                      + struct.pack("<III", free, right_of.get(index, free), child_of.get(index, free))
                      + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                      + struct.pack("<II", starts.get(index, end), len(data) if data else 0) + b"\0" * 4)
    directory = directory.ljust(512, b"\0")
    fat_bytes = b"".join(struct.pack("<I", value) for value in fat).ljust(512, b"\xff")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + b"\xff" * 4 * 108)
    return header + fat_bytes + directory + b"".join(sectors)


# --- zip bombs -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    """An OpenDocument-looking zip of about 1 MB whose ``mimetype`` entry inflates to 1 GiB."""
    data, crc = _deflate_zeros(GIB)
    return _zip_by_hand([("mimetype", data, crc, GIB)])


def _peak_while(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_a_zip_bomb_is_refused_without_inflating_it(gigabyte_bomb):
    assert len(gigabyte_bomb) < 2 * 1024 * 1024
    upload = _upload(gigabyte_bomb, "รายงาน.odt")

    def judge():
        with pytest.raises(ValidationError) as refused:
            sniff(upload, upload.name)
        assert refused.value.code == "archive"

    peak = _peak_while(judge)
    print(f"\npeak memory while judging a 1 GiB zip bomb: {peak / 1024:.0f} KiB")
    assert peak < 4 * 1024 * 1024


def test_an_entry_that_inflates_beyond_what_it_declares_is_refused():
    """The bomb lies: it declares 60 bytes, and 64 MiB would come out. Only the declared bytes are read."""
    data, crc = _deflate_zeros(64 << 20)
    upload = _upload(_zip_by_hand([("mimetype", data, crc, 60)]), "x.odt")

    def judge():
        with pytest.raises(ValidationError):
            sniff(upload, upload.name)

    assert _peak_while(judge) < 4 * 1024 * 1024


def test_too_many_entries_are_refused():
    upload = _upload(_zip({f"word/media/{i}.xml": b"x" for i in range(6000)} | {"[Content_Types].xml": b""}),
                     "many.docx")
    with pytest.raises(ValidationError) as refused:
        sniff(upload, upload.name)
    assert refused.value.code == "archive"


def test_real_documents_still_pass():
    assert sniff(_upload(_docx(), "a.docx")).extension == "docx"
    odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>" * 20000})
    assert sniff(_upload(odt, "a.odt")).extension == "odt"
    assert sniff(_upload(PDF, "a.pdf")).extension == "pdf"


# --- macros ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("upload", [
    pytest.param(_docx(content_type=b"application/vnd.ms-word.document.macroEnabled.main+xml"), id="macro-content-type"),
    pytest.param(_docx(extra={"word/macros.bin": b"\xd0\xcf\x11\xe0"},
                       document_rels=b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/'
                                     b'relationships/vbaProject" Target="macros.bin"/>'), id="renamed-vba-part"),
    pytest.param(_docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), id="vbaproject-bin"),
    pytest.param(_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>",
                       "Basic/Standard/Module1.xml": b"<script/>"}), id="opendocument-basic"),
])
def test_office_files_with_macros_are_refused(upload):
    with pytest.raises(ValidationError) as refused:
        sniff(_upload(upload, "งาน.docx"), "งาน.docx")
    assert refused.value.code == "macros"


def test_an_old_word_file_with_a_vba_storage_is_refused():
    data = _ole({("WordDocument",): b"w" * 4096, ("Macros", "_VBA_PROJECT"): b"v" * 4096})
    with pytest.raises(ValidationError) as refused:
        sniff(_upload(data, "บันทึก.doc"), "บันทึก.doc")
    assert refused.value.code == "macros"


def test_an_old_word_file_without_macros_is_accepted():
    data = _ole({("WordDocument",): b"w" * 4096, ("Data",): b"d" * 4096})
    assert sniff(_upload(data, "บันทึก.doc"), "บันทึก.doc").extension == "doc"


# --- names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("uploaded", "kept"), [
    ("รายงาน.hta", "รายงาน.pdf"), ("รายงาน.html", "รายงาน.pdf"), ("รายงาน", "รายงาน.pdf"),
    ("..\\..\\evil.pdf.exe", "evil.pdf.pdf"), ("ผล:งาน?.PDF", "ผล_งาน.pdf"), (".htaccess", "htaccess.pdf"),
])
def test_the_kept_name_takes_the_extension_of_the_content(uploaded, kept):
    kind = sniff(_upload(PDF, uploaded), uploaded)
    assert kind is ALLOWED["application/pdf"]
    assert safe_name(uploaded, kind) == kept
