"""Shared fixtures: the rule library and both evaluators are built once per test session."""
import os
import tempfile
from pathlib import Path

import pytest

# the library cache of the tests (and of the commands they run) is their own, never the user's ~/.cache
os.environ["MTUS_CACHE_DIR"] = tempfile.mkdtemp(prefix="mtus-test-cache-")

from checker.library.load import load_library
from checker.pipeline import Checker

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "requests").glob("seed-*.yaml"))


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture(scope="session")
def durable(library):
    return Checker(library, evaluator="durable")


@pytest.fixture(scope="session")
def reference(library):
    return Checker(library, evaluator="reference")


def pytest_terminal_summary(terminalreporter):
    """Print the draft-case field scores measured by test_draft_case (when it ran)."""
    import sys
    module = sys.modules.get("test_draft_case")
    scores = getattr(module, "DRAFT_SCORES", None) if module else None
    if not scores:
        return
    terminalreporter.write_sep("-", "letters draft-case against the 77 gold cases: precision, recall, F1 per field")

    def pct(x):
        return "  -  " if x is None else f"{x:.2f}"
    for field, (p, r, f1, tp, fp, fn) in scores.items():
        terminalreporter.write_line(f"{field:28} P {pct(p)}  R {pct(r)}  F1 {pct(f1)}   ({tp} right, {fp} wrong or extra, {fn} missed)")
    end_to_end = getattr(module, "END_TO_END", None)
    if end_to_end:
        terminalreporter.write_line(end_to_end)
