"""rules lint | test | list | facts | coverage | docs | diff: work with the rule library."""
import sys
from pathlib import Path

import click

from ..errors import InputError
from .common import (
    emit,
    fail,
    fail_unknown,
    library_or_exit,
    out_option,
    rules_option,
    write_output,
)


@click.group()
def rules():
    """Work with the rule library (rules/; the format is docs/rule-format.md)."""


@rules.command()
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="text: one 'error: FILE:LINE:COL: where: message' line per problem, on standard error; json for "
                   "editors; sarif (2.1.0) for code-review annotations.")
@out_option("Write the report here instead (text goes to standard error otherwise, json and sarif to standard output).")
def lint(rules_dir, fmt, out_path):
    """Validate the whole rule library: every problem of every file in one pass, sorted by file and line, each
    unknown key or fact with the closest known one. Exit 0 when clean (warnings alone do not fail), 2 when the
    library has any error."""
    from .. import __version__
    from ..library.lint import lint as run_lint
    from ..library.problems import FORMATS
    library, problems = run_lint(rules_dir)
    errors = [p for p in problems if p.severity == "error"]
    size = f"{len(library.topics)} topics, {len(library.criteria())} criteria" if library else "library not loaded"
    summary = f"{size}: " + (f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)" if problems else "ok")
    if fmt == "text" and not out_path:
        for problem in problems:
            click.echo(problem.one_line(), err=True)
        click.echo(summary, err=bool(errors))
    else:
        args = (problems, summary) + ((__version__,) if fmt == "sarif" else ())
        emit(out_path, FORMATS[fmt](*args), summary)
    sys.exit(2 if errors else 0)


def _library_root(path):
    """The library a rule file or folder belongs to (the nearest folder above it holding library.yaml)."""
    for folder in [Path(path).resolve(), *Path(path).resolve().parents]:
        if (folder / "library.yaml").is_file():
            return folder
    return None


@rules.command("test")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--topic", default=None, help="Only the examples of this topic id.")
@click.option("--id", "criterion", default=None, help="Only the examples of this criterion id.")
@click.option("-v", "--verbose", is_flag=True, help="List the passing examples too.")
@rules_option
def test_examples(path, topic, criterion, verbose, rules_dir):
    """Run the examples of the chosen rules (a rule file or folder PATH, a --topic, an --id; the whole library by
    default) under both evaluators. Prints each failure with its rule file and line, the expected and actual
    result and the facts read, then 'N passed, N failed'. Exit 1 when any fails, 2 when the library is broken or a
    name is unknown."""
    from .. import rules_test
    if path and rules_dir is None:
        rules_dir = _library_root(path)
    library = library_or_exit(rules_dir)
    if topic is not None and topic not in {t.id for t in library.topics}:
        fail_unknown("topic", topic, sorted({t.id for t in library.topics}))
    if criterion is not None and criterion not in {c.id for c in library.criteria()}:
        fail_unknown("criterion id", criterion, sorted({c.id for c in library.criteria()}))
    topics = rules_test.select(library, path, topic, criterion)
    if not topics:
        fail(InputError(path or "rules test", "no topic of the library matches the selection"))
    outcomes = rules_test.run(library, topics)
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        if not outcome.passed:
            click.echo(outcome.describe())
        elif verbose:
            click.echo(f"ok   {outcome.case.where}: {outcome.case.name}: {outcome.case.example.expect}")
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@rules.command()
@rules_option
@out_option("Folder to write catalog.md and catalog.html into (it must exist).", dir_okay=True)
def docs(rules_dir, out_path):
    """Write the rule catalog (catalog.md and catalog.html) generated from the library (default folder:
    docs/rules)."""
    from ..library.catalog import render_catalog
    library = library_or_exit(rules_dir)
    for fmt in ("md", "html"):
        write_output(Path(out_path or "docs/rules") / f"catalog.{fmt}", render_catalog(library, fmt))


@rules.command()
@rules_option
def coverage(rules_dir):
    """Per request category and MTUS period: which topics address it (MTUS first, then other guidelines).
    Exit 1 when a category addressed in one period is not in a later one and no withdrawal says why."""
    from ..library.catalog import coverage as coverage_rows
    from ..library.catalog import coverage_holes
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
    """What changed for a topic between two editions (period ids such as mtus-2009, or dates YYYY-MM-DD).
    Exit 2 for an unknown period, category or topic."""
    from ..library.diff import diff_lines
    from ..request.vocabulary import load_vocabulary
    library = library_or_exit(rules_dir)
    known = {t.id for t in library.topics} | set(load_vocabulary(str(rules_dir) if rules_dir else None).categories)
    if topic not in known:
        fail_unknown("category or topic", topic, sorted(known))
    try:
        for line in diff_lines(library, edition_a, edition_b, topic):
            click.echo(line)
    except InputError as exc:
        fail(exc)


@rules.command()
@rules_option
def facts(rules_dir):
    """List the facts rules can read, with their types (the vocabulary of conditions and templates)."""
    from ..request.facts import fact_fields
    from ..request.vocabulary import load_vocabulary
    try:
        vocab = load_vocabulary(str(rules_dir) if rules_dir else None)
    except InputError as exc:
        fail(exc)
    for name, (ftype, text) in sorted(fact_fields(vocab).items()):
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
