"""A non-editable install must find rules/ and reports/ inside the wheel, whatever the working directory."""
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT, SEEDS


def test_wheel_ships_rules_and_reports_and_runs_from_elsewhere(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(tmp_path / "dist")], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("mtus_checker-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "checker/_data/rules/library.yaml" in names
    assert "checker/_data/reports/review.text.j2" in names
    assert any(n.startswith("checker/_data/rules/mtus-2009/") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SEEDS[3], elsewhere / "request.yaml")
    code = ("import checker, checker.paths as p; print(checker.__file__); print(p.rules_dir()); "
            "from checker.cli import main; main(['review', 'request.yaml'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(site)) and lines[1] == str(site / "checker" / "_data" / "rules")
    assert "Medrol dosepak: Upheld" in out.stdout
