"""What every command shares: errors on standard error (exit 2), loading the rule library, and the one way to
write output (--out, whose folder must exist; each write is reported on standard error)."""
import sys
from pathlib import Path

import click

from ..errors import InputError, did_you_mean

RULES_HELP = "Rule library directory (default: the bundled rules/)."
OUT_HELP = "Write here (atomically) instead of standard output; the folder must exist."


def fail(exc):
    """Print an input error (every error, for a broken rule library) as one line each, and exit 2."""
    for err in getattr(exc, "errors", None) or (exc,):
        click.echo(f"error: {err.one_line()}", err=True)
    sys.exit(2)


def fail_unknown(kind, name, known, note=""):
    """An unknown name on the command line: the closest known one, exit 2."""
    click.echo(f"error: unknown {kind} {name!r}{did_you_mean(name, known)}{f' ({note})' if note else ''}", err=True)
    sys.exit(2)


def warn(warnings):
    for w in warnings:
        click.echo(f"warning: {w.one_line()}", err=True)


def library_or_exit(rules_dir):
    """The rule library (from the cache when it holds this very library), or its errors and exit 2 when it is
    broken."""
    from ..library.cache import cached_library
    try:
        return cached_library(rules_dir)
    except InputError as exc:
        fail(exc)


def rules_option(func):
    """The --rules option of every command that reads the rule library."""
    return click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None, help=RULES_HELP)(func)


def out_option(help=OUT_HELP, dir_okay=False):
    return click.option("--out", "out_path", type=click.Path(dir_okay=dir_okay, file_okay=not dir_okay), default=None,
                        help=help)


def check_folder(path):
    """Exit 2 unless the folder that `path` goes into exists (a typo must not create a tree of folders)."""
    folder = Path(path).parent
    if not folder.is_dir():
        fail(InputError(path, f"the folder {folder} does not exist; create it first"))


def write_output(path, data, what=""):
    """Write a command's output to `path` atomically and say so on standard error."""
    from ..render.output import write_atomic
    check_folder(path)
    try:
        write_atomic(path, data)
    except OSError as exc:
        fail(InputError(path, f"cannot write ({exc.strerror or exc.__class__.__name__})"))
    click.echo(f"wrote {path}{': ' + what if what else ''}", err=True)


def emit(out_path, data, what=""):
    """Output to --out when given, else to standard output."""
    if out_path:
        write_output(out_path, data, what)
    else:
        click.echo(data, nl=False)
