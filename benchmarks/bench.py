"""Time the checker against the cost of merely reading the workbook (issue 5).

    python benchmarks/bench.py [--sizes S,M,L] [--repeat N] [--out DIR]
                               [--results FILE] [--skip-naive-on SIZES]
                               [--naive-once-on SIZES] [--addin-clients N]
                               [--profile SIZES] [--no-timing]

For each size, in one run, the measured commands take turns round-robin (the
starting command rotates each round), so that the machine's drift is shared out
instead of landing on one command:

  (a) floor      python-calamine reads every sheet's values, in a fresh process;
  (b) validate   `client-tracking validate BOOK --as-of 2026-11-30 --json`;
      fines      `client-tracking fines BOOK --month 2026-11 ... --json`;
  (c) engine     one process reads the book with workbook.reader, then times the
                 rules (month_fines, statuses) and the cross-checks in-process;
  (d) peak RSS   of every process, from os.wait4 (the child's own rusage);
  (e) naive      openpyxl read-only iteration of every sheet's cells.

Then (f) the add-in's refresh of 10,000 clients, and PASS/MISS per target of the
issue. The table goes to stdout and, as Markdown, to --results (by default
benchmarks/RESULTS.md). --profile runs cProfile on validate and fines and an
RSS-per-step probe, for the sizes given. Workbooks and outputs go to --out
(default benchmarks/out/, which git ignores); a workbook older than the
generator or the layout is written again.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import importlib.util
import inspect
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "benchmarks" / "make_workbook.py"
# The generated books depend on these files; a book older than them is stale.
GENERATOR_INPUTS = (GENERATOR, ROOT / "workbook" / "layout.py")
DEFAULT_OUT = ROOT / "benchmarks" / "out"
DEFAULT_RESULTS = ROOT / "benchmarks" / "RESULTS.md"

AS_OF = "2026-11-30"
MONTH = "2026-11"
SIZES = ("S", "M", "L")
# Fits S, M and L with every step in about a quarter of an hour on two cores.
DEFAULT_REPEATS = {"S": 3, "M": 3, "L": 2}
FOLLOW_UPS = {"S": 10_000, "M": 200_000, "L": 1_048_575}
# validate and fines exit 1 when the workbook has errors, as these books do.
CLI_EXIT_CODES = (0, 1)

ADDIN_CLIENTS = 10_000
# Follow-ups per client in the add-in's book, as in size S.
ADDIN_FOLLOW_UPS_PER_CLIENT = 20
ADDIN_REPEAT = 3
# Frames in these files are the test engine's cell I/O, not the computation.
ENGINE_FILES = ("excel_engine.py", "/xlwings/", "/openpyxl/")

PROFILE_TOP = 25
PROFILE_SELF_TOP = 15
MIB = 1024 * 1024
PRODUCT_PACKAGES = ("workbook", "checker", "addin")

# The floor and the naive reader run as bare scripts, so that they pay Python's
# start-up and their one import and nothing else.
FLOOR_CODE = """\
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
"""

NAIVE_CODE = """\
import sys, warnings
warnings.simplefilter("ignore")
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
for sheet in book.worksheets:
    for row in sheet.iter_rows(values_only=True):
        pass
book.close()
"""

PROFILE_CODE = """\
import cProfile, sys
from checker.cli import main
profile = cProfile.Profile()
profile.enable()
try:
    main(sys.argv[2:], prog_name="client-tracking")
except SystemExit:
    pass
profile.disable()
profile.dump_stats(sys.argv[1])
"""

# (key, label) in table order; the key names the samples.
ROWS = (
    ("floor", "(a) floor: calamine reads every sheet [process]"),
    ("validate", "(b) validate --json [process]"),
    ("fines", "(b) fines -o … --json [process]"),
    ("read_workbook", "(c) reader.read_workbook [in-process]"),
    ("month_fines", "(c) rules.month_fines [in-process]"),
    ("statuses", "(c) rules.statuses [in-process]"),
    ("cross_checks", "(c) checks.cross_checks (in validate) [in-process]"),
    ("naive", "(e) naive: openpyxl read-only iteration [process]"),
)
ENGINE_KEYS = ("read_workbook", "month_fines", "statuses", "cross_checks")


# -- running one measured process ------------------------------------------


@dataclass
class Run:
    seconds: float
    max_rss_mib: float
    stdout: str


class BenchError(RuntimeError):
    pass


def run_process(argv: list[str], ok_codes=(0,), capture=False) -> Run:
    """Run argv to the end; wall time and the child's own peak RSS.

    os.wait4 returns the rusage of that one child, where RUSAGE_CHILDREN would
    give the maximum over every child so far.
    """
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        stdout = output if capture else subprocess.DEVNULL
        began = time.perf_counter()
        process = subprocess.Popen(argv, stdout=stdout, stderr=errors, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        # Popen did not reap the child itself, so tell it the outcome.
        process.returncode = os.waitstatus_to_exitcode(status)

        if process.returncode not in ok_codes:
            errors.seek(0)
            detail = errors.read().decode(errors="replace")[-2000:]
            raise BenchError(f"{argv} exited {process.returncode}:\n{detail}")
        output.seek(0)
        # Linux reports ru_maxrss in KiB.
        return Run(seconds, usage.ru_maxrss / 1024, output.read().decode())


def worker_argv(*args: object) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker"] + [
        str(arg) for arg in args
    ]


def cli_argv(*args: object) -> list[str]:
    # The console script installed beside this interpreter, as users run it.
    script = Path(sys.executable).with_name("client-tracking")
    return [str(script)] + [str(arg) for arg in args]


# -- workbooks -------------------------------------------------------------


def is_stale(path: Path) -> bool:
    if not path.exists():
        return True
    return path.stat().st_mtime < max(p.stat().st_mtime for p in GENERATOR_INPUTS)


def ensure_workbook(size: str, out_dir: Path, regenerate: bool) -> Path:
    path = out_dir / f"benchmark-{size}.xlsx"
    if regenerate or is_stale(path):
        progress(f"{size}: writing {path}")
        argv = [sys.executable, str(GENERATOR), size, "-o", str(path)]
        subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return path


def warm_page_cache(path: Path) -> None:
    """Read the file once, so that the first measured command is not the one
    that pays for the disk."""
    with open(path, "rb") as stream:
        while stream.read(1 << 20):
            pass


# -- one size, round-robin -------------------------------------------------


@dataclass
class Command:
    key: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    once: bool = False
    # For the engine worker: its stdout holds in-process timings.
    in_process: bool = False


@dataclass
class SizeResult:
    size: str
    path: Path
    samples: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, list[float]] = field(default_factory=dict)
    rounds: int = 0
    naive: str = "repeated"

    def add(self, key: str, seconds: float, rss: float | None = None) -> None:
        self.samples.setdefault(key, []).append(seconds)
        if rss is not None:
            self.rss.setdefault(key, []).append(rss)

    def median(self, key: str) -> float | None:
        values = self.samples.get(key)
        return statistics.median(values) if values else None

    def peak_rss(self, key: str) -> float | None:
        values = self.rss.get(key)
        return max(values) if values else None


def size_commands(size: str, path: Path, out_dir: Path, naive: str) -> list[Command]:
    fines_output = out_dir / f"fines-{size}.xlsx"
    commands = [
        Command("floor", [sys.executable, "-c", FLOOR_CODE, str(path)]),
        Command(
            "validate",
            cli_argv("validate", path, "--as-of", AS_OF, "--json"),
            CLI_EXIT_CODES,
        ),
        Command(
            "fines",
            cli_argv("fines", path, "--month", MONTH, "--as-of", AS_OF)
            + ["-o", str(fines_output), "--force", "--json"],
            CLI_EXIT_CODES,
        ),
        Command("engine", worker_argv("engine", path), in_process=True),
    ]
    if naive != "skipped":
        naive_argv = [sys.executable, "-c", NAIVE_CODE, str(path)]
        commands.append(Command("naive", naive_argv, once=naive == "once"))
    return commands


def measure_size(size, path, out_dir, repeat, naive) -> SizeResult:
    result = SizeResult(size, path, rounds=repeat, naive=naive)
    commands = size_commands(size, path, out_dir, naive)
    warm_page_cache(path)

    for round_number in range(repeat):
        # Rotate the order, so that no command always runs first or last.
        shift = round_number % len(commands)
        for command in commands[shift:] + commands[:shift]:
            if command.once and command.key in result.samples:
                continue
            run = measure_command(result, command)
            progress(
                f"{size} round {round_number + 1}/{repeat}: {command.key} "
                f"{run.seconds:.2f} s, {run.max_rss_mib:.0f} MiB"
            )
    return result


def measure_command(result: SizeResult, command: Command) -> Run:
    run = run_process(command.argv, command.ok_codes, capture=command.in_process)
    if not command.in_process:
        result.add(command.key, run.seconds, run.max_rss_mib)
        return run

    # The engine process's peak RSS is shown on its read_workbook row.
    timings = json.loads(run.stdout)
    for key in ENGINE_KEYS:
        rss = run.max_rss_mib if key == "read_workbook" else None
        result.add(key, timings[key], rss)
    return run


# -- (c) the engine worker -------------------------------------------------


def engine_worker(path: str) -> None:
    """Read once, then time the rules and the cross-checks on the records."""
    from checker.checks import cross_checks
    from checker.rules import month_fines, statuses
    from workbook.reader import read_workbook

    as_of = dt.date.fromisoformat(AS_OF)
    timings = {}
    book = timed(timings, "read_workbook", lambda: read_workbook(Path(path)))
    timed(timings, "month_fines", lambda: month_fines(book, MONTH, as_of))
    timed(timings, "statuses", lambda: statuses(book, as_of))
    timed(timings, "cross_checks", lambda: cross_checks(book, as_of))
    print(json.dumps(timings))


def timed(timings: dict, key: str, work: Callable):
    began = time.perf_counter()
    value = work()
    timings[key] = time.perf_counter() - began
    return value


# -- (f) the add-in's refresh ----------------------------------------------


def addin_worker(clients: str, out_dir: str) -> None:
    """Refresh the statuses of a generated book of `clients` clients and print
    timings and the test engine's counts as JSON."""
    count = int(clients)
    path = addin_book(count, Path(out_dir))
    refresh = find_refresh_status()
    if refresh is None:
        result = statuses_only(path)
    else:
        result = refresh_on_engine(path, refresh)
    result |= {
        "clients": count,
        "follow_ups": count * ADDIN_FOLLOW_UPS_PER_CLIENT,
    }
    print(json.dumps(result))


def addin_book(clients: int, out_dir: Path) -> Path:
    """A seeded book of the given number of clients, from the benchmark generator
    at a size of its own."""
    path = out_dir / f"addin-{clients}.xlsx"
    if not is_stale(path):
        return path
    generator = load_generator()
    key = f"addin-{clients}"
    follow_ups = clients * ADDIN_FOLLOW_UPS_PER_CLIENT
    generator.SIZES[key] = generator.Size(clients, follow_ups, max(5, clients // 500))
    return generator.make_workbook(key, path)


def load_generator():
    # benchmarks/ is not an installed package, so load the script by its path.
    spec = importlib.util.spec_from_file_location("make_workbook", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def find_refresh_status() -> Callable | None:
    if importlib.util.find_spec("addin.actions") is None:
        return None
    from addin import actions

    return getattr(actions, "refresh_status", None)


def statuses_only(path: Path) -> dict:
    """Without the add-in, the computation it will run: rules.statuses."""
    from checker.rules import statuses
    from workbook.reader import read_workbook

    as_of = dt.date.fromisoformat(AS_OF)
    book = read_workbook(path)
    seconds = []
    for _ in range(ADDIN_REPEAT):
        began = time.perf_counter()
        statuses(book, as_of)
        seconds.append(time.perf_counter() - began)
    return {"addin": False, "computation": statistics.median(seconds)}


def refresh_on_engine(path: Path, refresh: Callable) -> dict:
    """refresh_status on the test engine: wall time, compute_refresh alone when
    the add-in has it, the share of the time spent outside the engine's cell
    I/O (from one profiled run), and the engine's counts of one refresh."""
    sys.path.insert(0, str(ROOT))
    from addin import actions
    from tests.excel_engine import open_book, start_run, stats

    book = open_book(template_copy(path))
    arguments = refresh_arguments(refresh)
    wall = median_seconds(lambda: refresh(book, **arguments), book, start_run)
    counts = stats(book)
    result = {
        "addin": True,
        "wall": wall,
        "reads": counts.reads,
        "writes": counts.writes,
        "read_addresses": list(counts.read_addresses),
        "write_addresses": list(counts.write_addresses),
    }

    compute = getattr(actions, "compute_refresh", None)
    if compute is not None:
        today = dt.date.fromisoformat(AS_OF)
        result["compute_refresh"] = median_seconds(
            lambda: compute(book, today), book, start_run
        )
    start_run(book)
    share = computation_share(lambda: refresh(book, **arguments))
    result["computation"] = wall * share
    return result


def median_seconds(work: Callable, book, start_run: Callable) -> float:
    """Median wall time of work, each run a fresh click of the button."""
    seconds = []
    for _ in range(ADDIN_REPEAT):
        start_run(book)
        book.impl.stats.reset()
        began = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def template_copy(path: Path):
    """The generated rows in the shared template, as the add-in would find them:
    上次跟踪 filled from the log, as 记录跟踪 keeps it."""
    from python_calamine import CalamineWorkbook

    from workbook import layout
    from workbook.template import fill_sheet, template_workbook

    source = CalamineWorkbook.from_path(str(path))
    last_seen = last_follow_ups(path)
    workbook = template_workbook()
    for sheet in layout.DATA_SHEETS:
        # The template holds the default rules already.
        if sheet is layout.RULES_SHEET or sheet.name not in source.sheet_names:
            continue
        header, *rows = source.get_sheet_by_name(sheet.name).to_python()
        keys = [sheet_key(sheet, name) for name in header]
        records = [dict(zip(keys, row, strict=True)) for row in rows]
        if sheet is layout.CLIENT_SHEET:
            for record in records:
                record["last_follow_up"] = last_seen.get(as_id(record["client_id"]))
        fill_sheet(workbook, sheet, records)
    return workbook


def last_follow_ups(path: Path) -> dict:
    from checker.rules import statuses
    from workbook.reader import read_workbook

    book = read_workbook(path)
    shown = statuses(book, dt.date.fromisoformat(AS_OF))
    return {status.client_id: status.last_follow_up for status in shown}


def as_id(value):
    from workbook.values import as_id

    return as_id(value)


def sheet_key(sheet, header: str) -> str:
    for column in sheet.columns:
        if column.header == header:
            return column.key
    raise BenchError(f"{sheet.name}: unknown header {header!r}")


def refresh_arguments(refresh: Callable) -> dict:
    """as_of for whichever name refresh_status gives the day; nothing else."""
    parameters = list(inspect.signature(refresh).parameters.values())[1:]
    arguments = {}
    for parameter in parameters:
        if parameter.name in ("as_of", "today", "day"):
            arguments[parameter.name] = dt.date.fromisoformat(AS_OF)
        elif parameter.default is inspect.Parameter.empty and parameter.kind not in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            raise BenchError(f"refresh_status needs {parameter.name}, unknown here")
    return arguments


def computation_share(work: Callable) -> float:
    """The part of work's own time spent outside the engine, xlwings, openpyxl."""
    profile = cProfile.Profile()
    profile.runcall(work)
    entries = pstats.Stats(profile).stats
    total = sum(entry[2] for entry in entries.values())
    in_engine = sum(
        entry[2]
        for (filename, _, _), entry in entries.items()
        if any(part in filename for part in ENGINE_FILES)
    )
    return 1 - in_engine / total if total else 1.0


def measure_addin(clients: int, out_dir: Path) -> list[dict]:
    """The refresh at a tenth of the clients and at the full count, so that the
    number of writes can be compared across sizes. A failure is reported, not
    raised: the timings measured before it are worth keeping."""
    results = []
    for count in (max(1, clients // 10), clients):
        try:
            run = run_process(worker_argv("addin", count, out_dir), capture=True)
        except BenchError as error:
            progress(f"add-in step failed: {error}")
            return [{"failed": str(error).splitlines()[-1], "clients": count}]
        # The add-in may print its message too; the worker's JSON comes last.
        results.append(json.loads(run.stdout.strip().splitlines()[-1]))
        progress(f"add-in refresh of {count} clients: {results[-1]}"[:300])
    return results


# -- profile and memory ----------------------------------------------------


def profile_size(size: str, path: Path, out_dir: Path) -> str:
    """cProfile of validate and fines, and RSS per step, as text."""
    parts = []
    fines_output = out_dir / f"fines-{size}-profiled.xlsx"
    commands = {
        "validate": ["validate", path, "--as-of", AS_OF, "--json"],
        "fines": ["fines", path, "--month", MONTH, "--as-of", AS_OF]
        + ["-o", fines_output, "--force", "--json"],
    }
    for name, args in commands.items():
        target = out_dir / f"profile-{size}-{name}.prof"
        argv = [sys.executable, "-c", PROFILE_CODE, str(target)] + [
            str(a) for a in args
        ]
        run = run_process(argv)
        progress(f"{size}: profiled {name}")
        parts.append(profile_text(size, name, target, run))

    for kind in ("calamine", "checker"):
        run = run_process(worker_argv("memory", kind, path), capture=True)
        progress(f"{size}: memory per step of {kind}")
        steps = json.loads(run.stdout)
        parts.append(memory_text(size, kind, steps, run.max_rss_mib))
    return "\n".join(parts)


def profile_text(size: str, name: str, target: Path, run: Run) -> str:
    entries = pstats.Stats(str(target)).stats
    total = max(entry[3] for entry in entries.values())
    # click's own frames wrap everything and say nothing about the cost.
    entries = {k: v for k, v in entries.items() if "/click/" not in k[0]}
    by_cumulative = sorted(entries.items(), key=lambda item: -item[1][3])
    by_self = sorted(entries.items(), key=lambda item: -item[1][2])
    lines = [
        f"### cProfile: {name} on {size}",
        "",
        f"Process {run.seconds:.2f} s under cProfile, profiled work "
        f"{total:.2f} s (start-up and imports are the difference), peak RSS "
        f"{run.max_rss_mib:.0f} MiB; full stats in {target.name}.",
        "",
        *profile_rows(f"Top {PROFILE_TOP} by cumulative time", by_cumulative),
        "",
        *profile_rows(f"Top {PROFILE_SELF_TOP} by own time", by_self, PROFILE_SELF_TOP),
    ]
    return "\n".join(lines) + "\n"


def profile_rows(title: str, rows: list, count: int = PROFILE_TOP) -> list[str]:
    lines = [
        f"{title}:",
        "",
        "| cumulative s | own s | calls | function |",
        "| ---: | ---: | ---: | --- |",
    ]
    for (filename, line, function), entry in rows[:count]:
        lines.append(
            f"| {entry[3]:.3f} | {entry[2]:.3f} | {entry[1]} | "
            f"`{short_path(filename)}:{line} {function}` |"
        )
    return lines


def short_path(filename: str) -> str:
    for marker in (str(ROOT) + "/", "site-packages/", "lib/python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def memory_worker(kind: str, path: str) -> None:
    """RSS after each step, as JSON: of calamine alone (kind "calamine") or of
    what validate and fines do, through the same calls as the CLI ("checker")."""
    steps = []
    mark = lambda label: steps.append((label, *rss_now()))  # noqa: E731
    mark("start")
    if kind == "calamine":
        calamine_steps(Path(path), mark)
    else:
        checker_steps(Path(path), mark)
    print(json.dumps(steps))


def calamine_steps(path: Path, mark: Callable) -> None:
    from python_calamine import CalamineWorkbook

    mark("import python_calamine")
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        mark(f"get_sheet_by_name({name}): calamine's own cells")
        rows = sheet.to_python()
        mark(f"to_python({name}): {len(rows)} rows as Python lists")
        del rows, sheet
        gc.collect()
        mark(f"{name} released")


def checker_steps(path: Path, mark: Callable) -> None:
    from checker.fines_workbook import save_fines_workbook
    from checker.report import check_workbook, fines_json, validation_json
    from checker.rules import month_fines, statuses

    as_of = dt.date.fromisoformat(AS_OF)
    mark("imports")
    checked = check_workbook(path, as_of)
    mark(
        f"check_workbook: read, parse, cross-checks ({len(checked.problems)} problems)"
    )
    text = json.dumps(validation_json(checked), ensure_ascii=False, indent=2)
    mark(f"validate's JSON ({len(text) / 1e6:.1f} MB of text)")
    del text
    fines = month_fines(checked.book, MONTH, as_of)
    mark(f"month_fines ({len(fines.lines)} lines, {len(fines.misses)} misses)")
    with tempfile.TemporaryDirectory() as folder:
        save_fines_workbook(fines, checked, Path(folder) / "fines.xlsx")
    mark("save_fines_workbook")
    text = json.dumps(fines_json(fines, checked), ensure_ascii=False, indent=2)
    mark(f"fines' JSON ({len(text) / 1e6:.1f} MB of text)")
    del text
    shown = statuses(checked.book, as_of)
    mark(f"statuses ({len(shown)} clients)")


def rss_now() -> tuple[float, float]:
    """(current RSS, peak RSS so far) of this process, MiB."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def memory_text(size: str, kind: str, steps: list, peak: float) -> str:
    lines = [
        f"### Memory per step on {size}: {kind} (one process, peak RSS {peak:.0f} MiB)",
        "",
        "| step | RSS MiB | peak so far MiB | step adds MiB |",
        "| --- | ---: | ---: | ---: |",
    ]
    before = steps[0][1]
    for label, rss, hwm in steps:
        lines.append(f"| {label} | {rss:.0f} | {hwm:.0f} | {rss - before:+.0f} |")
        before = rss
    return "\n".join(lines) + "\n"


# -- targets ---------------------------------------------------------------


@dataclass
class Target:
    text: str
    verdict: str  # PASS, MISS or "not measured"
    detail: str


def check_targets(results: dict[str, SizeResult], addin: list[dict]) -> list[Target]:
    targets = []
    for key in ("fines", "validate"):
        for size in ("M", "L"):
            targets.append(ratio_target(results.get(size), size, key, 1.5))
    for key in ("month_fines", "statuses"):
        for size in ("M", "L"):
            targets.append(ratio_target(results.get(size), size, key, 0.10))
    for key in ("month_fines", "statuses"):
        targets.append(linear_target(results.get("M"), results.get("L"), key))
    targets.append(memory_target(results.get("L")))
    targets.extend(addin_targets(addin))
    return targets


def ratio_target(
    result: SizeResult | None, size: str, key: str, limit: float
) -> Target:
    text = f"{key} ≤ {limit:g} × floor on {size}"
    if result is None or result.median(key) is None:
        return Target(text, "not measured", f"size {size} not run")
    ratio = result.median(key) / result.median("floor")
    return Target(text, verdict(ratio <= limit), f"{ratio:.2f} × floor")


def linear_target(medium, large, key: str) -> Target:
    expected = FOLLOW_UPS["L"] / FOLLOW_UPS["M"]
    text = f"{key} L/M time within ±30 % of the follow-up ratio {expected:.2f}"
    if medium is None or large is None:
        return Target(text, "not measured", "needs M and L")
    ratio = large.median(key) / medium.median(key)
    passed = 0.7 * expected <= ratio <= 1.3 * expected
    return Target(text, verdict(passed), f"L/M = {ratio:.2f}")


def memory_target(large: SizeResult | None) -> Target:
    text = "peak memory of validate and fines on L ≤ 1.5 GiB"
    if large is None:
        return Target(text, "not measured", "size L not run")
    peak = max(large.peak_rss("validate"), large.peak_rss("fines"))
    return Target(text, verdict(peak <= 1536), f"{peak:.0f} MiB")


def addin_targets(addin: list[dict]) -> list[Target]:
    if not addin:
        return [Target("add-in refresh", "not measured", "--addin-clients 0")]
    small, full = addin[0], addin[-1]
    if "failed" in full:
        return [Target("add-in refresh", "not measured", full["failed"])]
    computation = f"computation < 0.5 s for {full['clients']} clients"
    if not full["addin"]:
        detail = f"rules.statuses alone {full['computation']:.3f} s; add-in absent"
        return [
            Target(computation, verdict(full["computation"] < 0.5), detail),
            Target("constant number of range writes", "not measured", "no add-in"),
        ]
    writes = f"{small['writes']} writes at {small['clients']} clients, "
    writes += f"{full['writes']} at {full['clients']}"
    return [
        Target(
            computation,
            verdict(full["computation"] < 0.5),
            f"{full['computation']:.3f} s (refresh on test engine {full['wall']:.2f} s)",
        ),
        Target(
            "constant number of range writes",
            verdict(small["writes"] == full["writes"]),
            writes,
        ),
    ]


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


# -- report ----------------------------------------------------------------


def machine() -> list[str]:
    return [
        f"CPU: {cpu_model()}, {os.cpu_count()} cores; RAM {ram_gib():.0f} GiB",
        f"OS: {platform.platform()}",
        f"Python {platform.python_version()}; "
        f"python-calamine {metadata.version('python-calamine')}; "
        f"openpyxl {metadata.version('openpyxl')}; "
        f"client-tracking {metadata.version('client-tracking')}",
    ]


def cpu_model() -> str:
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def ram_gib() -> float:
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / MIB
    return 0.0


def results_table(results: dict[str, SizeResult]) -> list[str]:
    lines = [
        "| size | step | median s | × floor | peak RSS MiB | runs |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results.values():
        floor = result.median("floor")
        for key, label in ROWS:
            median = result.median(key)
            if median is None:
                continue
            rss = result.peak_rss(key)
            lines.append(
                f"| {result.size} | {label} | {median:.3f} | {median / floor:.2f} | "
                f"{f'{rss:.0f}' if rss else '—'} | {len(result.samples[key])} |"
            )
    return lines


def addin_lines(addin: list[dict]) -> list[str]:
    return [addin_line(entry) for entry in addin]


def addin_line(entry: dict) -> str:
    if "failed" in entry:
        return f"- The add-in step failed at {entry['clients']}: {entry['failed']}"
    book = f"- {entry['clients']} clients, {entry['follow_ups']} follow-ups: "
    if not entry["addin"]:
        return (
            book + f"rules.statuses on records already read "
            f"{entry['computation']:.3f} s (median of {ADDIN_REPEAT}). The add-in's "
            "counts were not measured: addin/actions.py has no refresh_status yet."
        )
    compute = entry.get("compute_refresh")
    compute_text = f"compute_refresh {compute:.3f} s, " if compute is not None else ""
    return (
        book + f"refresh_status on the test engine {entry['wall']:.3f} s "
        f"(median of {ADDIN_REPEAT}; {compute_text}computation outside the "
        f"engine's cell I/O ≈ {entry['computation']:.3f} s); "
        f"{entry['reads']} range reads ({', '.join(entry['read_addresses'])}), "
        f"{entry['writes']} range writes ({', '.join(entry['write_addresses'])})"
    )


def notes(results: dict[str, SizeResult], command: str, context: str) -> list[str]:
    lines = [f"Command: `{command}`; {context}."]
    for result in results.values():
        lines.append(
            f"{result.size}: {result.path.name} ({result.path.stat().st_size / 1e6:.1f}"
            f" MB), {result.rounds} round(s); naive step {result.naive}."
        )
    lines.append(
        "Each round runs every command once, starting one command later than the "
        "round before. Medians in seconds; × floor is the median over the floor's "
        "median. (c) rows are timed inside one process after reading, and that "
        "process's peak RSS is on its read_workbook row. validate and fines exit "
        "1 on these books (they hold deliberate errors), which is expected."
    )
    return lines


def report(results, addin, targets, command: str, context: str) -> str:
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/bench.py` on {stamp}.",
        "",
        *[f"- {line}" for line in machine()],
        "",
        *notes(results, command, context),
        "",
        *results_table(results),
        "",
        "## Add-in refresh",
        "",
        *addin_lines(addin),
        "",
        "## Targets (issue 5)",
        "",
        *[f"- {t.verdict}: {t.text} — {t.detail}" for t in targets],
        "",
    ]
    return "\n".join(parts)


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- command line ----------------------------------------------------------


def size_list(text: str) -> list[str]:
    sizes = [part.strip().upper() for part in text.split(",") if part.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown size {', '.join(unknown)}")
    return sizes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=size_list, default=list(SIZES))
    parser.add_argument(
        "--repeat", type=int, help="rounds per size (default: S 3, M 3, L 2)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="work folder")
    parser.add_argument(
        "--results",
        type=Path,
        default=DEFAULT_RESULTS,
        help="Markdown results file (default benchmarks/RESULTS.md)",
    )
    parser.add_argument("--skip-naive-on", type=size_list, default=[])
    parser.add_argument(
        "--naive-once-on",
        type=size_list,
        default=["L"],
        help="sizes where the naive reader runs once, not every round (default L)",
    )
    parser.add_argument("--addin-clients", type=int, default=ADDIN_CLIENTS)
    parser.add_argument("--profile", type=size_list, default=[])
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--regenerate", action="store_true")
    return parser.parse_args(argv)


def naive_mode(size: str, args: argparse.Namespace) -> str:
    if size in args.skip_naive_on:
        return "skipped"
    return "once" if size in args.naive_once_on else "repeated"


def benchmark(args: argparse.Namespace, command: str) -> None:
    load_before = os.getloadavg()[0]
    code_before = code_stamps()
    results = {}
    for size in args.sizes:
        path = ensure_workbook(size, args.out, args.regenerate)
        repeat = args.repeat or DEFAULT_REPEATS[size]
        results[size] = measure_size(
            size, path, args.out, repeat, naive_mode(size, args)
        )
        # Kept as measured, so that a later failure does not lose this size.
        samples = {"samples": results[size].samples, "rss": results[size].rss}
        (args.out / f"samples-{size}.json").write_text(json.dumps(samples))
    addin = measure_addin(args.addin_clients, args.out) if args.addin_clients else []
    targets = check_targets(results, addin)

    # Other work on the machine shows here; the round-robin only shares it out.
    load = f"load average (1 min) {load_before:.1f} at start, "
    load += f"{os.getloadavg()[0]:.1f} at end"
    context = f"{load}; {code_state(code_before)}"
    text = report(results, addin, targets, command, context)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    progress(f"wrote {args.results}")


def code_stamps() -> dict[str, float]:
    """Modification times of the product's sources, to notice edits mid-run."""
    return {
        str(path.relative_to(ROOT)): path.stat().st_mtime
        for package in PRODUCT_PACKAGES
        for path in sorted((ROOT / package).glob("*.py"))
    }


def code_state(before: dict[str, float]) -> str:
    """The commit measured, and whether its sources were edited or changed
    while the benchmark ran (others work in this tree at the same time)."""
    head = git_output("rev-parse", "--short", "HEAD") or "unknown commit"
    edited = git_output("status", "--porcelain", "--", *PRODUCT_PACKAGES)
    text = f"code at {head}"
    if edited:
        text += f" with {len(edited.splitlines())} uncommitted change(s) in the product"
    after = code_stamps()
    changed = sorted(name for name in after if after[name] != before.get(name))
    if changed:
        text += (
            f"; CHANGED DURING THE RUN: {', '.join(changed)} (rerun for a clean table)"
        )
    return text


def git_output(*args: str) -> str:
    # Read-only git commands; no git means no commit to name.
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def run_worker(argv: list[str]) -> int:
    workers = {"engine": engine_worker, "addin": addin_worker, "memory": memory_worker}
    name, *rest = argv
    workers[name](*rest)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return run_worker(argv[1:])

    args = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/bench.py " + " ".join(argv)
    if not args.no_timing:
        benchmark(args, command.strip())
    for size in args.profile:
        path = ensure_workbook(size, args.out, regenerate=False)
        text = profile_size(size, path, args.out)
        print(text)
        (args.out / f"profile-{size}.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
