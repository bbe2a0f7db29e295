"""Writing the output when writing fails: a folder without write permission, a
file open in Excel, a full disk. Each ends with exit 2 and a Chinese message;
no partial file or temporary file is left, an existing output keeps its bytes,
and the checked workbook is untouched.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from checker.cli import main
from tests.as_user import NOBODY, in_child_as
from tests.workbooks import client_row, follow_up_row, make_book

OLD_OUTPUT = b"last month's fines, keep me"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path) -> Path:
    clients = [client_row(1001)]
    follow_ups = [follow_up_row(1001, dt.date(2026, 11, 6))]
    return make_book(tmp_path / "客户跟踪.xlsx", clients, follow_ups)


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "输出"
    folder.mkdir()
    return folder


def fines_args(book: Path, target: Path, *more) -> list[str]:
    return ["fines", str(book), "--month", "2026-11", "--as-of", "2026-12-04",
            "-o", str(target), *more]  # fmt: skip


def run(args: list[str]):
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.output
    return result


def assert_failed_cleanly(result, folder: Path, left: set[str], *words: str) -> None:
    """Exit 2, a Chinese message with the given words, and nothing in the
    folder but the files named in left."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("错误："), result.stderr
    assert "程序内部错误" not in result.stderr
    for word in words:
        assert word in result.stderr
    assert {path.name for path in folder.iterdir()} == left


# --- An output folder that cannot be written ------------------------------------


@pytest.fixture
def shared():
    """A folder every user can enter (pytest's own are private), holding a
    workbook anyone may read and an output folder only its owner may write."""
    folder = Path(tempfile.mkdtemp(prefix="client-tracking-test-"))
    folder.chmod(0o755)
    workbook = make_book(folder / "客户跟踪.xlsx", [client_row(1001)])
    workbook.chmod(0o644)
    locked = folder / "只读"
    locked.mkdir()
    locked.chmod(0o555)
    open_folder = folder / "可写"
    open_folder.mkdir()
    yield workbook, locked, open_folder
    shutil.rmtree(folder)


def run_as(user: int, args: list[str]) -> tuple[int, str]:
    """Exit code and stderr of the command run by another user, in a child."""

    def command():
        result = CliRunner().invoke(main, args)
        return [result.exit_code, result.stderr]

    exit_code, stderr = in_child_as(user, command)
    return exit_code, stderr


def run_without_write_permission(args: list[str], writable: list[str]):
    """Exit code and stderr of args, run by a user who may not write the
    output folder, after the writable variant of args succeeded."""
    # The warm-up also imports, as this user, what the command imports late:
    # the child may not read this Python's installation.
    assert run(writable).exit_code == 0
    if os.geteuid() == 0:
        return run_as(NOBODY, args)  # root writes anywhere; nobody does not
    result = run(args)
    return result.exit_code, result.stderr


def test_fines_into_a_folder_without_write_permission(shared):
    workbook, locked, writable = shared
    before = sha256(workbook)
    code, stderr = run_without_write_permission(
        fines_args(workbook, locked / "乐捐.xlsx"),
        fines_args(workbook, writable / "乐捐.xlsx"),
    )

    assert code == 2
    assert stderr.startswith("错误：没有权限写入文件夹")
    assert str(locked) in stderr
    assert list(locked.iterdir()) == []
    assert sha256(workbook) == before


def test_new_into_a_folder_without_write_permission(shared):
    _workbook, locked, writable = shared
    code, stderr = run_without_write_permission(
        ["new", str(locked / "模板.xlsx")], ["new", str(writable / "模板.xlsx")]
    )

    assert code == 2
    assert "没有权限写入文件夹" in stderr
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("command", ["fines", "new"])
def test_a_folder_that_refuses_the_temporary_file(book, out, monkeypatch, command):
    # Windows answers os.access() from the read-only flag alone, so a folder
    # whose permissions forbid writing is first noticed when the file is made.
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = out / "乐捐.xlsx"
    args = fines_args(book, target) if command == "fines" else ["new", str(target)]
    before = sha256(book)
    result = run(args)

    assert_failed_cleanly(result, out, set(), "无法写入", "权限")
    assert sha256(book) == before


# --- An output file open in Excel -------------------------------------------------


@pytest.mark.parametrize("command", ["fines", "new"])
def test_an_output_open_in_excel_is_not_overwritten(book, out, command):
    target = out / "乐捐.xlsx"
    target.write_bytes(OLD_OUTPUT)
    lock = out / "~$乐捐.xlsx"  # Excel and WPS keep this while the file is open
    lock.write_bytes(b"\x05zhang")
    args = fines_args(book, target) if command == "fines" else ["new", str(target)]
    before = sha256(book)
    result = run([*args, "--force"])

    assert_failed_cleanly(
        result, out, {"乐捐.xlsx", "~$乐捐.xlsx"}, "正在 Excel 或 WPS 中打开", "关闭"
    )
    assert target.read_bytes() == OLD_OUTPUT
    assert sha256(book) == before


@pytest.mark.parametrize("command", ["fines", "new"])
def test_an_output_that_cannot_be_replaced(book, out, monkeypatch, command):
    # What Windows does when the target is open in a program without a lock
    # file: the final move is refused.
    def refuse(source, target):
        raise PermissionError(errno.EACCES, "Access is denied", str(target))

    target = out / "乐捐.xlsx"
    target.write_bytes(OLD_OUTPUT)
    monkeypatch.setattr(os, "replace", refuse)
    args = fines_args(book, target) if command == "fines" else ["new", str(target)]
    before = sha256(book)
    result = run([*args, "--force"])

    assert_failed_cleanly(result, out, {"乐捐.xlsx"}, "文件可能正在 Excel 中打开")
    assert target.read_bytes() == OLD_OUTPUT
    assert sha256(book) == before


# --- A full disk ----------------------------------------------------------------


def fill_the_disk(monkeypatch) -> None:
    """Make every workbook save write part of a file, then fail as a full
    disk does."""

    # Workbooks are saved to memory and then written to the file in one call.
    def write_bytes(path, data):
        with open(path, "wb") as stream:
            stream.write(data[:4096])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize("command", ["fines", "new"])
@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "overwrite"])
def test_a_full_disk_leaves_no_partial_file(book, out, monkeypatch, command, existing):
    target = out / "乐捐.xlsx"
    if existing:
        target.write_bytes(OLD_OUTPUT)
    fill_the_disk(monkeypatch)
    args = fines_args(book, target) if command == "fines" else ["new", str(target)]
    before = sha256(book)
    result = run([*args, "--force"])

    left = {"乐捐.xlsx"} if existing else set()
    assert_failed_cleanly(result, out, left, "磁盘空间不足", "原文件未改动")
    if existing:
        assert target.read_bytes() == OLD_OUTPUT
    assert sha256(book) == before


def test_the_commands_write_when_nothing_fails(book, out):
    # The same commands as above, succeeding: the failures are the cause.
    before = sha256(book)
    assert run(fines_args(book, out / "乐捐.xlsx")).exit_code == 0
    assert run(["new", str(out / "模板.xlsx")]).exit_code == 0

    assert {path.name for path in out.iterdir()} == {"乐捐.xlsx", "模板.xlsx"}
    assert openpyxl.load_workbook(out / "乐捐.xlsx")["汇总"]["A1"].value == "姓名"
    assert sha256(book) == before
