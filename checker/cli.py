"""The `client-tracking` command line that customer service runs each month.

A thin shell: it parses options, calls the reader and the rules engine, and
presents what they return. Results go to stdout, diagnostics to stderr.
Exit codes: 0 done and clean, 1 done but the workbook has errors, 2 could not run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import traceback
from collections import Counter
from pathlib import Path

import click

from addin.cli import addin
from checker import __version__
from checker.audit import CODES, LABELS, Suspect, audit_json, find_suspects
from checker.checks import reassigned_after_month
from checker.output import OutputError, write_atomically
from checker.report import (
    Checked,
    check_workbook,
    fines_json,
    rule_errors,
    status_json,
    validation_json,
    yuan,
)
from checker.rules import MonthFines, month_fines, statuses
from workbook import layout
from workbook.opening import UnreadableWorkbook
from workbook.values import as_date, month_bounds

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_CANNOT_RUN = 0, 1, 2


class CannotRun(click.ClickException):
    """The command could not do its job; exit 2 with a Chinese message."""

    exit_code = EXIT_CANNOT_RUN

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.message}", err=True)


class Commands(click.Group):
    """Turns any unexpected failure into a message instead of a traceback."""

    def invoke(self, ctx):
        keep_printable()
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise CannotRun("已中断") from None
        except BrokenPipeError:
            # The reader went away (`status … | head`): nothing left to say.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - flushed at exit
            sys.exit(EXIT_CLEAN)
        except Exception as error:
            detail = "".join(traceback.format_exception_only(type(error), error))
            raise CannotRun(
                "程序内部错误，没有完成。请把这条信息和所用的工作簿发给维护人员：\n"
                + detail.strip()
            ) from None


def keep_printable() -> None:
    """Chinese text on a console or file whose encoding cannot show it (a
    redirect on a non-Chinese Windows) comes out escaped instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


# Options shared by several commands, defined once.


def parse_day(ctx, param, value):
    if value is None:
        return None
    day = as_date(value)
    if not isinstance(day, dt.date):
        raise click.BadParameter(f"“{value}”不是有效日期，请按 2026-11-30 的格式填写")
    return day


def parse_month(ctx, param, value):
    if value is None:
        return None
    day = as_date(f"{value}-01") if isinstance(value, str) else None
    if not isinstance(day, dt.date) or len(value.split("-")) != 2:
        raise click.BadParameter(f"“{value}”不是有效月份，请按 2026-11 的格式填写")
    return f"{day.year:04d}-{day.month:02d}"


as_of_option = click.option(
    "--as-of",
    "as_of",
    callback=parse_day,
    metavar="DATE",
    help="按哪一天检查（默认今天），格式 2026-11-30。",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="在标准输出打印一个 JSON 对象，不打印别的。"
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="只打印必要的结果。")
month_option = click.option(
    "--month",
    callback=parse_month,
    metavar="YYYY-MM",
    help="哪个月（默认上个月），格式 2026-11。",
)
book_argument = click.argument("book", type=click.Path(dir_okay=True, path_type=Path))


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="client-tracking")
def main():
    """设计部客户跟踪管理办法：检查跟踪记录、计算月度乐捐、查看逾期。

    \b
    例：client-tracking demo
        client-tracking validate 客户跟踪.xlsx
        client-tracking fines 客户跟踪.xlsx --month 2026-11
        client-tracking audit 客户跟踪.xlsx --month 2026-11
    """


def load(book: Path, as_of: dt.date | None, uses_rules: bool = True) -> Checked:
    """Read and check the workbook, or stop with exit 2 and a Chinese message.

    A command that computes with the rules refuses to run on an unusable 规则
    value rather than fall back to the default.
    """
    try:
        checked = check_workbook(book, as_of or dt.date.today())
    except UnreadableWorkbook as error:
        raise CannotRun(str(error)) from None
    missing = checked.missing_required_sheets()
    if missing:
        raise CannotRun(
            f"{book.name} 缺少工作表“{'”“'.join(missing)}”，"
            "请确认选对了文件，或按模板（client-tracking new）恢复该工作表"
        )
    broken = rule_errors(checked) if uses_rules else []
    if broken:
        lines = "\n".join(found.render() for found in broken)
        raise CannotRun(
            f"规则表有不能使用的值，没有计算（也没有写出任何文件）：\n{lines}"
        )
    return checked


def print_problems(checked: Checked, limit: int | None = None) -> None:
    shown = checked.problems if limit is None else checked.problems[:limit]
    for found in shown:
        click.echo(found.render())
    if limit is not None and len(checked.problems) > limit:
        click.echo(
            f"……另有 {len(checked.problems) - limit} 条，见输出工作簿的“问题清单”"
        )


def outcome(checked: Checked, strict: bool = False) -> int:
    if checked.errors or (strict and checked.warnings):
        return EXIT_PROBLEMS
    return EXIT_CLEAN


def print_json(data: dict) -> None:
    # Always UTF-8, whatever the console's code page: a program reading the
    # JSON on a Chinese Windows must not receive GBK.
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


def save_fines_workbook(*args, **kwargs) -> None:
    # openpyxl is imported only by the commands that write a workbook, so that
    # validate, status and audit start faster.
    from checker.fines_workbook import save_fines_workbook as save

    save(*args, **kwargs)


def write_output(target: Path, write, force: bool, inputs=()) -> Path:
    try:
        return write_atomically(target, write, force=force, inputs=inputs)
    except OutputError as error:
        raise CannotRun(str(error)) from None


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="目标文件已存在时覆盖它。")
def new(path: Path, force: bool):
    """写出空白的客户跟踪工作簿模板。

    \b
    例：client-tracking new 客户跟踪.xlsx
    """
    from workbook.template import build_template

    write_output(path, build_template, force)
    click.echo(f"已写出模板：{path}")


@main.command()
@book_argument
@as_of_option
@click.option("--strict", is_flag=True, help="有提醒也按不通过处理（退出码 1）。")
@json_option
def validate(book: Path, as_of, strict: bool, as_json: bool):
    """检查工作簿：逐个单元格列出问题和改法，不改动工作簿。

    \b
    例：client-tracking validate 客户跟踪.xlsx --as-of 2026-11-30
    """
    checked = load(book, as_of, uses_rules=False)
    if as_json:
        print_json(validation_json(checked))
    else:
        book_data = checked.book
        click.echo(
            f"检查 {book.name}（截至 {checked.as_of}）：客户 {len(book_data.clients)} 位，"
            f"跟踪记录 {len(book_data.follow_ups)} 条"
        )
        print_problems(checked)
        click.echo(f"共 {len(checked.errors)} 条错误，{len(checked.warnings)} 条提醒。")
    sys.exit(outcome(checked, strict))


def previous_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def write_month(checked: Checked, month: str, output: Path, force: bool):
    """The month's fines and suspects, written to the fines workbook."""
    checked.problems += reassigned_after_month(checked.book, month)
    result = month_fines(checked.book, month, checked.as_of)
    suspects = find_suspects(checked.book, month, checked.as_of)
    write_output(
        output,
        lambda temporary: save_fines_workbook(
            result, checked, temporary, suspects=suspects
        ),
        force,
        inputs=(checked.path,),
    )
    return result, suspects


def print_fines(
    fines: MonthFines,
    output: Path,
    checked: Checked,
    quiet: bool,
    suspects: list[Suspect] | None = None,
) -> None:
    click.echo(
        f"{fines.month} 乐捐合计 ¥{yuan(fines.total)}（{len(fines.lines)} 行），"
        f"已写入 {output}"
    )
    if quiet:
        return
    from checker.fines_workbook import summary_rows

    for person, role, department, count, amount in summary_rows(fines):
        click.echo(
            f"  {person}\t{role}\t{department or '-'}\t{count} 次\t¥{yuan(amount)}"
        )
    if fines.unfined_misses:
        click.echo(f"另有长期跟踪客户漏跟 {fines.unfined_misses} 次，按规则不计乐捐。")
    if suspects:
        click.echo(
            f"疑点 {len(suspects)} 条，见输出工作簿的“疑点”（或运行 audit）；"
            "疑点只供核实，不影响乐捐。"
        )
    if checked.errors:
        click.echo(
            f"注意：工作簿有 {len(checked.errors)} 条错误，乐捐金额可能不准确。"
            "请改正“问题清单”中的错误后重新计算（或运行 validate 查看）。",
            err=True,
        )
    elif checked.warnings:
        click.echo(
            f"工作簿有 {len(checked.warnings)} 条提醒，见输出工作簿的“问题清单”。",
            err=True,
        )
    _, last = month_bounds(fines.month)
    if last > checked.as_of:
        click.echo(
            f"注意：{fines.month} 还没有过完（检查日 {checked.as_of}），"
            "这是截至检查日的部分乐捐。",
            err=True,
        )


@main.command()
@book_argument
@month_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="输出文件（默认当前文件夹下的 乐捐-YYYY-MM.xlsx）。",
)
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
@as_of_option
@json_option
@quiet_option
def fines(book: Path, month, output, force: bool, as_of, as_json: bool, quiet: bool):
    """计算一个月的乐捐，写出乐捐工作簿（汇总、明细、问题清单、疑点、说明）。

    \b
    例：client-tracking fines 客户跟踪.xlsx --month 2026-11
        client-tracking fines 客户跟踪.xlsx -o 十一月乐捐.xlsx --force
    """
    checked = load(book, as_of)
    month = month or previous_month(checked.as_of)
    output = output or Path(f"乐捐-{month}.xlsx")
    result, suspects = write_month(checked, month, output, force)
    if as_json:
        print_json(fines_json(result, checked))
    else:
        print_fines(result, output, checked, quiet, suspects)
    sys.exit(outcome(checked))


@main.command()
@book_argument
@month_option
@as_of_option
@json_option
def audit(book: Path, month, as_of, as_json: bool):
    """列出一个月的疑点（补录、手工录入、集中补录、内容雷同等），供客服核实。

    疑点只是线索，不影响乐捐；核实后查实的情况记入“监管记录”。

    有疑点时退出码仍是 0；工作簿有错误时是 1，与其他命令相同。

    \b
    例：client-tracking audit 客户跟踪.xlsx --month 2026-11
        client-tracking audit 客户跟踪.xlsx --as-of 2026-12-03 --json
    """
    checked = load(book, as_of)
    month = month or previous_month(checked.as_of)
    suspects = find_suspects(checked.book, month, checked.as_of)
    if as_json:
        print_json(audit_json(month, suspects))
    else:
        print_suspects(month, checked, suspects)
    sys.exit(outcome(checked))


def print_suspects(month: str, checked: Checked, suspects: list[Suspect]) -> None:
    click.echo(
        f"{month} 疑点 {len(suspects)} 条（检查日 {checked.as_of}）。"
        "疑点只是线索，不影响乐捐；请核实后把查实的情况记入“监管记录”。"
    )
    for suspect in suspects:
        click.echo(suspect.render())
    by_code = Counter(suspect.code for suspect in suspects)
    counts = [f"{LABELS[code]} {by_code[code]}" for code in CODES if by_code[code]]
    if counts:
        click.echo("按类型：" + "，".join(counts))
    if checked.problems:
        click.echo(
            f"工作簿有 {len(checked.errors)} 条错误、{len(checked.warnings)} 条提醒"
            "（运行 validate 查看）。",
            err=True,
        )


@main.command()
@book_argument
@as_of_option
@click.option("--overdue", is_flag=True, help="只列出逾期和今日到期的客户。")
@click.option("--designer", metavar="NAME", help="只列出这位设计师的客户。")
@json_option
def status(book: Path, as_of, overdue: bool, designer: str | None, as_json: bool):
    """列出每位客户的跟踪状态（与插件写入“客户”表的相同）。

    \b
    例：client-tracking status 客户跟踪.xlsx --overdue --designer 张晓明
    """
    checked = load(book, as_of)
    shown = statuses(checked.book, checked.as_of)
    if overdue:
        shown = [s for s in shown if s.state in layout.NEEDS_ACTION]
    if designer:
        from workbook.values import as_name

        wanted = as_name(designer)
        if wanted not in checked.book.staff and all(
            c.designer != wanted for c in checked.book.clients
        ):
            click.echo(
                f"注意：人员表和客户表里都没有设计师“{wanted}”，请核对姓名。", err=True
            )
        shown = [s for s in shown if s.designer == wanted]
    if as_json:
        print_json(status_json(checked.as_of, shown))
    else:
        print_statuses(checked.as_of, shown)
    sys.exit(outcome(checked))


def print_statuses(as_of: dt.date, shown: list) -> None:
    click.echo(f"截至 {as_of}，共 {len(shown)} 位客户")
    click.echo(
        "客户编号\t客户姓名\t设计师\t类别\t上次跟踪\t应跟踪截止\t逾期天数\t跟踪状态"
    )
    for s in shown:
        click.echo(
            "\t".join(
                [
                    s.client_id,
                    s.client_name or "-",
                    s.designer or "-",
                    s.category or "-",
                    str(s.last_follow_up or "-"),
                    str(s.deadline or "-"),
                    str(s.days_overdue) if s.days_overdue else "-",
                    s.state,
                ]
            )
        )


@main.command()
@click.argument(
    "folder",
    required=False,
    default="client-tracking-demo",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="文件夹里已有示例文件时覆盖它们。")
def demo(folder: Path, force: bool):
    """写出示例工作簿，检查它，并算出它最后一个完整月份的乐捐。

    \b
    例：client-tracking demo
        client-tracking demo 示例 --force
    """
    from workbook.sample import SAMPLE_AS_OF, build_sample

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotRun(
            f"无法建立文件夹 {folder}（{error.strerror}），"
            "请换一个可写的位置，例如：client-tracking demo 文档/示例"
        ) from None
    sample = folder / "客户跟踪-示例.xlsx"
    write_output(sample, build_sample, force)
    click.echo(f"示例工作簿：{sample}")

    checked = load(sample, SAMPLE_AS_OF)
    click.echo(
        f"检查结果：{len(checked.errors)} 条错误，{len(checked.warnings)} 条提醒"
        f'（详情：client-tracking validate "{sample}" --as-of {SAMPLE_AS_OF}）'
    )

    month = f"{SAMPLE_AS_OF.year:04d}-{SAMPLE_AS_OF.month:02d}"
    output = folder / f"乐捐-{month}.xlsx"
    result, suspects = write_month(checked, month, output, force)
    print_fines(result, output, checked, quiet=False, suspects=suspects)


main.add_command(addin)
