"""Build one small file per kind of bad workbook, for the reader and the checker.

    python tests/data/make_corpus.py [TARGET]      (default: tests/data/corpus/)

Each file is named after its kind. CORPUS holds the files that are not readable
workbooks: it maps the name to the builder and to the UnreadableWorkbook code
open_workbook must refuse it with (None: it must open). LAYOUT_CORPUS holds
workbooks in the SPEC layout with one quirk each, of layout or of values, as
people and other programs make them: it maps the name to the builder and to
the exit code of `client-tracking validate --as-of 2026-11-30`
(tests/test_bad_workbooks.py states the rest of each outcome).
Everything is made from code, with the standard library and openpyxl:
the OLE2 files (.xls, .et, encrypted workbook) come from a minimal compound
file writer below, and the zip bomb is written as raw deflate blocks, so the
builder never holds the 600 MB it inflates to. The whole corpus builds in well
under a second and a half, which is why the tests build it into a temporary
folder instead of reading committed binaries.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
from openpyxl.styles import Border, Font, PatternFill, Side

# Run as a script, the repository root is not on the path; tests.workbooks, which
# builds the SPEC-layout workbooks below, lives there.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.workbooks import client_row, follow_up_row, make_book  # noqa: E402
from workbook import layout  # noqa: E402

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


# --- Workbooks in the SPEC layout with one quirk each --------------------------
#
# The check day of every test on them is AS_OF. Unless a builder says otherwise,
# client 1001 (王设计) is a 现房 client assigned on 2026-11-01 and 1002 (钱设计)
# the same; the staff and rules are tests.workbooks' defaults.

AS_OF = dt.date(2026, 11, 30)
D = dt.date


def plain_book(path: Path, clients=None, follow_ups=None, **sheets) -> Path:
    if clients is None:
        clients = [client_row(1001), client_row(1002, designer="钱设计")]
    if follow_ups is None:
        follow_ups = [
            follow_up_row(1001, D(2026, 11, 2)),
            follow_up_row(1002, D(2026, 11, 3), designer="钱设计"),
        ]
    return make_book(path, clients, follow_ups, **sheets)


def edit_parts(path: Path, change) -> None:
    """Rewrite the package with change(name, data) -> data applied to each part."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    write_zip(path, {name: change(name, data) for name, data in parts.items()})


def sheet_part(path: Path, title: str) -> str:
    """The zip entry of a sheet, by its title (openpyxl numbers them in order)."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode()
    titles = re.findall(r'<sheet [^>]*name="([^"]+)"', book)
    return f"xl/worksheets/sheet{titles.index(title) + 1}.xml"


def build_wrong_dimension(path: Path) -> None:
    """Every sheet says it is A1:A1, as WPS writes it for a filled sheet."""
    plain_book(path)

    def shrink(name: str, data: bytes) -> bytes:
        if not name.startswith("xl/worksheets/sheet"):
            return data
        return re.sub(
            rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:A1"/>', data
        )

    edit_parts(path, shrink)


def build_formatted_empty_rows(path: Path) -> None:
    """Fills, borders and fonts on empty cells thousands of rows below the data,
    and a cell holding only a space, as a sheet formatted in advance has."""
    plain_book(path)
    book = openpyxl.load_workbook(path)
    fill = PatternFill("solid", fgColor="FFF2CC")
    thin = Side(style="thin")
    for title in (layout.CLIENTS, layout.FOLLOW_UPS):
        sheet = book[title]
        for row in range(4, 5001, 7):
            sheet.cell(row, 1).fill = fill
            sheet.cell(row, 3).border = Border(top=thin, bottom=thin)
        for column in range(1, 20):
            sheet.cell(5000, column).font = Font(bold=True)
        sheet.row_dimensions[4999].height = 30
    book[layout.CLIENTS]["B3000"] = " "
    book.save(path)


def build_merged_cells(path: Path) -> None:
    """设计师 merged over three clients, a 跟踪日期 over two follow-ups, 备注
    over four rows and 楼盘 with 房号; a merged title above the 人员 header."""
    clients = [
        client_row(1001, note="VIP"),
        client_row(1002, designer=None),
        client_row(1003, designer=None),
        client_row(1004, estate="锦绣花园 3-201"),
    ]
    follow_ups = [
        follow_up_row(1001, D(2026, 11, 2)),
        follow_up_row(1002, None, entered_at=None),
        follow_up_row(1003, D(2026, 11, 3)),
    ]
    plain_book(path, clients, follow_ups)
    book = openpyxl.load_workbook(path)
    sheet = book[layout.CLIENTS]
    sheet.merge_cells("G2:G4")  # 设计师
    sheet.merge_cells("N2:N5")  # 备注
    sheet.merge_cells("D5:E5")  # 楼盘 and 房号
    book[layout.FOLLOW_UPS].merge_cells("C2:C3")  # 跟踪日期
    staff = book[layout.STAFF]
    staff.insert_rows(1)
    staff["A1"] = "设计部人员名单（2026）"
    staff.merge_cells("A1:E1")
    book.save(path)


def build_hidden_rows_and_columns(path: Path) -> None:
    """A hidden client row, hidden 设计师 and 分配日期 columns, a hidden 规则
    sheet (设计师乐捐 40 there) and a very hidden 监管记录 sheet."""
    clients = [
        client_row(1001),
        client_row(1002, designer="钱设计"),
        client_row(1003),
    ]
    plain_book(path, clients, rules={"fine_designer": 40})
    book = openpyxl.load_workbook(path)
    sheet = book[layout.CLIENTS]
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["G"].hidden = True
    sheet.column_dimensions["I"].hidden = True
    book[layout.FOLLOW_UPS].row_dimensions[2].hidden = True
    book[layout.RULES].sheet_state = "hidden"
    book[layout.FINDINGS].sheet_state = "veryHidden"
    book.save(path)


SHUFFLED_EXTRAS = ("微信号", "意向程度", None)


def build_columns_shuffled_with_extras(path: Path) -> None:
    """Every sheet's columns reversed, with extra columns (one without a
    header) between them and headers typed with spaces and full-width
    characters; the same records as plain_book."""
    plain_book(path)
    source = openpyxl.load_workbook(path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title in source.sheetnames:
        rows = [list(row) for row in source[title].iter_rows(values_only=True)]
        columns = list(zip(*rows, strict=True))[::-1]
        shuffled = []
        for index, column in enumerate(columns):
            header = _as_typed_header(column[0], index)
            shuffled.append((header, *column[1:]))
            extra = SHUFFLED_EXTRAS[index % len(SHUFFLED_EXTRAS)]
            if index % 2:
                shuffled.append((extra, *(f"多余{n}" for n in range(len(rows) - 1))))
        target = book.create_sheet(title)
        for row in zip(*shuffled, strict=True):
            target.append(row)
    for row in book[layout.RULES].iter_rows(min_row=2):
        cell = next(c for c in row if c.value in _RULE_NAMES)
        cell.value = cell.value.replace("(", "（").replace(")", "）")
    book.save(path)


_RULE_NAMES = {parameter.name for parameter in layout.RULE_PARAMETERS}


def _as_typed_header(header: str, index: int) -> str:
    # A space typed before, an ideographic space after, or a tab: fold() drops all.
    return ("  {}", "{}\u3000", "\t{} ")[index % 3].format(header)


def build_duplicate_headers(path: Path) -> None:
    """A second 设计师 column (typed with a trailing space) at T, a second
    跟踪日期 at K."""
    plain_book(path)
    book = openpyxl.load_workbook(path)
    clients = book[layout.CLIENTS]
    clients["T1"] = "设计师 "
    clients["T2"], clients["T3"] = "钱设计", "王设计"
    log = book[layout.FOLLOW_UPS]
    log["K1"] = "跟踪日期"
    log["K2"], log["K3"] = D(2026, 11, 20), D(2026, 11, 21)
    book.save(path)


def build_formula_without_result(path: Path) -> None:
    """Formulas saved without their result (as a script writes them), beside
    formulas saved with one (as Excel does); one in 上次跟踪, a status column
    the add-in writes and the audit compares."""
    clients = [
        client_row(1001, handover_date="=DATE(2026,1,1)", last_follow_up="=TODAY()-1"),
        client_row(1002, designer='="钱设计"'),
        client_row(1003, handover_date="=DATE(2026,1,1)", designer='="王设计"'),
    ]
    follow_ups = [
        follow_up_row(1001, "=TODAY()", entered_at=None),
        follow_up_row("=A1", D(2026, 11, 3)),
        follow_up_row(1003, D(2026, 11, 3)),
    ]
    plain_book(path, clients, follow_ups)
    part = sheet_part(path, layout.CLIENTS)

    def cache_results(name: str, data: bytes) -> bytes:
        # Row 4 gets what Excel would have stored: the number and the text.
        if name != part:
            return data
        data = data.replace(
            b'<c r="F4"><f>DATE(2026,1,1)</f><v /></c>',
            b'<c r="F4"><f>DATE(2026,1,1)</f><v>46023</v></c>',
        )
        return re.sub(
            rb'<c r="G4"[^>]*><f>([^<]*)</f><v */?>(</v>)?</c>',
            '<c r="G4" t="str"><f>\\1</f><v>王设计</v></c>'.encode(),
            data,
        )

    edit_parts(path, cache_results)


def build_error_values(path: Path) -> None:
    """Excel error values in cells of every sheet (stored as errors, t="e"),
    and one typed as text."""
    clients = [
        client_row(1001, handover_date="#N/A"),
        client_row(1002, assigned_date="#VALUE!"),
        client_row("#REF!"),
        client_row(1004, designer="#NAME?"),
    ]
    follow_ups = [
        follow_up_row(1001, "#DIV/0!", entered_at=None),
        follow_up_row("#N/A", D(2026, 11, 3)),
    ]
    plain_book(path, clients, follow_ups, rules={"interval_handed_over": "#NUM!"})
    book = openpyxl.load_workbook(path)
    book[layout.STAFF]["D3"] = "#REF!"  # 钱设计's 上级
    typed = book[layout.CLIENTS]["H2"]  # 客服专员, typed as text
    typed.value, typed.data_type = "#NULL!", "s"
    book.save(path)


def build_booleans_and_numbers_as_text(path: Path) -> None:
    """TRUE/FALSE and numbers in cells that expect text, names or choices."""
    clients = [
        client_row(1001, designer=True),
        client_row(1002, designer=123),
        client_row(1003, name=8888, estate=True, room=301, status=True, long_term=1),
        client_row(1004, long_term=True, long_term_since=D(2026, 11, 1)),
        client_row(1005, designer="456"),
    ]
    follow_ups = [
        follow_up_row(
            1001, D(2026, 11, 2), record_id=True, designer=False, method=True,
            content=12345,
        ),
        follow_up_row(1005, D(2026, 11, 2), designer=456.0, record_id=7.0),
    ]  # fmt: skip
    staff = [
        {"name": "王设计", "role": "设计师", "superior": "赵经理", "active": False},
        {"name": 456, "role": "设计师", "superior": "赵经理"},
        {"name": "赵经理", "role": "部门经理"},
    ]
    rules = {"fine_designer": "40", "warning_days": True}
    plain_book(path, clients, follow_ups, staff=staff, rules=rules)


def build_ids_floats_zeros_spaces_fullwidth(path: Path) -> None:
    """客户编号 and 记录编号 as numbers, text, text with .0, spaces, full-width
    digits and leading zeros, matched across the two sheets."""
    clients = [
        client_row(1001),
        client_row("1002"),
        client_row("1003.0"),
        client_row(" 1004 "),
        client_row("１００５"),
        client_row("00106"),
        client_row(1007.5),
        client_row("1001.0"),
    ]
    follow_ups = [
        follow_up_row("1001", D(2026, 11, 2), record_id=1.0),
        follow_up_row(1002.0, D(2026, 11, 2), record_id="2"),
        follow_up_row("１００３", D(2026, 11, 2), record_id=" 3 "),
        follow_up_row(1004, D(2026, 11, 2), record_id="０４"),
        follow_up_row("1005 ", D(2026, 11, 2)),
        follow_up_row(106, D(2026, 11, 2)),
        follow_up_row("  ", D(2026, 11, 2)),
    ]
    plain_book(path, clients, follow_ups)


PHONES = (
    13900001234,  # typed as a number
    13900001235.0,
    "1.39000012E+10",  # Excel's scientific display, pasted as text
    "139-0000-1237",
    "+86 139 0000 1238",
    "１３９００００１２３９",
    13900001240,  # a number shown in scientific format
)


def build_phone_as_float_and_scientific(path: Path) -> None:
    clients = [
        client_row(1001 + index, phone=phone) for index, phone in enumerate(PHONES)
    ]
    plain_book(path, clients, [])
    book = openpyxl.load_workbook(path)
    book[layout.CLIENTS][f"C{len(PHONES) + 1}"].number_format = "0.00E+00"
    book.save(path)


# Every form of 2026-11-03 that SPEC §3 accepts, and with a time part.
DATE_FORMS = (
    D(2026, 11, 3),
    dt.datetime(2026, 11, 3, 18, 45),
    46329,
    46329.75,
    "2026-11-03",
    "2026/11/3",
    "2026.11.3",
    "2026年11月3日",
    "2026 年 11 月 3 日",
    "2026-11-3",
    "2026-11-03 09:30",
    "2026/11/3 9:05:30",
    "2026-11-03T14:30",
    "２０２６－１１－０３",
    " 2026/11/03 ",
    "20261103",
    20261103,
)
ENTRY_FORMS = (
    dt.datetime(2026, 11, 3, 18, 0),
    "2026-11-03 18:00",
    "2026/11/3 18:00:00",
    46329.75,
    D(2026, 11, 3),
)


def build_date_forms(path: Path) -> None:
    clients = [
        client_row(1001 + index, handover_date=form)
        for index, form in enumerate(DATE_FORMS)
    ]
    follow_ups = [
        follow_up_row(1001, form, entered_at=entry)
        for form, entry in zip(DATE_FORMS, ENTRY_FORMS, strict=False)
    ]
    plain_book(path, clients, follow_ups)


def build_date_without_year(path: Path) -> None:
    clients = [
        client_row(1001, handover_date="11-03"),
        client_row(1002, handover_date="11/3"),
        client_row(1003, handover_date="11月3日"),
        client_row(1004, handover_date="11.3"),
    ]
    follow_ups = [follow_up_row(1001, "11月5日", entered_at=None)]
    plain_book(path, clients, follow_ups)


def build_impossible_dates(path: Path) -> None:
    clients = [
        client_row(1001, handover_date="2026-02-30"),
        client_row(1002, handover_date="2026-13-01"),
        client_row(1003, handover_date="2026年2月29日"),
        client_row(1004, handover_date="2026/04/31"),
        client_row(1005, handover_date=20260230),
        client_row(1006, handover_date="2026-00-10"),
        client_row(1007, handover_date="1899-12-31"),
        client_row(1008, handover_date=5),
    ]
    follow_ups = [follow_up_row(1001, "2026-11-31", entered_at=None)]
    plain_book(path, clients, follow_ups)


def build_future_dates(path: Path) -> None:
    """Dates after the check day: where they make no sense, and 交房日期,
    where they are normal."""
    clients = [
        client_row(1001, assigned_date=D(2026, 12, 15)),
        client_row(1002, long_term="是", long_term_since=D(2027, 1, 1)),
        client_row(1003, status="已签约", closed_date=D(2026, 12, 31)),
        client_row(1004, handover_date=D(2027, 6, 1)),
    ]
    follow_ups = [follow_up_row(1002, D(2026, 12, 2))]
    findings = [
        {
            "verified_date": D(2026, 12, 5),
            "client_id": 1002,
            "specialist": "林客服",
            "kind": "徇私舞弊",
            "verified": "是",
        }
    ]
    plain_book(path, clients, follow_ups, findings=findings)


MIXED_ASSIGNED = (
    D(2026, 11, 1),
    46327,
    "2026/11/1",
    "2026年11月1日",
    "11/1/2026",
    "1.11.2026",
    "下周一",
    dt.time(9, 30),
    True,
)
MIXED_FOLLOW_UPS = (D(2026, 11, 3), "2026-11-3", 46330, "11/04/2026")


def build_mixed_date_column(path: Path) -> None:
    """One 分配日期 column and one 跟踪日期 column holding real dates, serial
    numbers and text of several kinds."""
    clients = [
        client_row(1001 + index, assigned_date=value)
        for index, value in enumerate(MIXED_ASSIGNED)
    ]
    follow_ups = [
        follow_up_row(1001, value, entered_at=None) for value in MIXED_FOLLOW_UPS
    ]
    plain_book(path, clients, follow_ups)


def build_stray_value_far_away(path: Path) -> None:
    """One value typed in XFD1048576 of 客户, the last cell of a sheet: the
    sheet then spans 17 billion cells, too many to hold."""
    plain_book(path)
    book = openpyxl.load_workbook(path)
    book[layout.CLIENTS]["XFD1048576"] = "x"
    book.save(path)


def build_styled_cell_far_away(path: Path) -> None:
    """XFD1048576 of 客户 formatted but empty: the stated dimension reaches it,
    the values do not."""
    plain_book(path)
    book = openpyxl.load_workbook(path)
    book[layout.CLIENTS]["XFD1048576"].fill = PatternFill("solid", fgColor="FFFF00")
    book.save(path)


def build_missing_required_sheet(path: Path) -> None:
    plain_book(path, leave_out=(layout.FOLLOW_UPS,))


def build_missing_staff_sheet(path: Path) -> None:
    plain_book(path, leave_out=(layout.STAFF,))


def build_missing_optional_sheets(path: Path) -> None:
    plain_book(path, leave_out=(layout.RULES, layout.FINDINGS))


def build_sheet_names_with_spaces(path: Path) -> None:
    """Sheet names typed with spaces and full-width characters."""
    plain_book(path)
    book = openpyxl.load_workbook(path)
    book[layout.CLIENTS].title = " 客户 "
    book[layout.FOLLOW_UPS].title = "跟踪记录\u3000"
    book[layout.STAFF].title = "人 员"
    book.save(path)


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


# file name -> (builder, exit code of `validate --as-of 2026-11-30`)
LAYOUT_CORPUS = {
    "wrong-dimension.xlsx": (build_wrong_dimension, 0),
    "formatted-empty-rows.xlsx": (build_formatted_empty_rows, 0),
    "merged-cells.xlsx": (build_merged_cells, 1),
    "hidden-rows-and-columns.xlsx": (build_hidden_rows_and_columns, 0),
    "columns-shuffled-with-extras.xlsx": (build_columns_shuffled_with_extras, 0),
    "duplicate-headers.xlsx": (build_duplicate_headers, 1),
    "formula-without-result.xlsx": (build_formula_without_result, 1),
    "error-values.xlsx": (build_error_values, 1),
    "booleans-and-numbers-as-text.xlsx": (build_booleans_and_numbers_as_text, 1),
    "ids-floats-zeros-spaces-fullwidth.xlsx": (
        build_ids_floats_zeros_spaces_fullwidth,
        1,
    ),
    "phone-as-float-and-scientific.xlsx": (build_phone_as_float_and_scientific, 0),
    "date-forms.xlsx": (build_date_forms, 0),
    "date-without-year.xlsx": (build_date_without_year, 1),
    "impossible-dates.xlsx": (build_impossible_dates, 1),
    "future-dates.xlsx": (build_future_dates, 0),
    "mixed-date-column.xlsx": (build_mixed_date_column, 1),
    "stray-value-far-away.xlsx": (build_stray_value_far_away, 2),
    "styled-cell-far-away.xlsx": (build_styled_cell_far_away, 0),
    "missing-required-sheet.xlsx": (build_missing_required_sheet, 2),
    "missing-staff-sheet.xlsx": (build_missing_staff_sheet, 1),
    "missing-optional-sheets.xlsx": (build_missing_optional_sheets, 0),
    "sheet-names-with-spaces.xlsx": (build_sheet_names_with_spaces, 0),
}


def build_corpus(target: Path, kinds: dict = CORPUS) -> dict[str, Path]:
    """Build every file of kinds (CORPUS or LAYOUT_CORPUS) into target;
    returns name -> path."""
    target.mkdir(parents=True, exist_ok=True)
    built = {}
    for name, (builder, _outcome) in kinds.items():
        path = target / name
        builder(path)
        built[name] = path
    return built


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path(__file__).parent / "corpus"
    for kinds in (CORPUS, LAYOUT_CORPUS):
        for name, path in build_corpus(target, kinds).items():
            print(f"{path.stat().st_size:>10}  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
