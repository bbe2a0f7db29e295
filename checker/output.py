"""Write an output file so that nothing is ever half-written or lost.

The file is written to a temporary name beside its target and moved into place
in one step, so a failure (a full disk, a locked file) leaves the old file, or
nothing, behind — never a partial workbook.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


class OutputError(Exception):
    """The output could not be written; str() is a Chinese message saying why."""


def excel_lock_file(target: Path) -> Path:
    """Excel and WPS keep ~$name.xlsx beside a workbook while it is open."""
    return target.with_name("~$" + target.name)


def refuse_unsafe_target(target: Path, force: bool, inputs: tuple = ()) -> None:
    for source in inputs:
        if Path(source).resolve() == target.resolve():
            raise OutputError(
                f"输出文件 {target} 就是被检查的工作簿；检查工具从不改写它，"
                "请用 -o 指定另一个文件名"
            )
    if target.is_dir():
        raise OutputError(
            f"{target} 是一个文件夹，请指定输出文件名，例如 {target / '乐捐.xlsx'}"
        )
    if excel_lock_file(target).exists():
        raise OutputError(
            f"{target.name} 正在 Excel 或 WPS 中打开，请先关闭它再运行；"
            f"如果已经关闭，请删除旁边残留的 {excel_lock_file(target).name} 文件"
        )
    if target.exists() and not force:
        raise OutputError(
            f"{target} 已存在，没有覆盖。确需覆盖请加 --force，或换一个文件名"
        )
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"输出文件夹 {folder} 不存在，请先建好文件夹或换一个位置")
    if not os.access(folder, os.W_OK):
        raise OutputError(
            f"没有权限写入文件夹 {folder}，请换一个可写的位置（如“文档”）"
        )


def write_atomically(
    target: Path, write: Callable[[Path], None], force: bool = False, inputs: tuple = ()
) -> Path:
    """Call write(temporary_path), then move the result onto target."""
    target = Path(target)
    refuse_unsafe_target(target, force, inputs)
    temporary = None
    try:
        # Made inside the try: on Windows os.access() cannot tell that the
        # folder refuses new files, and only this call finds out.
        handle, name = tempfile.mkstemp(
            prefix=".~正在写入-", suffix=target.suffix, dir=target.parent
        )
        os.close(handle)
        temporary = Path(name)
        write(temporary)
        # mkstemp makes the file private; an output is for the whole team.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except PermissionError as error:
        raise OutputError(
            f"无法写入 {target}：文件可能正在 Excel 中打开，"
            "或没有写入权限。请关闭文件后重试"
        ) from error
    except OSError as error:
        raise OutputError(_os_message(target, error)) from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
    return target


def _os_message(target: Path, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"磁盘空间不足，{target} 没有写成（原文件未改动）。请清理磁盘后重试"
    return f"写入 {target} 失败（{error.strerror or error}），原文件未改动。请换一个位置重试"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
