"""--out: atomic, keeps the target's permissions, never replaces a link, device, folder or the command's input,
and leaves no temporary file."""
import os
import stat

import pytest

from checker.errors import InputError
from checker.render.output import write_atomic
from checker.request.model import load_request


def test_keeps_permissions_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_new_file_gets_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_refuses_links_devices_folders_and_the_input(tmp_path):
    (tmp_path / "real.txt").write_text("keep")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    for target in (tmp_path / "link.txt", "/dev/null", tmp_path):
        with pytest.raises(InputError, match="refusing to replace"):
            write_atomic(target, "x")
    assert (tmp_path / "real.txt").read_text() == "keep"
    request = tmp_path / "r.yaml"
    request.write_text("request_id: x\nreview_date: 2014-01-01\nitems:\n"
                       "  - {id: a, category: transportation, description: t}\n")
    load_request(request)
    with pytest.raises(InputError, match="input"):
        write_atomic(request, "x")


def test_a_failed_write_removes_its_temporary_file(tmp_path, monkeypatch):
    def broken(*args):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "out.txt", "x")
    assert list(tmp_path.iterdir()) == []
