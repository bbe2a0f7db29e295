"""The benchmark generator writes a workbook that readers take as the SPEC layout."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from benchmarks import make_workbook as generator
from workbook.layout import (
    CLIENT_SHEET,
    DATA_SHEETS,
    FOLLOW_UP_SHEET,
    RULE_PARAMETERS,
    RULES_SHEET,
)

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "make_workbook.py"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return generator.make_workbook("S", tmp_path_factory.mktemp("bench") / "S.xlsx")


@pytest.fixture(scope="module")
def sheets(small) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(small))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_every_sheet_has_its_headers_in_row_one(sheets):
    assert list(sheets) == [sheet.name for sheet in DATA_SHEETS]
    for sheet in DATA_SHEETS:
        assert tuple(sheets[sheet.name][0]) == sheet.headers


def test_row_counts_match_the_size(sheets):
    assert len(sheets[CLIENT_SHEET.name]) - 1 == 500
    assert len(sheets[FOLLOW_UP_SHEET.name]) - 1 == 10_000


def test_rules_sheet_holds_every_parameter(sheets):
    names = [row[0] for row in sheets[RULES_SHEET.name][1:]]
    assert names == [parameter.name for parameter in RULE_PARAMETERS]


def _column(rows: list[list], sheet, key: str) -> list:
    index = sheet.headers.index(sheet.column(key).header)
    return [row[index] for row in rows[1:]]


def test_dates_read_back_as_dates(sheets):
    follow_ups = sheets[FOLLOW_UP_SHEET.name]
    entered = _column(follow_ups, FOLLOW_UP_SHEET, "entered_at")
    assert all(isinstance(value, datetime) for value in entered)

    # A few dates are typed as text or left blank on purpose; the rest are dates.
    dated = _column(follow_ups, FOLLOW_UP_SHEET, "date")
    real = [value for value in dated if isinstance(value, date)]
    assert not any(isinstance(value, datetime) for value in real)
    assert len(real) > 0.95 * len(dated)
    assert any(isinstance(value, str) and value for value in dated)

    assigned = _column(sheets[CLIENT_SHEET.name], CLIENT_SHEET, "assigned_date")
    assert sum(isinstance(value, date) for value in assigned) > 0.95 * len(assigned)


def test_ids_mix_numbers_and_text(sheets):
    ids = _column(sheets[FOLLOW_UP_SHEET.name], FOLLOW_UP_SHEET, "client_id")
    assert any(isinstance(value, float) for value in ids)
    assert any(isinstance(value, str) for value in ids)


def test_same_seed_same_bytes(small, tmp_path):
    again = generator.make_workbook("S", tmp_path / "again.xlsx")
    other = generator.make_workbook("S", tmp_path / "other.xlsx", seed=2)
    assert again.read_bytes() == small.read_bytes()
    assert other.read_bytes() != small.read_bytes()


def test_unknown_size_is_refused(tmp_path):
    with pytest.raises(ValueError, match="size"):
        generator.make_workbook("XL", tmp_path / "x.xlsx")


BENCH = SCRIPT.with_name("bench.py")
BENCH_ROWS = (
    "(a) floor",
    "(b) validate",
    "(b) fines",
    "(c) reader.read_workbook",
    "(c) rules.month_fines",
    "(c) rules.statuses",
    "(c) checks.cross_checks",
    "(e) naive",
)


def test_bench_runs_on_small_and_writes_its_results_where_told(tmp_path):
    committed = SCRIPT.with_name("RESULTS.md")
    before = committed.read_bytes() if committed.exists() else None
    results = tmp_path / "RESULTS.md"
    argv = [sys.executable, str(BENCH), "--sizes", "S", "--repeat", "1"]
    # A small add-in book keeps the test fast; the code path is the same.
    argv += ["--out", str(tmp_path), "--results", str(results)]
    argv += ["--addin-clients", "200"]

    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    for row in BENCH_ROWS:
        assert f"| S | {row}" in done.stdout
    assert "Targets (issue 5)" in done.stdout
    assert results.read_text(encoding="utf-8") in done.stdout
    # The repository's table is only rewritten by a real run.
    assert (committed.read_bytes() if committed.exists() else None) == before
