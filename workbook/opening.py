"""Open an untrusted workbook file safely, or refuse it with a clear Chinese message.

The shared workbook is typed by people in Excel, WPS Office or LibreOffice and
then handed to customer service, so the file may be anything: a CSV renamed to
.xlsx, an old .xls, a WPS .et, a password-protected workbook, half a download,
or a file built to hurt whoever opens it. open_workbook looks at the bytes
before python-calamine does and refuses, in bounded time and memory, anything
that is not a readable workbook. Every refusal is an UnreadableWorkbook whose
str() is a Chinese sentence for the user: which file, what it seems to be, and
what to do.

What is accepted: an Office Open XML workbook (.xlsx/.xlsm, as saved by Excel,
WPS or LibreOffice), and, because python-calamine reads them just as well, an
OpenDocument spreadsheet (.ods) or an Excel binary workbook (.xlsb) even when
it is named .xlsx. The format is decided by the content, never by the name.

What is checked, in order:
1. the path is a regular file we may read, not empty and not absurdly large;
2. the first bytes: a zip (PK\\x03\\x04), an OLE2 compound file (old .xls, WPS
   .et or an encrypted workbook, told apart by the stream names inside), or
   something else (text, CSV, HTML, PDF, a picture ...);
3. for a zip, before anything is decompressed: the size of its central
   directory, the number of entries, each entry's declared size and ratio;
4. that it is a spreadsheet package (not a Word file or a plain zip) with its
   required parts;
5. every entry is then decompressed once, streaming, to check its CRC and that
   it is no larger than declared (zipfile stops at the declared size, so a lie
   costs at most what the limits allow), and the prolog of every XML part is
   scanned for a DOCTYPE or ENTITY declaration (billion laughs and friends);
6. python-calamine opens the same file handle, so the file that was checked is
   the file that is read, and anything it raises becomes UnreadableWorkbook.

The file is only ever opened for reading.
"""

from __future__ import annotations

import contextlib
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import python_calamine

# --- Limits -------------------------------------------------------------------
# Sizes measured on sheet XML shaped like the client list: 1,048,576 rows of
# 14 styled cells is ~0.6-1 GB of XML that deflates 8-20x; 1,048,576 empty
# styled rows (what some programs write for a formatted column) ~82 MB at ~29x.
# A deflate bomb reaches ~1030x (600 MB of one byte in 0.6 MB).

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

# The whole file is handed to python-calamine as bytes, so this bounds memory.
# A full-height client sheet compresses to some 30-100 MB; 256 MB leaves room
# for pictures people paste into the workbook.
MAX_FILE_BYTES = 256 * MiB

# Declared uncompressed size of one entry and of all of them. A full-height
# sheet of wide rows stays under 1 GiB; a workbook that is several of those is
# more than the checker can hold in memory anyway.
MAX_ENTRY_BYTES = 1 * GiB
MAX_TOTAL_BYTES = 2 * GiB

# Compression ratio above which a large entry (or the whole archive) is a bomb.
# Real sheet XML stays below ~30x; 100x leaves a margin of three over the most
# repetitive real sheet measured and is still ten times below a deflate bomb.
MAX_RATIO = 100

# Below this declared size the ratio is not checked: a small part may compress
# absurdly well (a blank sheet, a theme) and still costs nothing to read.
RATIO_FLOOR_BYTES = 16 * MiB

# A workbook has tens of parts, one with many sheets and pictures a few
# thousand. Python's zipfile builds one object per entry of the central
# directory, so both are capped before zipfile reads it.
MAX_ENTRIES = 10_000
MAX_CENTRAL_DIRECTORY_BYTES = 4 * MiB

# The XML prolog (declaration, comments, DOCTYPE) comes before the root
# element; Excel, WPS and LibreOffice write under 100 bytes of it. A prolog
# longer than this is refused rather than scanned without end.
# Entries up to this size are inflated whole here to check their CRC.
FULL_CHECK_BYTES = 16 * 1024 * 1024
MAX_PROLOG_BYTES = 64 * KiB

# How much of the file is looked at to tell what it is, and how much of an
# entry is decompressed at a time while checking it.
SNIFF_BYTES = 4 * KiB
CHUNK_BYTES = 1 * MiB

# An OLE2 directory of an old workbook is a few sectors; this bounds a looping
# or absurd sector chain in a crafted one.
MAX_OLE2_DIRECTORY_SECTORS = 4096

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- Messages -----------------------------------------------------------------
# Every sentence the user sees, in one place so it can be read and translated.
# {name} is the file's name; {detail} a phrase from DETAILS; {what}/{advice}
# come from FOREIGN_KINDS.

MESSAGES = {
    "not-found": "找不到文件“{name}”。请确认文件名和所在文件夹是否正确。",
    "is-directory": "“{name}”是一个文件夹，不是工作簿。请选择文件夹里的 .xlsx 文件。",
    "not-a-file": (
        "“{name}”不是普通文件（可能是设备或管道），无法作为工作簿读取。"
        "请选择保存在磁盘上的 .xlsx 文件。"
    ),
    "permission": (
        "没有权限读取“{name}”。如果它正在 Excel 或 WPS 中打开，请先关闭再试；"
        "否则请确认该文件允许你读取，或请文件的主人复制一份给你后再检查。"
    ),
    "io-error": (
        "读取“{name}”时出错（{detail}）。"
        "如果文件在网盘或共享文件夹中，请先复制到本机再试。"
    ),
    "empty-file": (
        "“{name}”是空文件（0 字节），里面没有任何内容，可能没有保存成功或复制失败。"
        "请在 Excel 中重新打开原工作簿，另存为 .xlsx 后再试。"
    ),
    "too-large": (
        "“{name}”有 {detail}，超过了本工具能检查的上限 {limit}。"
        "请删去不需要的图片或工作表，在 Excel 中另存一份后再试。"
    ),
    "not-xlsx": "“{name}”看起来是{what}，不是 Excel 工作簿。{advice}",
    "xls": (
        "“{name}”是旧版 Excel 97-2003 工作簿（.xls），本工具只读取 .xlsx。"
        "请在 Excel 中打开它，另存为“Excel 工作簿 (*.xlsx)”后再试。"
    ),
    "wps-et": (
        "“{name}”是 WPS 表格文件（.et），本工具只读取 .xlsx。"
        "请在 WPS 中打开它，另存为“Excel 工作簿 (*.xlsx)”后再试。"
    ),
    "encrypted": (
        "“{name}”工作簿有密码保护，请取消密码后另存一份再检查"
        "（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码后保存）。"
    ),
    "corrupt-zip": (
        "“{name}”已损坏或不完整（{detail}），无法读取。"
        "文件可能没有保存完，或在复制、下载、传输时被截断。"
        "请在 Excel 中打开原工作簿另存一份 .xlsx，或重新获取完整的文件后再试。"
    ),
    "zip-bomb": (
        "“{name}”内部结构异常（{detail}），像是故意构造的“压缩炸弹”，"
        "不像正常的工作簿，为安全起见已拒绝读取。"
        "如果这确实是你们的工作簿，请在 Excel 中打开它、另存为新的 .xlsx 后再试；"
        "来历不明的文件请不要打开。"
    ),
    "xml-entities": (
        "“{name}”内部含有 XML 实体定义（{detail}），正常的 Excel、WPS 或 LibreOffice "
        "文件不会这样写，为安全起见已拒绝读取。请在 Excel 中打开它并另存为新的 .xlsx "
        "后再试；来历不明的文件请不要打开。"
    ),
    "unreadable": (
        "无法读取“{name}”（{detail}）。它可能已损坏，或不是 Excel 能正常保存的工作簿。"
        "请在 Excel 中打开它并另存为 .xlsx 后再试。"
    ),
}

# Phrases that fill {detail}.
DETAILS = {
    "io": "系统报告：{error}",
    "size": "{size}",
    "no-zip-directory": "文件末尾的目录缺失，常见于文件只保存或复制了一部分",
    "bad-zip-directory": "文件内部的目录无法识别",
    "bad-entry": "其中的“{entry}”数据校验失败",
    "unsupported-compression": "其中的“{entry}”使用了不支持的压缩方式",
    "missing-part": "缺少必需的部件“{part}”",
    "entry-too-large": "其中的“{entry}”解压后有 {size}",
    "total-too-large": "全部内容解压后共有 {size}",
    "entry-ratio": "其中的“{entry}”由 {packed} 解压成 {size}，约 {ratio} 倍",
    "total-ratio": "全部内容由 {packed} 解压成 {size}，约 {ratio} 倍",
    "too-many-entries": "文件内部有 {count} 个部件",
    "directory-too-large": "文件内部的目录有 {size}",
    "doctype": "“{entry}”中有 DOCTYPE/ENTITY 声明",
    "long-prolog": "“{entry}”的 XML 文件头超过 {size}",
    "reader-password": "读取组件报告工作簿有密码",
    "reader-zip": "读取组件无法解开文件的压缩结构",
    "reader-xml": "工作簿内部的 XML 内容无法解析",
    "reader-entities": "读取组件在其中发现 DOCTYPE/ENTITY 声明",
    "reader-other": "读取组件无法识别其中的内容",
    "memory": "内存不足",
}

# What a file that is not a workbook seems to be, and what to do with it.
_SAVE_AS_XLSX = "请用 Excel 打开它，另存为“Excel 工作簿 (*.xlsx)”后再试。"
_FIND_ORIGINAL = "请找到客户跟踪的原始 Excel 工作簿（.xlsx）再检查。"
_UNPACK_FIRST = "请先把它解压，再选择其中的 .xlsx 文件。"
FOREIGN_KINDS = {
    "csv": ("CSV 文本文件（只是改了扩展名）", _SAVE_AS_XLSX),
    "text": ("纯文本文件（只是改了扩展名）", _SAVE_AS_XLSX),
    "html": ("网页（HTML）文件，常见于从网页或系统导出的“Excel”", _SAVE_AS_XLSX),
    "xml2003": ("Excel 2003 XML 表格", _SAVE_AS_XLSX),
    "xml": ("XML 文本文件", _SAVE_AS_XLSX),
    "rtf": ("RTF 文档", _FIND_ORIGINAL),
    "pdf": ("PDF 文件", _FIND_ORIGINAL),
    "image": ("图片", _FIND_ORIGINAL),
    "docx": ("Word 文档", _FIND_ORIGINAL),
    "pptx": ("PowerPoint 演示文稿", _FIND_ORIGINAL),
    "odf": ("OpenDocument 文本或演示文稿（不是表格）", _FIND_ORIGINAL),
    "doc": ("旧版 Word 97-2003 文档（.doc）", _FIND_ORIGINAL),
    "ppt": ("旧版 PowerPoint 97-2003 演示文稿（.ppt）", _FIND_ORIGINAL),
    "ole2": ("旧版 Office 复合文档，但不是表格", _FIND_ORIGINAL),
    "zip": ("普通压缩包（zip）", _UNPACK_FIRST),
    "archive": ("压缩包（rar/7z/gz）", _UNPACK_FIRST),
    "binary": ("无法识别的文件", _FIND_ORIGINAL),
}


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook.

    str(exc) is a Chinese message for the user: what the file is and what to
    do. code is stable (see MESSAGES) for callers and tests; technical holds
    the underlying error, in English where it came from a library, for logs.
    """

    def __init__(self, code: str, path, *, technical: str = "", **fields):
        self.code = code
        self.path = os.fspath(path)
        self.technical = technical
        fields.setdefault("detail", "")
        super().__init__(MESSAGES[code].format(name=Path(self.path).name, **fields))


def open_workbook(path) -> python_calamine.CalamineWorkbook:
    """Check the file, then open it with python-calamine. Raises UnreadableWorkbook.

    The returned workbook holds the file's bytes in memory; the file itself is
    closed before this returns.
    """
    path = Path(os.fspath(path))

    with _open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        _refuse_by_size(path, size)

        head = handle.read(SNIFF_BYTES)
        if head.startswith(OLE2_MAGIC):
            _refuse_ole2(path, handle)
        if not head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
            _refuse_foreign(path, _foreign_kind(head, path.suffix))

        _check_zip(path, handle, size)

        handle.seek(0)
        with as_unreadable(path):
            return python_calamine.CalamineWorkbook.from_filelike(handle)


@contextlib.contextmanager
def as_unreadable(path) -> Iterator[None]:
    """Turn what readers raise on a bad file into UnreadableWorkbook.

    For code that reads sheets after open_workbook (calamine parses a sheet's
    XML only when asked for it) or that parses the package with openpyxl,
    whose defusedxml guard raises EntitiesForbidden/DTDForbidden wrapped in a
    ValueError.
    """
    try:
        yield
    except UnreadableWorkbook:
        raise
    except Exception as error:
        refusal = refusal_for(error, path)
        if refusal is None:
            raise
        raise refusal from error


def refusal_for(error: BaseException, path) -> UnreadableWorkbook | None:
    """The UnreadableWorkbook that error means for the file at path, if any."""
    technical = f"{type(error).__name__}: {error}"

    if _caused_by_defusedxml(error):
        return UnreadableWorkbook(
            "xml-entities", path, detail=DETAILS["reader-entities"], technical=technical
        )

    if isinstance(error, python_calamine.PasswordError):
        return UnreadableWorkbook("encrypted", path, technical=technical)

    reader_detail = _reader_detail(error)
    if reader_detail is not None:
        return UnreadableWorkbook(
            "unreadable", path, detail=DETAILS[reader_detail], technical=technical
        )

    if isinstance(error, (zipfile.BadZipFile, zlib.error, EOFError)):
        return UnreadableWorkbook(
            "corrupt-zip", path, detail=DETAILS["reader-zip"], technical=technical
        )

    if isinstance(error, OSError):
        return _refusal_for_os_error(error, path)

    if isinstance(error, MemoryError):
        return UnreadableWorkbook(
            "unreadable", path, detail=DETAILS["memory"], technical=technical
        )

    return None


def _reader_detail(error: BaseException) -> str | None:
    # ZipError and XmlError are CalamineErrors, so the specific ones go first.
    if isinstance(error, python_calamine.ZipError):
        return "reader-zip"
    if isinstance(error, python_calamine.XmlError):
        return "reader-xml"
    if isinstance(error, python_calamine.CalamineError):
        return "reader-other"
    return None


def _caused_by_defusedxml(error: BaseException) -> bool:
    # Imported here: defusedxml is only needed when an error is being mapped.
    from defusedxml import DefusedXmlException

    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _refusal_for_os_error(error: OSError, path) -> UnreadableWorkbook:
    technical = f"{type(error).__name__}: {error}"
    if isinstance(error, FileNotFoundError):
        return UnreadableWorkbook("not-found", path, technical=technical)
    if isinstance(error, IsADirectoryError):
        return UnreadableWorkbook("is-directory", path, technical=technical)
    if isinstance(error, PermissionError):
        return UnreadableWorkbook("permission", path, technical=technical)
    reason = error.strerror or str(error)
    detail = DETAILS["io"].format(error=reason)
    return UnreadableWorkbook("io-error", path, detail=detail, technical=technical)


# --- The file itself ----------------------------------------------------------


@contextlib.contextmanager
def _open_regular_file(path: Path) -> Iterator[BinaryIO]:
    """Open path for reading, refusing what is not a regular file we may read."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableWorkbook("is-directory", path)
        if not stat.S_ISREG(mode):
            raise UnreadableWorkbook("not-a-file", path)

        # O_NONBLOCK: should the path be swapped for a pipe after the stat,
        # opening it must not hang; fstat below then refuses it. Neither flag
        # exists on every system (customer service may well run Windows).
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags)
        handle = open(descriptor, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        raise _refusal_for_os_error(error, path) from error

    with handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise UnreadableWorkbook("not-a-file", path)
        with as_unreadable(path):
            yield handle


def _refuse_by_size(path: Path, size: int) -> None:
    if size == 0:
        raise UnreadableWorkbook("empty-file", path)
    if size > MAX_FILE_BYTES:
        raise UnreadableWorkbook(
            "too-large", path, detail=_human(size), limit=_human(MAX_FILE_BYTES)
        )


def _human(size: int) -> str:
    if size >= GiB:
        return f"{size / GiB:.1f} GB"
    if size >= MiB:
        return f"{size / MiB:.0f} MB"
    if size >= KiB:
        return f"{size / KiB:.0f} KB"
    return f"{size} 字节"


# --- Not a zip: say what it seems to be ----------------------------------------


def _refuse_foreign(path: Path, kind: str) -> None:
    what, advice = FOREIGN_KINDS[kind]
    raise UnreadableWorkbook("not-xlsx", path, what=what, advice=advice)


def _foreign_kind(head: bytes, suffix: str) -> str:
    """What a file that is neither a zip nor an OLE2 file most likely is."""
    signature = _kind_by_signature(head)
    if signature is not None:
        return signature

    text = _as_text(head)
    if text is None:
        return "binary"
    return _kind_of_text(text, suffix)


_SIGNATURES = (
    (b"%PDF", "pdf"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
)


def _kind_by_signature(head: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _as_text(head: bytes) -> str | None:
    """head decoded as text, or None when it looks binary.

    Chinese CSV exports are often GB18030/GBK, so that is tried after UTF-8.
    The head may end in the middle of a character: a few bytes are dropped.
    """
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        for cut in range(4):
            try:
                text = head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text
            break
    return None


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    return controls == 0


def _kind_of_text(text: str, suffix: str) -> str:
    lowered = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return "xml2003"
    if lowered.startswith(("<!doctype html", "<html")) or "<table" in lowered:
        return "html"
    if lowered.startswith("<?xml"):
        return "xml"
    if suffix.lower() in (".csv", ".tsv") or _has_columns(text):
        return "csv"
    return "text"


def _has_columns(text: str) -> bool:
    """Whether the first lines split into the same number (> 1) of fields."""
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    if len(lines) < 2:
        return False
    for separator in (",", "\t", ";", "，"):
        counts = {line.count(separator) for line in lines[:-1]}
        if len(counts) == 1 and counts != {0}:
            return True
    return False


# --- OLE2: old .xls, WPS .et, encrypted OOXML -----------------------------------

# Streams that an Office-encrypted OOXML package always has (MS-OFFCRYPTO).
_ENCRYPTION_STREAMS = {"EncryptionInfo", "EncryptedPackage"}
# The BIFF workbook stream of Excel 97-2003 ("Book" in Excel 5).
_WORKBOOK_STREAMS = {"Workbook", "Book"}
# Streams WPS Office adds to its compound files. Not verified against a real
# .et (none at hand); the extension decides when these are absent.
_WPS_STREAM_PREFIXES = ("wps", "kso", "etext")


def _refuse_ole2(path: Path, handle: BinaryIO) -> None:
    names = _ole2_stream_names(handle)
    suffix = path.suffix.lower()

    if names & _ENCRYPTION_STREAMS:
        raise UnreadableWorkbook("encrypted", path)
    if suffix in (".et", ".ett") or (_has_wps_streams(names) and suffix != ".xls"):
        raise UnreadableWorkbook("wps-et", path)
    if names & _WORKBOOK_STREAMS or (not names and suffix in (".xls", ".xlt")):
        raise UnreadableWorkbook("xls", path)
    if "WordDocument" in names:
        _refuse_foreign(path, "doc")
    if "PowerPoint Document" in names:
        _refuse_foreign(path, "ppt")
    if not names:
        # Unparsable directory and no telling name: most OLE2 files people
        # pass around as spreadsheets are old .xls.
        raise UnreadableWorkbook("xls", path)
    _refuse_foreign(path, "ole2")


def _has_wps_streams(names: set[str]) -> bool:
    return any(name.lower().startswith(_WPS_STREAM_PREFIXES) for name in names)


def _ole2_stream_names(handle: BinaryIO) -> set[str]:
    """Names of the streams and storages in an OLE2 compound file ([MS-CFB]).

    Reads only the header, the sector allocation table entries on the
    directory's chain and the directory itself. A malformed file yields
    what could be read, possibly nothing.
    """
    try:
        handle.seek(0)
        header = handle.read(512)
        sector_size = 1 << struct.unpack_from("<H", header, 30)[0]
        if sector_size not in (512, 4096):
            return set()
        fat_sectors = _ole2_fat_sectors(handle, header, sector_size)
        first_directory = struct.unpack_from("<I", header, 48)[0]
        names = set()
        chain = _ole2_chain(handle, fat_sectors, first_directory, sector_size)
        for sector in chain:
            handle.seek((sector + 1) * sector_size)
            names |= _ole2_directory_names(handle.read(sector_size))
        return names
    except (struct.error, OSError, IndexError, ValueError):
        return set()


def _ole2_fat_sectors(handle: BinaryIO, header: bytes, sector_size: int) -> list:
    """Where the sector allocation table lives: the header's 109 slots, then
    the chain of DIFAT sectors for larger files."""
    count = struct.unpack_from("<I", header, 44)[0]
    sectors = list(struct.unpack_from("<109I", header, 76))
    per_sector = sector_size // 4 - 1
    difat = struct.unpack_from("<I", header, 68)[0]
    hops = 0
    while len(sectors) < count and difat < 0xFFFFFFFA and hops < 1024:
        handle.seek((difat + 1) * sector_size)
        entries = struct.unpack(f"<{per_sector + 1}I", handle.read(sector_size))
        sectors.extend(entries[:per_sector])
        difat = entries[per_sector]
        hops += 1
    return sectors[:count]


def _ole2_chain(
    handle: BinaryIO, fat_sectors: list, start: int, sector_size: int
) -> Iterator[int]:
    per_sector = sector_size // 4
    sector = start
    for _ in range(MAX_OLE2_DIRECTORY_SECTORS):
        if sector >= 0xFFFFFFFA:  # end of chain or a special marker
            return
        yield sector
        fat_sector = fat_sectors[sector // per_sector]
        handle.seek((fat_sector + 1) * sector_size + (sector % per_sector) * 4)
        sector = struct.unpack("<I", handle.read(4))[0]


def _ole2_directory_names(sector: bytes) -> set[str]:
    names = set()
    for offset in range(0, len(sector) - 127, 128):
        length = struct.unpack_from("<H", sector, offset + 64)[0]
        kind = sector[offset + 66]
        if kind in (1, 2) and 2 <= length <= 64:  # storage or stream
            raw = sector[offset : offset + length - 2]
            names.add(raw.decode("utf-16-le", errors="replace"))
    return names


# --- Zip: bombs, package parts, data and XML prologs ----------------------------


def _check_zip(path: Path, handle: BinaryIO, size: int) -> None:
    _check_central_directory(path, handle, size)

    try:
        handle.seek(0)
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as error:
        raise UnreadableWorkbook(
            "corrupt-zip",
            path,
            detail=DETAILS["bad-zip-directory"],
            technical=f"{type(error).__name__}: {error}",
        ) from error

    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        _refuse_bomb(path, entries)
        _refuse_encrypted_entries(path, entries)
        _refuse_non_spreadsheet(path, archive, entries)
        for info in entries:
            _verify_entry(path, archive, info)


def _check_central_directory(path: Path, handle: BinaryIO, size: int) -> None:
    """Refuse an oversized central directory before zipfile loads it whole."""
    found = _central_directory_extent(handle, size)
    if found is None:
        raise UnreadableWorkbook(
            "corrupt-zip", path, detail=DETAILS["no-zip-directory"]
        )
    entry_count, directory_bytes = found
    if entry_count > MAX_ENTRIES:
        detail = DETAILS["too-many-entries"].format(count=entry_count)
        raise UnreadableWorkbook("zip-bomb", path, detail=detail)
    if directory_bytes > MAX_CENTRAL_DIRECTORY_BYTES:
        detail = DETAILS["directory-too-large"].format(size=_human(directory_bytes))
        raise UnreadableWorkbook("zip-bomb", path, detail=detail)


def _central_directory_extent(handle: BinaryIO, size: int) -> tuple[int, int] | None:
    """(entries, bytes) of the central directory, from the end record.

    The end record is in the last 22 bytes plus at most a 64 KiB comment; a
    zip64 archive points from there to a larger record.
    """
    tail_size = min(size, 22 + 0xFFFF + 20)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(EMPTY_ZIP_MAGIC)
    if at < 0 or len(tail) - at < 22:
        return None
    entries, directory_bytes = struct.unpack_from("<HI", tail, at + 10)

    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        record_offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        handle.seek(record_offset)
        record = handle.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            entries, directory_bytes = struct.unpack_from("<QQ", record, 32)
    return entries, directory_bytes


def _refuse_bomb(path: Path, entries: list) -> None:
    """Refuse by the declared sizes, before anything is decompressed."""
    if len(entries) > MAX_ENTRIES:
        detail = DETAILS["too-many-entries"].format(count=len(entries))
        raise UnreadableWorkbook("zip-bomb", path, detail=detail)

    for info in entries:
        _refuse_inflating(path, info.file_size, info.compress_size, info.filename)

    total = sum(info.file_size for info in entries)
    packed = sum(info.compress_size for info in entries)
    _refuse_inflating(path, total, packed, None)


def _refuse_inflating(path: Path, size: int, packed: int, entry: str | None) -> None:
    limit = MAX_TOTAL_BYTES if entry is None else MAX_ENTRY_BYTES
    fields = {"entry": entry, "size": _human(size), "packed": _human(packed)}
    kind = "total" if entry is None else "entry"

    if size > limit:
        detail = DETAILS[f"{kind}-too-large"].format(**fields)
        raise UnreadableWorkbook("zip-bomb", path, detail=detail)

    ratio = size / max(packed, 1)
    if size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
        detail = DETAILS[f"{kind}-ratio"].format(ratio=round(ratio), **fields)
        raise UnreadableWorkbook("zip-bomb", path, detail=detail)


def _refuse_encrypted_entries(path: Path, entries: list) -> None:
    # Bit 0 of the general purpose flags: the entry is encrypted (zip
    # password). No Office program writes this, but some zip tools do.
    if any(info.flag_bits & 0x1 for info in entries):
        raise UnreadableWorkbook("encrypted", path)


def _refuse_non_spreadsheet(
    path: Path, archive: zipfile.ZipFile, entries: list
) -> None:
    """Refuse a zip that is not a spreadsheet package or lacks required parts."""
    names = {info.filename for info in entries}

    if "mimetype" in names:
        mimetype = _read_small(path, archive, "mimetype")
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            _require_parts(path, names, ("content.xml",))
            return
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            _refuse_foreign(path, "odf")

    if any(name.startswith("xl/") for name in names):
        workbook_part = "xl/workbook.bin" if "xl/workbook.bin" in names else None
        _require_parts(path, names, ("[Content_Types].xml",))
        _require_parts(path, names, (workbook_part or "xl/workbook.xml",))
        return

    if any(name.startswith("word/") for name in names):
        _refuse_foreign(path, "docx")
    if any(name.startswith("ppt/") for name in names):
        _refuse_foreign(path, "pptx")
    if "[Content_Types].xml" in names:
        # An Office package with no xl/ folder at all: the workbook is gone.
        _require_parts(path, names, ("xl/workbook.xml",))
    _refuse_foreign(path, "zip")


def _require_parts(path: Path, names: set, parts: tuple) -> None:
    for part in parts:
        if part not in names:
            detail = DETAILS["missing-part"].format(part=part)
            raise UnreadableWorkbook("corrupt-zip", path, detail=detail)


def _read_small(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    with _entry_errors(path, name), archive.open(name) as stream:
        return stream.read(256)


def _verify_entry(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Decompress one entry to the end: CRC and size as declared, safe prolog.

    zipfile stops at the declared size and then checks the CRC, so an entry
    that inflates to more than it declares fails here having cost at most its
    declared size, which _refuse_bomb already bounded.
    """
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    with _entry_errors(path, info.filename), archive.open(info) as stream:
        head = b""
        while is_xml:
            chunk = stream.read(SNIFF_BYTES)
            head += chunk
            verdict = _prolog_verdict(head, complete=not chunk)
            if verdict == "undecided" and len(head) <= MAX_PROLOG_BYTES:
                continue
            _refuse_unsafe_prolog(path, info.filename, verdict)
            break
        # A large sheet is left for calamine to inflate while reading it (its
        # errors are mapped by as_unreadable): inflating it twice would add a
        # second read of the file to every check of a big log.
        if info.file_size > FULL_CHECK_BYTES:
            return
        while stream.read(CHUNK_BYTES):
            pass


def _refuse_unsafe_prolog(path: Path, entry: str, verdict: str) -> None:
    if verdict == "declares":
        detail = DETAILS["doctype"].format(entry=entry)
        raise UnreadableWorkbook("xml-entities", path, detail=detail)
    if verdict == "undecided":
        detail = DETAILS["long-prolog"].format(
            entry=entry, size=_human(MAX_PROLOG_BYTES)
        )
        raise UnreadableWorkbook("xml-entities", path, detail=detail)


@contextlib.contextmanager
def _entry_errors(path: Path, entry: str) -> Iterator[None]:
    try:
        yield
    except NotImplementedError as error:
        detail = DETAILS["unsupported-compression"].format(entry=entry)
        raise UnreadableWorkbook(
            "corrupt-zip", path, detail=detail, technical=str(error)
        ) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as error:
        detail = DETAILS["bad-entry"].format(entry=entry)
        raise UnreadableWorkbook(
            "corrupt-zip", path, detail=detail, technical=str(error)
        ) from error


def _prolog_verdict(head: bytes, complete: bool) -> str:
    """ "declares" if the XML prolog in head has a <!DOCTYPE or <!ENTITY,
    "clean" once the root element starts without one, else "undecided".

    Only the prolog may hold a DOCTYPE, so reading up to the root element is
    enough. Comments and processing instructions are skipped as units, so a
    "<" inside a comment cannot end the scan early.
    """
    text = _prolog_bytes(head)
    pos = 0
    while True:
        while pos < len(text) and text[pos] in b" \t\r\n":
            pos += 1
        rest = text[pos:]
        if not rest:
            return "clean" if complete else "undecided"
        if not complete and len(rest) < 4 and b"<!--".startswith(rest):
            return "undecided"  # cut off inside "<", "<!" or "<!-"
        if rest.startswith((b"<?", b"<!--")):
            closer = b"?>" if rest.startswith(b"<?") else b"-->"
            end = text.find(closer, pos + 2)
            if end < 0:
                return "clean" if complete else "undecided"
            pos = end + len(closer)
            continue
        if rest.startswith(b"<!"):
            return "declares"
        return "clean"


def _prolog_bytes(head: bytes) -> bytes:
    """head as UTF-8-ish bytes: UTF-16 parts are decoded so that a DOCTYPE
    written in UTF-16 is seen too; a UTF-8 BOM is dropped."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(b"<\x00"):
        encoding = "utf-16-le"
    elif head.startswith(b"\x00<"):
        encoding = "utf-16-be"
    else:
        return head.removeprefix(b"\xef\xbb\xbf")
    even = head[: len(head) // 2 * 2]
    return even.decode(encoding, errors="replace").encode("utf-8")
