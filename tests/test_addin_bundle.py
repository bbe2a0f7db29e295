"""The one-file bundle for the xlwings Lite editor, and the command that writes it."""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw
from click.testing import CliRunner

from addin import actions, scripts
from addin.bundle import (
    REQUIREMENTS,
    BundleError,
    build_bundle,
)
from addin.cli import addin
from tests import excel_engine as ee
from tests.test_addin_support import NOW, client, shared_workbook

# The same clicks, run once with the package and once with the bundle. Only
# the bundle's own names are used: `scripts` is addin.scripts or main.
SCENARIO = """
import asyncio
import datetime as dt


def run(scripts, ee, source, target):
    book = ee.open_book(source)
    ee.select(book, "客户", "B2")
    asyncio.run(scripts.record_follow_up(book, "电话", "电话沟通软装方案", None, "下周到店"))
    ee.start_run(book)
    ee.select(book, "客户", "C3")
    asyncio.run(scripts.record_follow_up(book, "微信", "发了报价", dt.date(2026, 11, 8)))
    ee.start_run(book)
    ee.select(book, "客户", "A4")
    asyncio.run(scripts.record_follow_up(book, "面谈", "已签约的客户"))
    ee.start_run(book)
    scripts.refresh_marks(book)
    ee.start_run(book)
    scripts.show_overdue(book, "钱设计")
    ee.save(book, target)
    return [alert.prompt for alert in ee.alerts(book)]
"""

DRIVER = """
import datetime as dt
import importlib.util
import json
import sys

found = [n for n in ("workbook", "checker", "addin") if importlib.util.find_spec(n)]

import excel_engine
import main
import scenario

main.current_time = lambda: dt.datetime(2026, 11, 10, 9, 30, 15)
alerts = scenario.run(main, excel_engine, sys.argv[1], sys.argv[2])
with open(sys.argv[3], "w", encoding="utf-8") as report:
    json.dump({"importable": found, "alerts": alerts}, report, ensure_ascii=False)
"""

CLIENTS = [
    client(1001),
    client(1002, designer="钱设计"),
    client(1003, status="已签约"),
    client(1004, designer="钱设计"),
]


@pytest.fixture
def main_text() -> str:
    return build_bundle()


def test_the_bundle_imports_only_the_standard_library_and_xlwings(main_text):
    imported = set()
    for node in ast.walk(ast.parse(main_text)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])

    assert "xlwings" in imported
    assert imported - {"xlwings"} <= set(sys.stdlib_module_names)
    assert main_text.count("from __future__ import annotations") == 1


def test_the_bundle_holds_the_four_buttons(main_text):
    tree = ast.parse(main_text)
    scripts_found = {
        node.name: [ast.unparse(d) for d in node.decorator_list]
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any("xw.script" in ast.unparse(d) for d in node.decorator_list)
    }
    assert sorted(scripts_found) == [
        "record_follow_up",
        "refresh_marks",
        "show_all",
        "show_overdue",
    ]


def site_packages() -> str:
    """Where xlwings (and openpyxl, for the engine) are installed."""
    return str(Path(xw.__file__).resolve().parent.parent)


def test_the_bundle_runs_alone_and_gives_the_packages_results(
    tmp_path, monkeypatch, main_text
):
    source = tmp_path / "shared.xlsx"
    shared_workbook(CLIENTS).save(source)
    alone = tmp_path / "lite"
    alone.mkdir()
    (alone / "main.py").write_text(main_text, encoding="utf-8")
    (alone / "scenario.py").write_text(SCENARIO, encoding="utf-8")
    (alone / "driver.py").write_text(DRIVER, encoding="utf-8")
    shutil.copy(ee.__file__, alone / "excel_engine.py")

    # A fresh interpreter without site (so no editable install of this project)
    # and with only the installed packages on its path.
    result = subprocess.run(
        [
            sys.executable,
            "-S",
            "driver.py",
            str(source),
            str(tmp_path / "lite.xlsx"),
            str(tmp_path / "report.json"),
        ],
        cwd=alone,
        env={"PYTHONPATH": site_packages(), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["importable"] == []

    monkeypatch.setattr(actions, "current_time", lambda: NOW)
    spec = importlib.util.spec_from_file_location("scenario", alone / "scenario.py")
    scenario = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scenario)
    alerts = scenario.run(scripts, ee, source, tmp_path / "package.xlsx")

    assert report["alerts"] == alerts
    assert len(alerts) == 5 and "已不再跟踪" in alerts[2]
    package = workbook_contents(tmp_path / "package.xlsx")
    assert workbook_contents(tmp_path / "lite.xlsx") == package
    logged = [row for row in package["跟踪记录"]["cells"][1:] if any(row)]
    assert [row[7] for row in logged] == ["电话沟通软装方案", "发了报价"]
    assert package["客户"]["hidden"] == [2, 3, 4]  # only 钱设计's overdue 1004 shows


def workbook_contents(path: Path) -> dict:
    """Every cell value, hidden row, table range and filter of a saved file."""
    wb = openpyxl.load_workbook(path)
    contents = {}
    for ws in wb.worksheets:
        contents[ws.title] = {
            "cells": list(ws.iter_rows(values_only=True)),
            "hidden": [r for r, d in ws.row_dimensions.items() if d.hidden],
            "tables": {
                table.displayName: (table.ref, repr(table.autoFilter))
                for table in ws.tables.values()
            },
        }
    return contents


# The guards of the bundle build, on small made-up projects


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_two_modules_giving_one_name_two_meanings_stop_the_build(tmp_path):
    root = project(
        tmp_path,
        {
            "workbook/one.py": "def fold(text):\n    return text.strip()\n",
            "workbook/two.py": "def fold(text):\n    return text.lower()\n",
        },
    )

    with pytest.raises(BundleError, match="名称冲突") as raised:
        build_bundle(("workbook.one", "workbook.two"), root)

    assert "workbook/one.py 和 workbook/two.py 都定义了顶层名称“fold”" in str(
        raised.value
    )


def test_shared_standard_imports_and_whole_module_imports_work(tmp_path):
    root = project(
        tmp_path,
        {
            "workbook/one.py": '''
                """First module."""
                from __future__ import annotations

                import datetime as dt

                START = dt.date(2026, 11, 1)
            ''',
            "workbook/two.py": '''
                """Second module."""
                from __future__ import annotations

                import datetime as dt

                from workbook import one
                from workbook.one import START

                def later(days):
                    return one.START + dt.timedelta(days=days), START
            ''',
        },
    )

    text = build_bundle(("workbook.one", "workbook.two"), root)
    namespace: dict = {}
    exec(compile(text, "main.py", "exec"), namespace)

    assert namespace["later"](2)[0].isoformat() == "2026-11-03"
    with pytest.raises(AttributeError):
        _ = namespace["one"].later  # `one` holds only what one.py defines


@pytest.mark.parametrize(
    ("two", "said"),
    [
        ("import openpyxl\n", "只能导入标准库和 xlwings，不能导入 openpyxl"),
        ("from workbook.one import MISSING\n", "workbook.one 没有定义 MISSING"),
        ("from workbook.one import START as BEGIN\n", "不支持 import … as …"),
        (
            "def f():\n    from workbook.one import START\n    return START\n",
            "项目内的导入须放在模块顶部",
        ),
        ("from workbook.three import X\n", "workbook.three 不在打包模块中"),
        ("if True:\n    X = 1\n", "不支持顶层的 If 语句"),
    ],
)
def test_the_build_refuses_what_the_one_file_cannot_hold(tmp_path, two, said):
    root = project(tmp_path, {"workbook/one.py": "START = 1\n", "workbook/two.py": two})

    with pytest.raises(BundleError, match=said):
        build_bundle(("workbook.one", "workbook.two"), root)


def test_a_module_may_not_import_a_later_one(tmp_path):
    root = project(
        tmp_path,
        {"workbook/one.py": "from workbook import two\n", "workbook/two.py": "X = 1\n"},
    )

    with pytest.raises(BundleError, match="workbook.two 须排在 workbook.one 之前"):
        build_bundle(("workbook.one", "workbook.two"), root)


# client-tracking addin bundle


def test_the_command_writes_main_py_and_requirements(tmp_path, main_text):
    folder = tmp_path / "xlwings-lite"

    result = CliRunner().invoke(addin, ["bundle", str(folder)])

    assert result.exit_code == 0, result.output
    assert (folder / "main.py").read_text(encoding="utf-8") == main_text
    assert (folder / "requirements.txt").read_text(encoding="utf-8") == REQUIREMENTS
    assert REQUIREMENTS.startswith("xlwings>=")
    assert "已写出" in result.output


def test_the_command_writes_to_xlwings_lite_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(addin, ["bundle"])

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "xlwings-lite").iterdir()) == [
        "main.py",
        "requirements.txt",
    ]


def test_the_command_overwrites_only_with_force(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "main.py").write_text("# an older bundle\n", encoding="utf-8")

    refused = CliRunner().invoke(addin, ["bundle", str(folder)])

    assert refused.exit_code == 2
    assert "已存在，没有覆盖。确需覆盖请加 --force" in refused.output
    assert (folder / "main.py").read_text(encoding="utf-8") == "# an older bundle\n"
    assert not (folder / "requirements.txt").exists()

    forced = CliRunner().invoke(addin, ["bundle", str(folder), "--force"])

    assert forced.exit_code == 0
    assert (folder / "main.py").read_text(encoding="utf-8") != "# an older bundle\n"


def test_the_command_refuses_a_file_as_its_folder(tmp_path):
    target = tmp_path / "main.py"
    target.write_text("", encoding="utf-8")

    result = CliRunner().invoke(addin, ["bundle", str(target)])

    assert result.exit_code == 2
    assert "请指定一个文件夹" in result.output


def test_the_help_is_in_chinese_with_an_example():
    result = CliRunner().invoke(addin, ["bundle", "--help"])

    assert result.exit_code == 0
    assert "生成 xlwings Lite 用的 main.py 和 requirements.txt" in result.output
    assert "例：client-tracking addin bundle" in result.output
    assert "--force" in result.output
