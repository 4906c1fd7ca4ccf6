"""Shared fixtures: the rule library and both evaluators are built once per test session."""
from pathlib import Path

import pytest

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
    """Print the draft-case field accuracy measured by test_draft_case (when it ran)."""
    import sys
    module = sys.modules.get("test_draft_case")
    accuracy = getattr(module, "DRAFT_ACCURACY", None) if module else None
    if not accuracy:
        return
    terminalreporter.write_sep("-", "letters draft-case field accuracy on the seed letters")
    for field, (correct, compared) in accuracy.items():
        terminalreporter.write_line(f"{field:22} {correct}/{compared}")
    correct = sum(c for c, _ in accuracy.values())
    compared = sum(n for _, n in accuracy.values())
    terminalreporter.write_line(f"{'overall':22} {correct}/{compared} ({100 * correct / compared:.0f}%)")
