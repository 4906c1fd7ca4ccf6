"""One convention across commands: every option has help; --format defaults to text; commands that write take
--out, refuse a folder that does not exist and say what they wrote on standard error; unknown names exit 2 with
the closest match; a completion script for the shell."""
import subprocess
import sys

import click
import pytest
from conftest import ROOT, SEEDS

from checker.cli import main

CLI = [sys.executable, "-m", "checker"]
WRITERS = [("review",), ("draft",), ("precheck",), ("schema",), ("regress",), ("letters", "parse"),
           ("letters", "draft-case"), ("rules", "lint"), ("rules", "docs"), ("formulary",)]


def run(*args):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, cwd=ROOT)


def _commands(cmd=main, path=()):
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, path + (name,))


def test_every_option_has_help_and_formats_default_to_text():
    for path, cmd in _commands():
        assert cmd.help, path
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert param.help, (path, param.name)
                if param.name == "fmt":
                    assert param.default == "text", path


def test_commands_that_write_take_out():
    commands = dict(_commands())
    for path in WRITERS:
        assert "out_path" in {p.name for p in commands[path].params}, path


def test_out_into_a_missing_folder_exits_2_and_creates_nothing(tmp_path):
    target = tmp_path / "missing" / "report.txt"
    out = run("review", SEEDS[3], "--out", target)
    assert out.returncode == 2 and "does not exist" in out.stderr and not (tmp_path / "missing").exists()


def test_out_says_what_it_wrote_on_standard_error(tmp_path):
    target = tmp_path / "report.txt"
    out = run("review", SEEDS[3], "--out", target)
    assert out.returncode == 0 and out.stdout == "" and out.stderr.startswith(f"wrote {target}")
    assert "Upheld" in target.read_text()


@pytest.mark.parametrize("args,closest", [
    (("rules", "test", "--topic", "odg-physical-therap"), "odg-physical-therapy"),
    (("rules", "test", "--id", "CPMTG-PM-MYALGIA-CAPP"), "CPMTG-PM-MYALGIA-CAP"),
    (("rules", "diff", "mtus-2009", "mtus-2016", "--topic", "physical_therpy"), "physical_therapy"),
    (("formulary", "Norko", "--as-of", "2019-05-01"), "norco"),
])
def test_unknown_names_exit_2_with_the_closest(args, closest):
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert f"did you mean {closest}?" in out.stderr


def test_a_drug_nobody_knows_is_not_status_unknown():
    out = run("formulary", "xyzzy")
    assert out.returncode == 2 and "unknown drug" in out.stderr and "Status unknown" not in out.stdout


def test_formulary_version_is_list_version():
    out = run("formulary", "--help")
    assert "--list-version" in out.stdout and "--version " not in out.stdout
    assert run("--version").stdout.startswith("mtus-check, version")


def test_completion_script():
    for shell in ("bash", "zsh"):
        out = run("completion", shell)
        assert out.returncode == 0 and "_MTUS_CHECK_COMPLETE" in out.stdout


def test_rules_test_runs_a_topic():
    out = run("rules", "test", "--topic", "odg-physical-therapy")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[-1].endswith(" passed, 0 failed")
