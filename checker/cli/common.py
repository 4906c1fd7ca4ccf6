"""What every command shares: one-line errors (exit 2) and loading the rule library."""
import sys

import click

from ..errors import InputError

RULES_HELP = "Rule library directory (default: the bundled one)."


def fail(exc):
    """Print an input error as one line naming file, line and field, and exit 2."""
    click.echo(f"error: {exc.one_line()}", err=True)
    sys.exit(2)


def library_or_exit(rules_dir):
    """The rule library, or a one-line error and exit 2 when it is broken."""
    from ..library.load import load_library
    try:
        return load_library(rules_dir)
    except InputError as exc:
        fail(exc)


def rules_option(func):
    """The --rules option of every command that reads the rule library."""
    return click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None, help=RULES_HELP)(func)
