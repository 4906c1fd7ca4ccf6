"""The `mtus-check` command line, one module per command group. Bad input prints one line naming the file and
field and exits 2; any other failure prints one line, "internal error", and exits 3 (MTUS_CHECK_DEBUG=1 shows
the traceback), so that no crash reads as exit 1 (items at risk, or below a threshold)."""
import os
import sys
import traceback
from pathlib import Path

import click

from .. import __version__
from ..errors import InputError
from .formulary import formulary
from .letters import letters
from .regress import regress
from .reports import draft, precheck, review, schema
from .rules import rules
from .serve import serve


def _where(exc):
    """The innermost checker source line of a traceback (a code location, never data)."""
    package = Path(__file__).resolve().parent.parent
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(package)]
    return f" at {Path(frames[-1].filename).resolve().relative_to(package.parent)}:{frames[-1].lineno}" if frames else ""


class _Main(click.Group):
    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        except InputError as exc:  # bad input no command caught itself (a refused --out, say)
            click.echo(f"error: {exc.one_line()}", err=True)
            sys.exit(2)
        except Exception as exc:
            letters = sys.modules.get("checker.letters")  # only a command that imported it can raise its error
            if letters is not None and isinstance(exc, letters.LetterError):
                click.echo(f"error: {InputError(exc.file, exc.message).one_line()}", err=True)
                sys.exit(2)
            # the message may hold input text: the type and the place only
            if os.environ.get("MTUS_CHECK_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {exc.__class__.__name__}{_where(exc)} (set MTUS_CHECK_DEBUG=1 for the "
                       "traceback)", err=True)
            sys.exit(3)


@click.group(cls=_Main)
@click.version_option(__version__, prog_name="mtus-check")
def main():
    """Check California workers' compensation treatment requests against MTUS/ODG criteria."""


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell):
    """Print the completion script for SHELL. Install: add `eval "$(mtus-check completion bash)"` to ~/.bashrc
    (zsh: the same with zsh, in ~/.zshrc; fish: `mtus-check completion fish | source`)."""
    from click.shell_completion import get_completion_class
    click.echo(get_completion_class(shell)(main, {}, "mtus-check", "_MTUS_CHECK_COMPLETE").source())


for _command in (review, draft, precheck, schema, rules, letters, regress, formulary, serve):
    main.add_command(_command)
