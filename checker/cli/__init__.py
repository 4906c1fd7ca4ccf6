"""The `mtus-check` command line. Bad input prints one line naming the file and field and exits 2."""
import json
import sys

import click

from .. import __version__
from ..errors import InputError


def _fail(exc):
    click.echo(f"error: {exc.one_line()}", err=True)
    sys.exit(2)


def _library(rules_dir):
    """The rule library, or a one-line error and exit 2 when it is broken."""
    from ..library.load import load_library
    try:
        return load_library(rules_dir)
    except InputError as exc:
        _fail(exc)


@click.group()
@click.version_option(__version__, prog_name="mtus-check")
def main():
    """Check California workers' compensation treatment requests against MTUS/ODG criteria."""


def _report_command(view, summary):
    @click.argument("request_file", type=click.Path(dir_okay=False))
    @click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "pdf", "json"]), default="text",
                  show_default=True)
    @click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
                  help="Write here (atomically) instead of standard output; needed for pdf.")
    @click.option("--templates", type=click.Path(file_okay=False, exists=True), default=None,
                  help="A folder of templates that override the bundled ones by name.")
    @click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Review as of this date (selects the guideline edition) instead of the request's review_date.")
    @click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None,
                  help="Rule library directory (default: the bundled one).")
    @click.option("--evaluator", type=click.Choice(["durable", "reference"]), default="durable", show_default=True,
                  help="durable-rules engine, or the plain-Python reference evaluator.")
    def command(request_file, fmt, out_path, templates, as_of, rules_dir, evaluator):
        from ..engine.durable import EngineError
        from ..engine.trace import TraceError
        from ..library.snippets import SnippetError
        from ..pipeline import Checker
        from ..render.output import write_atomic
        from ..render.views import render
        from ..request.model import load_request, with_review_date
        try:
            request = load_request(request_file)
            if as_of is not None:
                request = with_review_date(request, as_of.date(), request_file)
            checker = Checker(_library(rules_dir), evaluator=evaluator)
            det = checker.review(request)
            output = render(det, view, fmt, templates)
        except InputError as exc:
            _fail(exc)
        except (SnippetError, EngineError, TraceError) as exc:  # a fault of the rule library or engine
            click.echo(f"internal error: {exc}", err=True)
            sys.exit(3)
        if out_path:
            write_atomic(out_path, output)
        elif isinstance(output, bytes):
            click.echo("error: pdf output needs --out FILE", err=True)
            sys.exit(2)
        else:
            click.echo(output, nl=False)
        if view == "precheck" and any(i.determination != "certify" for i in det.items):
            sys.exit(1)

    command.__doc__ = summary
    return main.command(view)(command)


review = _report_command("review", "Draft an IMR-style determination for REQUEST_FILE (YAML or JSON).")
draft = _report_command("draft", "Draft a UR determination letter (certify / modify / non-certify) for REQUEST_FILE.")
precheck = _report_command("precheck", "Provider's pre-submission checklist for REQUEST_FILE: what will fail, what "
                                       "to document, what quantity is supported. Exits 1 when any item is at risk.")


@main.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1, required=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Lookup: the date whose drug list applies (default: today).")
@click.option("--version", "list_version", default=None, help="Import: the DWC version of the list (e.g. v12).")
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Import: the date the list takes effect.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Import: where to write the list (default: rules/formulary/mtus-drug-list-VERSION.yaml).")
def formulary(args, as_of, list_version, effective, out_path):
    """MTUS Drug Formulary: `formulary DRUG [--as-of DATE]` looks a drug up in the list in force;
    `formulary import FILE.xlsx|csv --version V --effective DATE` turns the DWC's list into a data file."""
    import datetime as dt
    from pathlib import Path

    from ..paths import rules_dir
    from ..render.output import write_atomic
    from ..request.formulary import dump_drug_list, import_drug_list, lookup
    try:
        if args[0] == "import":
            if len(args) != 2 or not list_version or effective is None:
                raise click.UsageError("formulary import FILE --version V --effective YYYY-MM-DD")
            drug_list = import_drug_list(args[1], list_version, effective.date())
            safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in list_version)
            target = Path(out_path) if out_path else rules_dir() / "formulary" / f"mtus-drug-list-{safe}.yaml"
            write_atomic(target, dump_drug_list(drug_list))
            click.echo(f"wrote {target}: {len(drug_list.entries)} drugs, version {drug_list.version}, "
                       f"effective {drug_list.effective.isoformat()}")
            return
        day = as_of.date() if as_of else dt.date.today()
        name = " ".join(args)
        click.echo(f"{name}: {lookup(name, day).describe()}")
    except InputError as exc:
        _fail(exc)


@main.group()
def letters():
    """Past IMR determination letters."""


def _letter_files(paths):
    from pathlib import Path
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".pdf"))
        else:
            yield path


@letters.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def letters_parse(paths, fmt):
    """Parse IMR letters (files or directories of .txt/.pdf). A bad file is reported and the run goes on;
    the exit code is 2 when any file could not be parsed."""
    from ..letters import LetterError, parse_file
    results, failed = [], 0
    for path in _letter_files(paths):
        try:
            results.append(parse_file(path).as_dict())
        except LetterError as exc:
            failed += 1
            results.append({"file": str(path), "error": exc.message})
    if fmt == "json":
        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for letter in results:
            if "error" in letter:
                click.echo(f"{letter['file']}: ERROR {letter['error']}")
                continue
            click.echo(f"{letter['file']}: layout {letter['layout']}, {len(letter['items'])} item(s)")
            for item in letter["items"]:
                cites = "; ".join(f"{c['tier']} {c['family']} {c['section']} p.{','.join(c['pages'])}".strip()
                                  for c in item["citations"])
                click.echo(f"  {item['decision']:10} {item['text']}  [{cites}]")
            for problem in letter["problems"]:
                click.echo(f"  problem: {problem}")
    sys.exit(2 if failed else 0)


@letters.command("draft-case")
@click.argument("letter")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="Write the draft here.")
def letters_draft_case(letter, out_path):
    """Draft a structured request (a regression case) from a LETTER: the facts it can read, and a list of the
    fields left for a person to fill in."""
    from ..letters import LetterError, parse_file
    from ..letters.draft import draft_case, dump_draft
    from ..render.output import write_atomic
    try:
        request, missing = draft_case(parse_file(letter), letter)
    except LetterError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    text = dump_draft(request, missing, letter)
    if out_path:
        write_atomic(out_path, text)
        click.echo(f"wrote {out_path}; {len(missing)} field group(s) to fill in by hand")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("cases", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "md"]), default="text", show_default=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None, help="Write the report here.")
@click.option("--min-agreement", type=float, default=None, help="Exit 1 below this agreement (0-1).")
@click.option("--min-balanced-accuracy", type=float, default=None, help="Exit 1 below this balanced accuracy (0-1).")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, help="Show cases changed since this baseline.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), default=None, help="Record this run as the baseline.")
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def regress(cases, fmt, out_path, min_agreement, min_balanced_accuracy, baseline, write_baseline, jobs, rules_dir):
    """Run the rule library over CASES (requests whose items record the real IMR outcome) and compare.
    Exit 1 below a threshold, 2 when a case could not be read (the run still reports every other case)."""
    from ..regress import run as reg
    from ..regress.report import REPORTERS
    from ..render.output import write_atomic
    files = reg.case_files(cases)
    show_bar = len(files) > 20 and sys.stderr.isatty()
    try:
        if show_bar:
            with click.progressbar(length=len(files), label="cases", file=sys.stderr) as bar:
                results, errors = reg.run(cases, jobs=jobs, rules=rules_dir, progress=bar.update)
        else:
            results, errors = reg.run(cases, jobs=jobs, rules=rules_dir)
        before = {}
        if baseline:
            from ..request.yamlpos import load_file
            before, _ = load_file(baseline)
    except InputError as exc:
        _fail(exc)
    summary = reg.summarize(results)
    changed = reg.changed_since(results, before or {}) if baseline else []
    report = REPORTERS[fmt](results, summary, changed, errors)
    if out_path:
        write_atomic(out_path, report)
    else:
        click.echo(report, nl=False)
    if write_baseline:
        write_atomic(write_baseline, json.dumps(reg.baseline_of(results), indent=2, sort_keys=True) + "\n")
    limits = reg.load_thresholds(cases)
    limits.update({k: v for k, v in (("min_agreement", min_agreement),
                                     ("min_balanced_accuracy", min_balanced_accuracy)) if v is not None})
    overall = summary["overall"]
    below = [f"{name} {overall[key]:.3f} < {limits[name]}" for name, key in
             (("min_agreement", "agreement"), ("min_balanced_accuracy", "balanced_accuracy"))
             if name in limits and (overall[key] is None or overall[key] < limits[name])]
    for line in below:
        click.echo(f"below threshold: {line}", err=True)
    for _, error in errors:
        click.echo(f"error: {error}", err=True)
    sys.exit(2 if errors else 1 if below else 0)


@main.command()
def schema():
    """Print the JSON Schema of a request."""
    from ..request.model import request_json_schema
    click.echo(json.dumps(request_json_schema(), indent=2, sort_keys=True))


@main.group()
def rules():
    """Work with the rule library."""


@rules.command()
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def lint(rules_dir):
    """Validate the whole rule library; problems are printed as file:line and exit 1."""
    from ..library.lint import lint_library
    library = _library(rules_dir)
    problems = lint_library(library)
    for problem in problems:
        click.echo(problem)
    n_criteria = len(library.criteria())
    click.echo(f"{len(library.topics)} topics, {n_criteria} criteria: "
               + (f"{len(problems)} problem(s)" if problems else "ok"), err=bool(problems))
    sys.exit(1 if problems else 0)


@rules.command()
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="docs/rules", show_default=True)
def docs(rules_dir, out_dir):
    """Write the rule catalog (catalog.md and catalog.html) generated from the library."""
    from pathlib import Path

    from ..library.catalog import render_catalog
    from ..render.output import write_atomic
    library = _library(rules_dir)
    for fmt in ("md", "html"):
        path = Path(out_dir) / f"catalog.{fmt}"
        write_atomic(path, render_catalog(library, fmt))
        click.echo(f"wrote {path}")


@rules.command()
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def coverage(rules_dir):
    """Per request category and MTUS period: which topics address it (MTUS first, then other guidelines)."""
    from ..library.catalog import coverage as coverage_rows
    library = _library(rules_dir)
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


@rules.command("diff")
@click.argument("edition_a")
@click.argument("edition_b")
@click.option("--topic", required=True, help="A request category (e.g. physical_therapy) or a topic id.")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def diff_editions(edition_a, edition_b, topic, rules_dir):
    """What changed for a topic between two editions (period ids such as mtus-2009, or dates YYYY-MM-DD)."""
    from ..library.diff import diff_lines
    try:
        for line in diff_lines(_library(rules_dir), edition_a, edition_b, topic):
            click.echo(line)
    except InputError as exc:
        _fail(exc)


@rules.command()
def facts():
    """List the facts rules can read, with their types (the vocabulary of conditions and templates)."""
    from ..request.facts import fact_fields
    for name, (ftype, text) in sorted(fact_fields().items()):
        shown = "one of: " + ", ".join(ftype) if isinstance(ftype, tuple) else ftype
        click.echo(f"{name:42} {shown[:70]:70}  {text}")


@rules.command("list")
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False), default=None)
def list_rules(rules_dir):
    """List topics and criteria with their citations and confirmation status."""
    library = _library(rules_dir)
    for topic in library.topics:
        cats = ", ".join(c for c, _ in topic.selectors)
        until = topic.effective_to.isoformat() if topic.effective_to else "open"
        click.echo(f"{topic.id}  [{topic.tier}; {topic.effective_from.isoformat()}..{until}; {cats}]")
        for crit in topic.criteria:
            pages = f" p. {crit.citation.pages}" if crit.citation.pages else ""
            click.echo(f"  {crit.id:34} {crit.effect:15} {crit.citation.section}{pages} ({crit.confirmed_by.source})")
