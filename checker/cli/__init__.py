"""The `mtus-check` command line, one module per command group. Bad input prints one line naming the file and
field and exits 2."""
import click

from .. import __version__
from .formulary import formulary
from .letters import letters
from .regress import regress
from .reports import draft, precheck, review, schema
from .rules import rules


@click.group()
@click.version_option(__version__, prog_name="mtus-check")
def main():
    """Check California workers' compensation treatment requests against MTUS/ODG criteria."""


for _command in (review, draft, precheck, schema, rules, letters, regress, formulary):
    main.add_command(_command)
