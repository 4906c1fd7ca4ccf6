"""Shared fixtures: the rule library and both evaluators are built once per test session."""
from pathlib import Path

import pytest

from checker.library import load_library
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
