"""The on-disk library cache: the same library back, a new entry for any change, never a broken library."""
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from checker.errors import InputError
from checker.library import cache
from checker.library.load import LibraryErrors


@pytest.fixture
def rules(tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    return copy


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("MTUS_CACHE_DIR", str(path))
    return path


def test_a_cached_library_is_the_library(rules, folder, library):
    first = cache.cached_library(rules)
    assert cache.entry_path(rules).is_file()
    again = cache.cached_library(rules)
    assert again is not first and again.sha256 == first.sha256 == library.sha256
    assert [c.key for c in again.criteria()] == [c.key for c in library.criteria()]
    assert again.vocabulary.categories == library.vocabulary.categories


def test_any_rule_file_change_makes_a_new_entry(rules, folder):
    cache.cached_library(rules)
    before = cache.entry_path(rules)
    topic = next(p for p in sorted(rules.rglob("*.yaml")) if p.parent.name not in ("vocabulary", "formulary"))
    topic.write_text(topic.read_text() + "\n# edited\n")
    after = cache.entry_path(rules)
    assert after != before and not after.exists()
    assert cache.cached_library(rules).sha256 != cache._read(before).sha256


def test_a_broken_library_is_reported_every_time_and_never_cached(rules, folder):
    (rules / "library.yaml").write_text("version: [")
    for _ in range(2):
        with pytest.raises(InputError):
            cache.cached_library(rules)
    assert not folder.exists() or not list(folder.glob("library-*.pickle"))


def test_a_broken_topic_is_never_cached(rules, folder):
    topic = next(p for p in sorted(rules.rglob("*.yaml")) if p.parent.name not in ("vocabulary", "formulary")
                 and p.name != "library.yaml")
    topic.write_text(topic.read_text().replace("criteria:", "criteria_typo:", 1))
    with pytest.raises(LibraryErrors):
        cache.cached_library(rules)
    assert not folder.exists() or not list(folder.glob("library-*.pickle"))


def test_a_damaged_entry_is_rebuilt(rules, folder):
    cache.cached_library(rules)
    path = cache.entry_path(rules)
    path.write_bytes(b"not a pickle")
    assert cache.cached_library(rules).criteria()
    assert cache._read(path) is not None


def test_an_entry_others_may_write_is_not_read(rules, folder):
    cache.cached_library(rules)
    os.chmod(folder, 0o777)
    try:
        assert cache._read(cache.entry_path(rules)) is None
    finally:
        os.chmod(folder, 0o700)


def test_off_means_no_cache(rules, tmp_path, monkeypatch):
    monkeypatch.setenv("MTUS_CACHE_DIR", "off")
    assert cache.entry_path(rules) is None
    assert cache.cached_library(rules).criteria()


def test_two_processes_building_at_once_both_get_the_library(rules, folder):
    code = ("import sys; from checker.library.cache import cached_library; "
            "print(len(cached_library(sys.argv[1]).criteria()))")
    env = dict(os.environ, MTUS_CACHE_DIR=str(folder))
    procs = [subprocess.Popen([sys.executable, "-c", code, str(rules)], stdout=subprocess.PIPE, env=env)
             for _ in range(3)]
    outs = [p.communicate(timeout=120)[0].decode().strip() for p in procs]
    assert all(p.returncode == 0 for p in procs) and len(set(outs)) == 1 and int(outs[0]) > 0
    assert [p.name for p in folder.iterdir()] == [cache.entry_path(rules).name]  # no temporary file left
