"""One self-contained `main.py` for the xlwings Lite editor, made from the package.

xlwings Lite keeps a workbook's Python code in one file, `main.py`, and installs
packages from `requirements.txt`. The add-in's code lives in several modules
(the layout, the cell readers, the rules engine, the actions and the scripts),
so this module concatenates them, in dependency order, into one file: the
package stays the one source of truth and the bundle is regenerated from it.

How the modules become one file:

- Each module's docstring becomes a comment heading its section, and the one
  ``from __future__ import annotations`` goes to the top.
- Imports between the project's modules (``from workbook.values import fold``)
  are removed: the names they import are defined earlier in the same file. A
  module imported as a whole (``from workbook import layout``) becomes a small
  stand-in object, so ``layout.CLIENTS`` still reads layout's ``CLIENTS``.
- Everything else may import only the standard library and xlwings.

Because all modules share one namespace, the build fails with a clear message
when two modules define the same top-level name differently, when a project
import names something its module does not define, or when a module imports a
later one. Identical imports of the standard library (``import datetime as dt``
in several modules) are fine.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from checker import __version__

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("workbook", "checker", "addin")
THIRD_PARTY_ALLOWED = ("xlwings",)

# Dependency order: each module imports only modules above it.
BUNDLED_MODULES = (
    "workbook.layout",
    "workbook.values",
    "workbook.problems",
    "workbook.records",
    "workbook.parse",
    "checker.rules",
    "addin.messages",
    "addin.excel",
    "addin.actions",
    "addin.scripts",
)

MAIN_FILE = "main.py"
REQUIREMENTS_FILE = "requirements.txt"

# xlwings Lite installs what requirements.txt lists (and pins what it installed
# in requirements-pinned.txt). The scripts use Table.rows.add(), AutoFilter and
# xw.BookAsync with Sheet.load(), which this version has; it is the one tested.
REQUIREMENTS = "xlwings>=0.37.8,<1.0.0\n"

STAND_IN_CLASS = "_BundledModule"

HEADER = '''"""客户跟踪 · xlwings Lite 插件（main.py）

由 `client-tracking addin bundle` 从 client-tracking {version} 的源代码生成，
请勿直接修改：改动请改源代码后重新生成，再整个粘贴到 xlwings Lite 编辑器。
Generated from the client-tracking package; edit the sources and regenerate.
"""

from __future__ import annotations


class {stand_in}:
    """One of the project's modules inside this single file: its names are
    this file's top-level names, so `layout.CLIENTS` reads CLIENTS."""

    def __init__(self, name, names):
        self.__name__ = name
        self._names = frozenset(names)

    def __getattr__(self, attr):
        if attr in self._names:
            return globals()[attr]
        raise AttributeError(f"module {{self.__name__!r}} has no attribute {{attr!r}}")

'''


class BundleError(Exception):
    """The bundle cannot be built; str() says why, in Chinese."""


@dataclass
class Module:
    """One project module: its source, its syntax tree and what it defines."""

    name: str
    root: Path
    path: Path
    text: str
    tree: ast.Module
    defined: dict[str, str] = field(default_factory=dict)  # name -> definition
    removed: list[tuple[int, int]] = field(default_factory=list)  # line spans
    module_imports: dict[str, str] = field(default_factory=dict)  # alias -> module
    docstring: str = ""

    @property
    def relative_path(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def build_bundle(names=BUNDLED_MODULES, root: Path = PROJECT_ROOT) -> str:
    """The text of main.py: the modules `names`, in order, as one file."""
    modules = [load_module(name, root) for name in names]
    for index, module in enumerate(modules):
        check_imports(module, modules[:index], names)
    check_collisions(modules)

    text = render(modules)
    check_result(text)
    return text


def load_module(name: str, root: Path) -> Module:
    path = root.joinpath(*name.split(".")).with_suffix(".py")
    text = path.read_text(encoding="utf-8")
    module = Module(name, root, path, text, ast.parse(text, filename=str(path)))
    collect(module)
    return module


def collect(module: Module) -> None:
    """Find the docstring, the lines to remove and the top-level names."""
    body = module.tree.body
    if body and _is_docstring(body[0]):
        module.docstring = ast.get_docstring(module.tree) or ""
        module.removed.append(_span(body[0]))
    for node in body:
        if is_future_import(node) or is_project_import(node):
            module.removed.append(_span(node))
        else:
            record_definitions(module, node)


def is_future_import(node: ast.AST) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def is_project_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or _top(node.module or "") in PROJECT_PACKAGES
    if isinstance(node, ast.Import):
        return any(_top(alias.name) in PROJECT_PACKAGES for alias in node.names)
    return False


def record_definitions(module: Module, node: ast.stmt) -> None:
    """Note each top-level name the statement binds, with its definition."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        _define(module, node.name, ast.dump(node))
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            for name in _target_names(target):
                _define(module, name, ast.dump(node.value))
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        _define(module, node.target.id, ast.dump(node))
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            _define(module, bound, f"import {_import_source(node, alias)}")
    elif isinstance(node, (ast.If, ast.Try, ast.For, ast.While, ast.With)):
        raise BundleError(
            f"{module.relative_path} 第 {node.lineno} 行：打包不支持顶层的 "
            f"{type(node).__name__} 语句，请改为函数或普通赋值"
        )


def _define(module: Module, name: str, definition: str) -> None:
    module.defined.setdefault(name, definition)


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    return []


def _import_source(node, alias) -> str:
    if isinstance(node, ast.ImportFrom):
        return f"{node.module}.{alias.name}"
    return alias.name


# Checks


def check_imports(module: Module, earlier: list[Module], names) -> None:
    """Project imports name earlier modules and names they define; all other
    imports, anywhere in the module, are the standard library or xlwings."""
    by_name = {m.name: m for m in earlier}
    top_level = set(map(id, module.tree.body))
    for node in ast.walk(module.tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        where = f"{module.relative_path} 第 {node.lineno} 行"
        if is_project_import(node):
            if id(node) not in top_level:
                raise BundleError(f"{where}：项目内的导入须放在模块顶部")
            check_project_import(module, node, by_name, names, where)
        elif not is_future_import(node):
            check_outside_import(node, where)


def check_project_import(module, node, by_name, names, where) -> None:
    if isinstance(node, ast.Import) or node.level > 0:
        raise BundleError(f"{where}：请写成 from 包.模块 import 名称")
    for alias in node.names:
        if alias.asname:
            raise BundleError(f"{where}：打包不支持 import … as …（{alias.name}）")
        whole = f"{node.module}.{alias.name}"
        if whole in names:
            if whole not in by_name:
                raise BundleError(f"{where}：{whole} 须排在 {module.name} 之前")
            module.module_imports[alias.name] = whole
            continue
        source = by_name.get(node.module)
        if source is None:
            raise BundleError(
                f"{where}：{node.module} 不在打包模块中，或排在 {module.name} 之后"
            )
        if alias.name not in source.defined:
            raise BundleError(f"{where}：{node.module} 没有定义 {alias.name}")


def check_outside_import(node, where) -> None:
    names = (
        [node.module or ""]
        if isinstance(node, ast.ImportFrom)
        else [a.name for a in node.names]
    )
    for name in names:
        top = _top(name)
        if top not in sys.stdlib_module_names and top not in THIRD_PARTY_ALLOWED:
            raise BundleError(
                f"{where}：xlwings Lite 插件只能导入标准库和 xlwings，不能导入 {name}"
            )


def check_collisions(modules: list[Module]) -> None:
    """Two modules may not give one top-level name different meanings."""
    owners: dict[str, tuple[Module, str]] = {}
    for module in modules:
        for alias, target in module.module_imports.items():
            _claim(owners, alias, module, f"module {target}")
        for name, definition in module.defined.items():
            _claim(owners, name, module, definition)
    if STAND_IN_CLASS in owners:
        raise BundleError(f"名称 {STAND_IN_CLASS} 留给打包使用，请在源代码中改名")


def _claim(owners, name, module, definition) -> None:
    if name not in owners:
        owners[name] = (module, definition)
        return
    first, first_definition = owners[name]
    if first_definition != definition:
        raise BundleError(
            f"名称冲突：{first.relative_path} 和 {module.relative_path} 都定义了"
            f"顶层名称“{name}”，而含义不同。打包后所有模块共用一个命名空间，"
            "请把其中一个改名后再生成"
        )


def check_result(text: str) -> None:
    """The bundle compiles and imports nothing of the project any more."""
    tree = ast.parse(text, filename=MAIN_FILE)
    for node in ast.walk(tree):
        if is_project_import(node):
            raise BundleError(f"main.py 第 {node.lineno} 行仍导入了项目模块")


# Rendering


def render(modules: list[Module]) -> str:
    parts = [HEADER.format(version=__version__, stand_in=STAND_IN_CLASS)]
    parts.append(stand_ins(modules))
    for module in modules:
        parts.append(section(module))
    return "\n".join(parts).rstrip() + "\n"


def stand_ins(modules: list[Module]) -> str:
    """One stand-in per module imported as a whole, naming what it defines."""
    by_name = {module.name: module for module in modules}
    lines = []
    done = set()
    for module in modules:
        for alias, target in module.module_imports.items():
            if alias in done:
                continue
            done.add(alias)
            names = ", ".join(repr(name) for name in sorted(by_name[target].defined))
            listed = textwrap.fill(
                names, width=88, initial_indent=" " * 8, subsequent_indent=" " * 8
            )
            lines.append(
                f"{alias} = {STAND_IN_CLASS}(\n    {target!r},\n    [\n{listed}\n    ],\n)"
            )
    return "\n".join(lines) + "\n"


def section(module: Module) -> str:
    heading = [f"# {'=' * 76}", f"# {module.relative_path}"]
    heading += [f"# {line}".rstrip() for line in module.docstring.splitlines()]
    heading.append(f"# {'=' * 76}")
    return "\n".join(heading) + "\n" + "\n".join(kept_lines(module)).strip() + "\n\n"


def kept_lines(module: Module) -> list[str]:
    lines = module.text.splitlines()
    drop = set()
    for first, last in module.removed:
        drop.update(range(first, last + 1))
    return [line for number, line in enumerate(lines, 1) if number not in drop]


def _span(node: ast.stmt) -> tuple[int, int]:
    return node.lineno, node.end_lineno or node.lineno


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _top(name: str) -> str:
    return name.split(".")[0]


# Files


def bundle_files() -> dict[str, str]:
    """The files the Lite editor needs, by name."""
    return {MAIN_FILE: build_bundle(), REQUIREMENTS_FILE: REQUIREMENTS}
