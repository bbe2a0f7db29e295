"""workbook.opening: every kind of file that is not a readable workbook is refused
with a Chinese message naming the file, in bounded memory; real workbooks open.

The files come from tests/data/make_corpus.py, built once per session into a
temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from tests.as_user import NOBODY, in_child_as
from tests.data import make_corpus as corpus
from workbook.opening import UnreadableWorkbook, as_unreadable, open_workbook

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    return corpus.build_corpus(tmp_path_factory.mktemp("corpus"))


def refusal(path) -> UnreadableWorkbook:
    """The UnreadableWorkbook open_workbook raises for path, checked to be a
    Chinese sentence that names the file and carries no Python internals."""
    with pytest.raises(UnreadableWorkbook) as caught:
        open_workbook(path)
    message = str(caught.value)
    assert Path(path).name in message
    assert CHINESE.search(message)
    assert not re.search(r"Error|Exception|Traceback|python", message)
    return caught.value


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- The path itself -------------------------------------------------------------


def test_missing_file_is_refused(tmp_path):
    error = refusal(tmp_path / "客户跟踪.xlsx")
    assert error.code == "not-found"
    assert "找不到" in str(error)


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "客户跟踪.xlsx"
    folder.mkdir()
    error = refusal(folder)
    assert error.code == "is-directory"
    assert "文件夹" in str(error)


def test_pipe_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "客户跟踪.xlsx"
    os.mkfifo(pipe)
    assert refusal(pipe).code == "not-a-file"


def test_file_without_read_permission_is_refused(tmp_path):
    path = tmp_path / "客户跟踪.xlsx"
    corpus.build_valid(path)
    path.chmod(0)
    if os.geteuid() == 0:
        # root reads anything: try as nobody in a child process.
        code, message = _open_as_nobody(path)
    else:
        error = refusal(path)
        code, message = error.code, str(error)
    assert code == "permission"
    assert path.name in message and "权限" in message


def _open_as_nobody(path: Path) -> tuple[str, str]:
    def open_it():
        try:
            open_workbook(path)
            return ["opened", ""]
        except UnreadableWorkbook as error:
            return [error.code, str(error)]

    code, message = in_child_as(NOBODY, open_it)
    return code, message


def test_empty_file_is_refused(built):
    error = refusal(built["empty.xlsx"])
    assert error.code == "empty-file"
    assert "空文件" in str(error)


# --- Not a zip --------------------------------------------------------------------


def test_text_file_named_xlsx_is_refused(built):
    error = refusal(built["text-as-xlsx.xlsx"])
    assert error.code == "not-xlsx"
    assert "文本" in str(error) and "另存为" in str(error)


def test_csv_file_named_xlsx_is_refused(built):
    error = refusal(built["csv-as-xlsx.xlsx"])
    assert error.code == "not-xlsx"
    assert "CSV" in str(error) and "另存为" in str(error)


def test_html_export_named_xlsx_is_refused(built):
    error = refusal(built["html-as-xlsx.xlsx"])
    assert error.code == "not-xlsx"
    assert "HTML" in str(error)


def test_old_xls_is_refused(built):
    error = refusal(built["old-xls.xls"])
    assert error.code == "xls"
    assert "另存为" in str(error) and ".xlsx" in str(error)


def test_old_xls_renamed_to_xlsx_is_refused_as_xls(built):
    assert refusal(built["xls-as-xlsx.xlsx"]).code == "xls"


def test_wps_et_is_refused(built):
    error = refusal(built["wps.et"])
    assert error.code == "wps-et"
    assert "WPS" in str(error) and "另存为" in str(error)


def test_encrypted_workbook_is_refused(built):
    error = refusal(built["encrypted.xlsx"])
    assert error.code == "encrypted"
    assert "工作簿有密码保护，请取消密码后另存一份再检查" in str(error)


# --- Broken zips -------------------------------------------------------------------


def test_zip_with_password_protected_entries_is_refused(built):
    assert refusal(built["zip-encrypted-entries.xlsx"]).code == "encrypted"


def test_truncated_workbook_is_refused(built):
    error = refusal(built["truncated.xlsx"])
    assert error.code == "corrupt-zip"
    assert "不完整" in str(error)


def test_corrupt_zip_data_is_refused(built):
    error = refusal(built["corrupt-zip.xlsx"])
    assert error.code == "corrupt-zip"
    assert "xl/workbook.xml" in str(error)


def test_workbook_without_content_types_is_refused(built):
    error = refusal(built["missing-content-types.xlsx"])
    assert error.code == "corrupt-zip"
    assert "[Content_Types].xml" in str(error)


def test_workbook_without_workbook_part_is_refused(built):
    error = refusal(built["missing-workbook-part.xlsx"])
    assert error.code == "corrupt-zip"
    assert "xl/workbook.xml" in str(error)


def test_word_document_named_xlsx_is_refused(built):
    error = refusal(built["docx-as-xlsx.xlsx"])
    assert error.code == "not-xlsx"
    assert "Word" in str(error)


# --- Zip bombs ---------------------------------------------------------------------

# Runs in a fresh interpreter, so that its peak RSS is this file's alone. Should
# the file open, every sheet is read, as the reader would, so a bomb that got
# past open_workbook shows in the peak.
OPEN_AND_MEASURE = """
import json, resource, sys
from workbook.opening import UnreadableWorkbook, open_workbook
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    book = open_workbook(sys.argv[1])
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    code = None
except UnreadableWorkbook as error:
    code = error.code
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "grew_kib": after - before}))
"""


def open_in_fresh_process(path: Path) -> dict:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(
        [sys.executable, "-c", OPEN_AND_MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        cwd=ROOT,
        check=True,
    )
    return json.loads(finished.stdout)


def test_zip_bomb_is_refused_before_inflating(built):
    path = built["zip-bomb.xlsx"]
    assert path.stat().st_size < 1_000_000
    with zipfile.ZipFile(path) as archive:
        assert sum(info.file_size for info in archive.infolist()) > 600_000_000

    error = refusal(path)
    assert error.code == "zip-bomb"
    assert "压缩炸弹" in str(error)

    measured = open_in_fresh_process(path)
    assert measured["code"] == "zip-bomb"
    assert measured["grew_kib"] < 300 * 1024


def test_zip_bomb_lying_about_its_size_is_refused_in_bounded_memory(built):
    path = built["zip-bomb-lying-size.xlsx"]
    error = refusal(path)
    assert error.code == "corrupt-zip"
    assert corpus.SHEET_PART in str(error)

    measured = open_in_fresh_process(path)
    assert measured["code"] == "corrupt-zip"
    assert measured["grew_kib"] < 300 * 1024


def test_zip_with_too_many_entries_is_refused(built):
    error = refusal(built["zip-bomb-many-entries.xlsx"])
    assert error.code == "zip-bomb"
    assert "20009" in str(error)


def test_full_height_sheet_that_compresses_well_still_opens(tmp_path):
    # 1,048,576 styled empty rows: ~82 MB of XML at ~29x, the most repetitive
    # real sheet shape measured; the ratio limit must let it through.
    rows = b"".join(
        b'<row r="%d" spans="1:14" s="3" customFormat="1" ht="15" customHeight="1"/>'
        % number
        for number in range(1, 1_048_577)
    )
    parts = corpus.valid_workbook_parts()
    sheet = parts[corpus.SHEET_PART]
    parts[corpus.SHEET_PART] = sheet.replace(b"</sheetData>", rows + b"</sheetData>")
    path = tmp_path / "满表.xlsx"
    corpus.write_zip(path, parts)

    book = open_workbook(path)
    assert book.sheet_names == ["客户"]


# --- XML entities ------------------------------------------------------------------


def test_xml_entities_in_sheet_are_refused(built):
    error = refusal(built["xml-entities.xlsx"])
    assert error.code == "xml-entities"
    assert corpus.SHEET_PART in str(error)


def test_xml_entities_in_workbook_part_are_refused(built):
    # python-calamine itself ignores this DTD and opens the file.
    error = refusal(built["xml-entities-in-workbook-part.xlsx"])
    assert error.code == "xml-entities"
    assert "xl/workbook.xml" in str(error)


def test_xml_entities_in_utf16_part_are_refused(built):
    assert refusal(built["xml-entities-utf16.xlsx"]).code == "xml-entities"


def test_doctype_after_a_comment_holding_an_element_is_refused(tmp_path):
    path = tmp_path / "注释.xlsx"
    prolog = (
        b'<?xml version="1.0"?><!-- <worksheet> -->' + corpus.BILLION_LAUGHS.encode()
    )
    corpus.workbook_with_sheet_prolog(path, prolog)
    assert refusal(path).code == "xml-entities"


def test_doctype_after_a_long_comment_is_refused(tmp_path):
    path = tmp_path / "长注释.xlsx"
    comment = b"<!--" + b"x" * 20_000 + b"-->"
    corpus.workbook_with_sheet_prolog(path, comment + corpus.BILLION_LAUGHS.encode())
    assert refusal(path).code == "xml-entities"


def test_endless_prolog_is_refused(tmp_path):
    path = tmp_path / "超长文件头.xlsx"
    corpus.workbook_with_sheet_prolog(path, b"<!--" + b"x" * 200_000 + b"-->")
    assert refusal(path).code == "xml-entities"


def test_short_comment_before_the_root_element_is_accepted(tmp_path):
    path = tmp_path / "有注释.xlsx"
    corpus.workbook_with_sheet_prolog(path, b"<!-- saved by a script -->\n")
    assert open_workbook(path).sheet_names == ["客户"]


def test_openpyxl_refusing_entities_becomes_unreadable_workbook(built):
    path = built["xml-entities.xlsx"]
    # openpyxl leaves a file it opened itself open when it fails: pass it one.
    with (
        path.open("rb") as stream,
        pytest.raises(UnreadableWorkbook) as caught,
        as_unreadable(path),
    ):
        openpyxl.load_workbook(stream)
    assert caught.value.code == "xml-entities"
    assert path.name in str(caught.value)


def test_calamine_error_while_reading_a_sheet_becomes_unreadable_workbook(built):
    path = built["zip-bomb-lying-size.xlsx"]
    book = python_calamine.CalamineWorkbook.from_path(path)
    with pytest.raises(UnreadableWorkbook) as caught, as_unreadable(path):
        book.get_sheet_by_index(0).to_python()
    assert caught.value.code == "unreadable"
    assert path.name in str(caught.value)


# --- What opens ------------------------------------------------------------------


def test_valid_workbook_opens_and_is_left_unchanged(tmp_path):
    path = tmp_path / "客户跟踪.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "客户"
    book.active.append(["客户编号", "客户姓名"])
    book.active.append([1001, "张三"])
    book.create_sheet("跟踪记录").append(["跟踪日期", "客户编号"])
    book.save(path)
    before = sha256(path)

    opened = open_workbook(path)

    assert opened.sheet_names == ["客户", "跟踪记录"]
    rows = opened.get_sheet_by_name("客户").to_python()
    assert rows == [["客户编号", "客户姓名"], [1001, "张三"]]
    assert sha256(path) == before


def test_ods_named_xlsx_opens(built):
    opened = open_workbook(built["ods-as-xlsx.xlsx"])
    assert opened.get_sheet_by_name("客户").to_python()[1] == [1001, "张三"]


def test_every_corpus_file_ends_as_its_kind_and_is_left_unchanged(built):
    for name, (_builder, code) in corpus.CORPUS.items():
        path = built[name]
        before = sha256(path)
        if code is None:
            open_workbook(path)
        else:
            assert refusal(path).code == code, name
        assert sha256(path) == before, name


# --- Files saved by LibreOffice itself ------------------------------------------------


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory) -> dict[str, Path]:
    """valid.xlsx converted by LibreOffice to .xls and .ods (a few seconds)."""
    office = shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "valid.xlsx"
    corpus.build_valid(source)
    profile = (folder / "profile").as_uri()
    for extension in ("xls", "ods"):
        subprocess.run(
            [office, f"-env:UserInstallation={profile}", "--headless",
             "--convert-to", extension, "--outdir", str(folder), str(source)],
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
    return {extension: folder / f"valid.{extension}" for extension in ("xls", "ods")}


def test_xls_saved_by_libreoffice_is_refused(saved_by_libreoffice):
    assert refusal(saved_by_libreoffice["xls"]).code == "xls"


def test_ods_saved_by_libreoffice_opens(saved_by_libreoffice):
    path = saved_by_libreoffice["ods"]
    renamed = path.with_name("另存的.xlsx")
    shutil.copy(path, renamed)
    for candidate in (path, renamed):
        rows = open_workbook(candidate).get_sheet_by_name("客户").to_python()
        assert rows[1][:2] == [1001, "张三"]
