"""rules lint | list | facts | coverage | docs | diff: work with the rule library."""
import sys

import click

from ..errors import InputError
from .common import fail, library_or_exit, rules_option


@click.group()
def rules():
    """Work with the rule library."""


@rules.command()
@rules_option
def lint(rules_dir):
    """Validate the whole rule library; problems are printed as file:line and exit 1."""
    from ..library.lint import lint_library
    library = library_or_exit(rules_dir)
    problems = lint_library(library)
    for problem in problems:
        click.echo(problem)
    n_criteria = len(library.criteria())
    click.echo(f"{len(library.topics)} topics, {n_criteria} criteria: "
               + (f"{len(problems)} problem(s)" if problems else "ok"), err=bool(problems))
    sys.exit(1 if problems else 0)


@rules.command()
@rules_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="docs/rules", show_default=True)
def docs(rules_dir, out_dir):
    """Write the rule catalog (catalog.md and catalog.html) generated from the library."""
    from pathlib import Path

    from ..library.catalog import render_catalog
    from ..render.output import write_atomic
    library = library_or_exit(rules_dir)
    for fmt in ("md", "html"):
        path = Path(out_dir) / f"catalog.{fmt}"
        write_atomic(path, render_catalog(library, fmt))
        click.echo(f"wrote {path}")


@rules.command()
@rules_option
def coverage(rules_dir):
    """Per request category and MTUS period: which topics address it (MTUS first, then other guidelines)."""
    from ..library.catalog import coverage as coverage_rows
    library = library_or_exit(rules_dir)
    rows = coverage_rows(library)
    click.echo(f"{'category':32} " + " ".join(f"{p.id:34}" for p in library.periods))
    for category, cells in rows:
        shown = []
        for p in library.periods:
            topics = cells[p.id]
            tiers = sorted({tier for tier, _ in topics}, key=lambda t: t != "MTUS")
            shown.append(f"{(' + '.join(f'{t} ({sum(1 for x, _ in topics if x == t)})' for t in tiers) or 'not addressed'):34}")
        click.echo(f"{category:32} " + " ".join(shown))
    addressed = sum(1 for _, cells in rows if any(cells.values()))
    click.echo(f"{addressed} of {len(rows)} categories addressed in at least one period")
    from ..library.catalog import coverage_holes
    holes = coverage_holes(library)
    for category, earlier, later in holes:
        click.echo(f"hole: {category} is addressed in {earlier} but not in {later} (no withdrawal says why)")
    sys.exit(1 if holes else 0)


@rules.command("diff")
@click.argument("edition_a")
@click.argument("edition_b")
@click.option("--topic", required=True, help="A request category (e.g. physical_therapy) or a topic id.")
@rules_option
def diff_editions(edition_a, edition_b, topic, rules_dir):
    """What changed for a topic between two editions (period ids such as mtus-2009, or dates YYYY-MM-DD)."""
    from ..library.diff import diff_lines
    try:
        for line in diff_lines(library_or_exit(rules_dir), edition_a, edition_b, topic):
            click.echo(line)
    except InputError as exc:
        fail(exc)


@rules.command()
def facts():
    """List the facts rules can read, with their types (the vocabulary of conditions and templates)."""
    from ..request.facts import fact_fields
    for name, (ftype, text) in sorted(fact_fields().items()):
        shown = "one of: " + ", ".join(ftype) if isinstance(ftype, tuple) else ftype
        click.echo(f"{name:42} {shown[:70]:70}  {text}")


@rules.command("list")
@rules_option
def list_rules(rules_dir):
    """List topics and criteria with their citations and confirmation status."""
    library = library_or_exit(rules_dir)
    for topic in library.topics:
        cats = ", ".join(c for c, _ in topic.selectors)
        until = topic.effective_to.isoformat() if topic.effective_to else "open"
        click.echo(f"{topic.id}  [{topic.tier}; {topic.effective_from.isoformat()}..{until}; {cats}]")
        for crit in topic.criteria:
            pages = f" p. {crit.citation.pages}" if crit.citation.pages else ""
            click.echo(f"  {crit.id:34} {crit.effect:15} {crit.citation.section}{pages} ({crit.confirmed_by.source})")
