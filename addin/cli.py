"""The `addin` command group: writes the files to paste into xlwings Lite.

Registered in the main command line as ``client-tracking addin``; usable on its
own as well. Exit codes follow the main command: 0 done, 2 could not run.
"""

from __future__ import annotations

from pathlib import Path

import click

from addin.bundle import MAIN_FILE, REQUIREMENTS_FILE, BundleError, bundle_files
from checker.output import OutputError, write_atomically

DEFAULT_FOLDER = Path("xlwings-lite")


class CannotBundle(click.ClickException):
    """The files could not be written; exit 2 with a Chinese message."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def addin():
    """xlwings Lite 插件：生成要粘贴到 xlwings Lite 编辑器的文件。

    \b
    例：client-tracking addin bundle
        client-tracking addin bundle 插件文件 --force
    """


@addin.command()
@click.argument(
    "folder",
    metavar="[DIR]",
    required=False,
    default=DEFAULT_FOLDER,
    type=click.Path(path_type=Path),
)
@click.option("--force", is_flag=True, help="文件已存在时覆盖它们。")
def bundle(folder: Path, force: bool):
    """生成 xlwings Lite 用的 main.py 和 requirements.txt，默认写到 ./xlwings-lite。

    main.py 含插件的全部代码（按钮脚本和跟踪规则），只用到 Python 标准库和
    xlwings。把两个文件的全部内容分别粘贴到 xlwings Lite 编辑器的 main.py 和
    requirements.txt 标签页，保存工作簿即可。

    \b
    例：client-tracking addin bundle
        client-tracking addin bundle 插件文件 --force
    """
    try:
        files = bundle_files()
    except BundleError as error:
        raise CannotBundle(f"没有生成插件文件：{error}") from None

    prepare_folder(folder)
    targets = {name: folder / name for name in files}
    # Check every target before writing any, so a refusal leaves nothing half done.
    refuse_existing(targets.values(), force)
    try:
        for name, target in targets.items():
            write_atomically(
                target,
                lambda temporary, text=files[name]: temporary.write_text(
                    text, encoding="utf-8"
                ),
                force=True,
            )
    except OutputError as error:
        raise CannotBundle(str(error)) from None

    lines = files[MAIN_FILE].count("\n")
    click.echo(
        f"已写出 {targets[MAIN_FILE]}（{lines} 行）和 "
        f"{targets[REQUIREMENTS_FILE]}。\n"
        "下一步：在共享工作簿中打开 xlwings Lite 编辑器，把 main.py 和 "
        "requirements.txt 的全部内容分别粘贴到同名标签页，重启 xlwings Lite 后保存工作簿。"
    )


def refuse_existing(targets, force: bool) -> None:
    existing = [str(target) for target in targets if target.exists()]
    if existing and not force:
        raise CannotBundle(
            f"{'、'.join(existing)} 已存在，没有覆盖。确需覆盖请加 --force，"
            "或指定另一个文件夹"
        )


def prepare_folder(folder: Path) -> None:
    """Create the output folder if needed (the default one usually is new)."""
    if folder.exists() and not folder.is_dir():
        raise CannotBundle(f"{folder} 是一个文件，请指定一个文件夹")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotBundle(
            f"无法创建文件夹 {folder}（{error.strerror or error}），请换一个位置"
        ) from None
