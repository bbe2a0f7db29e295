"""Build one small file per kind of unreadable workbook, for workbook.opening.

    python tests/data/make_corpus.py [TARGET]      (default: tests/data/corpus/)

Each file is named after its kind; CORPUS maps the name to the builder and to
the UnreadableWorkbook code open_workbook must refuse it with (None: it must
open). Everything is made from code, with the standard library and openpyxl:
the OLE2 files (.xls, .et, encrypted workbook) come from a minimal compound
file writer below, and the zip bomb is written as raw deflate blocks, so the
builder never holds the 600 MB it inflates to. The whole corpus builds in well
under a second and a half, which is why the tests build it into a temporary
folder instead of reading committed binaries.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl

MiB = 1 << 20

SHEET_PART = "xl/worksheets/sheet1.xml"

# A billion laughs: ten levels of ten references, 10**9 "lol"s if expanded.
BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + "".join(
        f'<!ENTITY lol{level} "' + f"&lol{level - 1};" * 10 + '">'
        for level in range(1, 10)
    )
    + "]>"
)


# --- Valid packages to start from -----------------------------------------------


def valid_workbook_bytes() -> bytes:
    """A small real workbook, as openpyxl saves it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["客户编号", "客户姓名", "交房日期"])
    sheet.append([1001, "张三", "2026-11-03"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def valid_workbook_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(valid_workbook_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, parts: dict[str, bytes]) -> None:
    """Write parts as a deflated zip with a fixed date, so builds repeat."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 3, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def workbook_with_sheet_prolog(path: Path, prolog: bytes) -> None:
    """The valid workbook with prolog put before the sheet's root element."""
    parts = valid_workbook_parts()
    parts[SHEET_PART] = prolog + parts[SHEET_PART]
    write_zip(path, parts)


# --- Not a zip at all ------------------------------------------------------------


def build_text(path: Path) -> None:
    path.write_text("客户跟踪表\n张三 已电话回访，下周再联系。\n", encoding="utf-8")


def build_csv(path: Path) -> None:
    # What Excel's "CSV" export looks like on a Chinese Windows: GBK.
    rows = "客户编号,客户姓名,设计师\r\n1001,张三,李四\r\n1002,王五,李四\r\n"
    path.write_bytes(rows.encode("gbk"))


def build_html(path: Path) -> None:
    # Many web systems export an "Excel" file that is an HTML table.
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>客户编号</td><td>客户姓名</td></tr></table></body></html>",
        encoding="utf-8",
    )


def build_empty(path: Path) -> None:
    path.write_bytes(b"")


# --- OLE2 compound files ----------------------------------------------------------

FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
SECTOR = 512
# Streams shorter than this belong in the mini stream; padding every stream to
# it keeps the writer to plain sectors.
MINI_STREAM_CUTOFF = 4096


def compound_file(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE2 compound file (version 3, [MS-CFB]) with streams at the
    root and empty storages beside them. Readers such as python-calamine's and
    olefile's open it."""
    padded = {
        name: data.ljust(MINI_STREAM_CUTOFF, b"\0") for name, data in streams.items()
    }
    children = [(name, 2, data) for name, data in padded.items()]
    children += [(name, 1, b"") for name in storages]
    children.sort(key=lambda child: (len(child[0]), child[0].upper()))

    # Sector 0 holds the allocation table; streams follow, the directory last.
    fat = [FAT_SECTOR]
    starts = []
    body = b""
    for _name, kind, data in children:
        if kind != 2:
            starts.append(0)  # a storage has no data of its own
            continue
        count = len(data) // SECTOR + (len(data) % SECTOR > 0)
        starts.append(len(fat))
        fat += list(range(len(fat) + 1, len(fat) + count)) + [END]
        body += data.ljust(count * SECTOR, b"\0")

    root, links = _sibling_tree(len(children))
    entries = [_directory_entry("Root Entry", 5, END, 0, child=root)]
    for (name, kind, data), start, (left, right) in zip(
        children, starts, links, strict=True
    ):
        size = len(data) if kind == 2 else 0
        entries.append(_directory_entry(name, kind, start, size, left, right))
    while len(entries) % (SECTOR // 128):
        entries.append(_directory_entry("", 0, END, 0))
    directory = b"".join(entries)
    directory_start = len(fat)
    directory_sectors = len(directory) // SECTOR
    fat += list(range(directory_start + 1, directory_start + directory_sectors))
    fat += [END]
    assert len(fat) <= SECTOR // 4, "one allocation sector is enough here"

    header = _compound_header(fat_sectors=1, directory_start=directory_start)
    table = struct.pack(f"<{len(fat)}I", *fat).ljust(SECTOR, b"\xff")
    return header + table + body + directory


def _sibling_tree(count: int) -> tuple[int, list[tuple[int, int]]]:
    """The root id and each entry's (left, right) sibling ids: the children of
    a storage form a binary search tree, here a balanced one over the sorted
    entries 1..count, all black."""
    links = [(NO_STREAM, NO_STREAM)] * count

    def build(low: int, high: int) -> int:
        if low >= high:
            return NO_STREAM
        middle = (low + high) // 2
        links[middle] = (build(low, middle), build(middle + 1, high))
        return middle + 1

    return build(0, count), links


def _directory_entry(
    name: str,
    kind: int,
    start: int,
    size: int,
    left: int = NO_STREAM,
    right: int = NO_STREAM,
    child: int = NO_STREAM,
) -> bytes:
    encoded = name.encode("utf-16-le")
    length = len(encoded) + 2 if name else 0
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB3I", length, kind, 1, left, right, child)
        + bytes(16)  # class id
        + struct.pack("<IQQIQ", 0, 0, 0, start, size)
    )


def _compound_header(fat_sectors: int, directory_start: int) -> bytes:
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIII", 0, fat_sectors, directory_start, 0)
        + struct.pack("<IIIII", MINI_STREAM_CUTOFF, END, 0, END, 0)
        + struct.pack("<I", 0)  # the allocation table is sector 0
        + b"\xff" * (4 * 108)
    )
    assert len(header) == SECTOR
    return header


def biff8_workbook_stream() -> bytes:
    """The start of an Excel 97-2003 workbook stream: BOF, then EOF."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack(
        "<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06
    )
    return bof + struct.pack("<HH", 0x000A, 0)


def build_xls(path: Path) -> None:
    path.write_bytes(compound_file({"Workbook": biff8_workbook_stream()}))


def build_wps_et(path: Path) -> None:
    streams = {"Workbook": biff8_workbook_stream(), "WpsCustomData": b"\0" * 16}
    path.write_bytes(compound_file(streams))


def build_encrypted(path: Path) -> None:
    """Shaped like an Office-encrypted .xlsx (agile encryption, MS-OFFCRYPTO):
    EncryptionInfo with version 4.4 and an XML descriptor, EncryptedPackage
    with the plain size and then ciphertext (here: seeded random bytes)."""
    descriptor = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        b'hashAlgorithm="SHA512" saltValue=""/></encryption>'
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + descriptor
    ciphertext = random.Random(20261103).randbytes(8192)
    package = struct.pack("<Q", 6000) + ciphertext
    streams = {"EncryptionInfo": info, "EncryptedPackage": package}
    path.write_bytes(compound_file(streams, storages=("\x06DataSpaces",)))


# --- Broken zips -----------------------------------------------------------------


def build_truncated(path: Path) -> None:
    # A download or copy that stopped part-way: the central directory is gone.
    data = valid_workbook_bytes()
    path.write_bytes(data[: len(data) * 3 // 5])


def build_corrupt(path: Path) -> None:
    """Intact zip structure, but bytes flipped inside workbook.xml's data."""
    write_zip(path, valid_workbook_parts())
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/workbook.xml")
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + 4, start + info.compress_size - 4, 7):
        data[offset] ^= 0x55
    path.write_bytes(bytes(data))


def build_missing_content_types(path: Path) -> None:
    parts = valid_workbook_parts()
    del parts["[Content_Types].xml"]
    write_zip(path, parts)


def build_missing_workbook_part(path: Path) -> None:
    parts = valid_workbook_parts()
    del parts["xl/workbook.xml"]
    write_zip(path, parts)


def build_zip_encrypted_entries(path: Path) -> None:
    # Bit 0 of the flags says "encrypted with a zip password" (zipfile will not
    # write it, so the entries are written raw; the data itself is plain).
    write_raw_zip(path, _deflated_parts(valid_workbook_parts()), flags=0x1)


# --- Zip bombs -------------------------------------------------------------------

BOMB_BYTES = 600 * MiB


def bomb_stream(size: int = BOMB_BYTES) -> tuple[bytes, int, int]:
    """(deflate data, CRC-32, length) of a sheet part padded with size spaces.

    After a full flush the compressor starts afresh, so every MiB of spaces
    compresses to the same block: one block is computed and repeated.
    """
    prefix = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        b'main"><sheetData>'
    )
    suffix = b"</sheetData></worksheet>"
    spaces = b" " * MiB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()

    crc = zlib.crc32(prefix)
    for _ in range(size // MiB):
        crc = zlib.crc32(spaces, crc)
    crc = zlib.crc32(suffix, crc)
    data = head + block * (size // MiB) + tail
    return data, crc, len(prefix) + size // MiB * MiB + len(suffix)


def write_raw_zip(
    path: Path, members: list[tuple[str, bytes, int, int, int]], flags: int = 0
) -> None:
    """A zip from already deflated members: (name, data, crc, declared size,
    method). Lets a member declare any size, true or not, and any flags."""
    local, central = b"", b""
    for name, data, crc, size, method in members:
        encoded = name.encode("utf-8")
        fields = struct.pack(
            "<HHHHHIIIHH", 20, 0x800 | flags, method, 0, 0x5B63, crc, len(data), size,
            len(encoded), 0,
        )  # fmt: skip
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, len(local))
            + encoded
        )
        local += b"PK\x03\x04" + fields + encoded + data
    end = b"PK\x05\x06" + struct.pack(
        "<HHHHIIH", 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(local + central + end)


def _deflated_parts(parts: dict[str, bytes]) -> list[tuple[str, bytes, int, int, int]]:
    members = []
    for name, data in parts.items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        members.append((name, packed, zlib.crc32(data), len(data), 8))
    return members


def build_zip_bomb(path: Path, declared: int | None = None) -> None:
    """A workbook whose sheet is 0.6 MB inflating to 600 MB (ratio ~1000)."""
    parts = valid_workbook_parts()
    del parts[SHEET_PART]
    data, crc, size = bomb_stream()
    members = _deflated_parts(parts)
    members.append((SHEET_PART, data, crc, declared or size, 8))
    write_raw_zip(path, members)


def build_zip_bomb_lying_size(path: Path) -> None:
    """The same bomb, declaring 1 MiB: passes the size and ratio checks and
    must be caught while decompressing, at a cost of the declared 1 MiB."""
    build_zip_bomb(path, declared=MiB)


def build_zip_bomb_many_entries(path: Path) -> None:
    parts = valid_workbook_parts()
    for number in range(20_000):
        parts[f"xl/media/image{number}.png"] = b""
    write_zip(path, parts)


# --- XML entities ----------------------------------------------------------------


def build_xml_entities(path: Path) -> None:
    """A valid workbook whose sheet declares a billion laughs and uses it."""
    parts = valid_workbook_parts()
    sheet = parts[SHEET_PART].replace("张三".encode(), b"&lol9;")
    parts[SHEET_PART] = BILLION_LAUGHS.encode() + sheet
    write_zip(path, parts)


def build_xml_entities_in_workbook_part(path: Path) -> None:
    # python-calamine ignores the DTD here and opens the file; refused anyway.
    parts = valid_workbook_parts()
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    doctype = BILLION_LAUGHS.replace("worksheet", "workbook").encode()
    body = parts["xl/workbook.xml"].removeprefix(declaration)
    parts["xl/workbook.xml"] = declaration + doctype + body
    write_zip(path, parts)


def build_xml_entities_utf16(path: Path) -> None:
    parts = valid_workbook_parts()
    text = '<?xml version="1.0" encoding="UTF-16"?>' + BILLION_LAUGHS
    text += parts[SHEET_PART].decode("utf-8")
    parts[SHEET_PART] = text.encode("utf-16")
    write_zip(path, parts)


# --- Other zips ------------------------------------------------------------------


def build_docx(path: Path) -> None:
    write_zip(
        path,
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        },
    )


def build_ods(path: Path) -> None:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves as .ods),
    named .xlsx. python-calamine reads it, so open_workbook accepts it."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content office:version="1.2" '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="客户">'
        "<table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>客户编号</text:p>'
        "</table:table-cell>"
        '<table:table-cell office:value-type="string"><text:p>客户姓名</text:p>'
        "</table:table-cell></table:table-row><table:table-row>"
        '<table:table-cell office:value-type="float" office:value="1001">'
        "<text:p>1001</text:p></table:table-cell>"
        '<table:table-cell office:value-type="string"><text:p>张三</text:p>'
        "</table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
        'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


def build_valid(path: Path) -> None:
    path.write_bytes(valid_workbook_bytes())


# file name -> (builder, the code open_workbook refuses it with; None: opens)
CORPUS = {
    "valid.xlsx": (build_valid, None),
    "ods-as-xlsx.xlsx": (build_ods, None),
    "text-as-xlsx.xlsx": (build_text, "not-xlsx"),
    "csv-as-xlsx.xlsx": (build_csv, "not-xlsx"),
    "html-as-xlsx.xlsx": (build_html, "not-xlsx"),
    "docx-as-xlsx.xlsx": (build_docx, "not-xlsx"),
    "empty.xlsx": (build_empty, "empty-file"),
    "old-xls.xls": (build_xls, "xls"),
    "xls-as-xlsx.xlsx": (build_xls, "xls"),
    "wps.et": (build_wps_et, "wps-et"),
    "encrypted.xlsx": (build_encrypted, "encrypted"),
    "zip-encrypted-entries.xlsx": (build_zip_encrypted_entries, "encrypted"),
    "truncated.xlsx": (build_truncated, "corrupt-zip"),
    "corrupt-zip.xlsx": (build_corrupt, "corrupt-zip"),
    "missing-content-types.xlsx": (build_missing_content_types, "corrupt-zip"),
    "missing-workbook-part.xlsx": (build_missing_workbook_part, "corrupt-zip"),
    "zip-bomb.xlsx": (build_zip_bomb, "zip-bomb"),
    "zip-bomb-lying-size.xlsx": (build_zip_bomb_lying_size, "corrupt-zip"),
    "zip-bomb-many-entries.xlsx": (build_zip_bomb_many_entries, "zip-bomb"),
    "xml-entities.xlsx": (build_xml_entities, "xml-entities"),
    "xml-entities-in-workbook-part.xlsx": (
        build_xml_entities_in_workbook_part,
        "xml-entities",
    ),
    "xml-entities-utf16.xlsx": (build_xml_entities_utf16, "xml-entities"),
}


def build_corpus(target: Path) -> dict[str, Path]:
    """Build every corpus file into target; returns name -> path."""
    target.mkdir(parents=True, exist_ok=True)
    built = {}
    for name, (builder, _code) in CORPUS.items():
        path = target / name
        builder(path)
        built[name] = path
    return built


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path(__file__).parent / "corpus"
    for name, path in build_corpus(target).items():
        print(f"{path.stat().st_size:>10}  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
