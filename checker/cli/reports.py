"""review, draft and precheck: the three reports of a request; schema: the request's JSON Schema."""
import json
import os
import sys

import click

from ..errors import InputError
from .common import (
    check_folder,
    emit,
    fail,
    library_or_exit,
    out_option,
    rules_option,
    warn,
)


def _report_command(view, summary):
    @click.argument("request_file", type=click.Path(dir_okay=False), required=view != "review")
    @click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "pdf", "json"]), default="text",
                  show_default=True, help="Report format; json is the stable machine contract; pdf needs --out.")
    @out_option("Write here (atomically) instead of standard output; needed for pdf. The folder must exist.")
    @click.option("--templates", type=click.Path(file_okay=False, exists=True), default=None,
                  help="A folder of templates that override the bundled ones by name.")
    @click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Review as of this date (selects the guideline edition) instead of the request's review_date.")
    @rules_option
    @click.option("--evaluator", type=click.Choice(["durable", "reference"]), default="durable", show_default=True,
                  help="durable-rules engine, or the plain-Python reference evaluator.")
    def command(request_file, fmt, out_path, templates, as_of, rules_dir, evaluator, profile_file=None, batch=None,
                jobs=1, scheduler=None):
        if batch is not None or request_file is None:
            return _batch(request_file, batch, fmt, out_path, templates, as_of, rules_dir, evaluator, jobs, scheduler)
        from ..engine.durable import EngineError
        from ..engine.trace import TraceError
        from ..library.snippets import SnippetError
        from ..pipeline import Checker
        from ..render.views import render
        from ..request.model import load_request, with_review_date
        from ..request.profile import load_profile
        if fmt == "pdf" and not out_path:
            fail(InputError(request_file, "pdf output needs --out FILE"))
        if out_path:
            check_folder(out_path)  # before the work, not after it
        checker = Checker(library_or_exit(rules_dir), evaluator=evaluator)  # first: its cache holds the vocabulary
        warnings = []
        try:
            try:
                request = load_request(request_file, warnings)
            finally:  # a value YAML cut at ' #' may be why the request is wrong: say so either way
                warn(warnings)
            if as_of is not None:
                request = with_review_date(request, as_of.date(), request_file)
            profile = load_profile(profile_file) if profile_file else None
            det = checker.precheck(request) if view == "precheck" else checker.review(request)
            output = render(det, view, fmt, templates, profile)
        except InputError as exc:
            fail(exc)
        except (SnippetError, EngineError, TraceError) as exc:  # a fault of the rule library or engine
            click.echo(f"internal error: {exc}", err=True)
            sys.exit(3)
        emit(out_path, output, f"{view} ({fmt}) of {len(det.items)} item(s)")
        if view == "precheck" and any(i.determination != "certify" for i in det.items):
            sys.exit(1)

    command.__doc__ = summary
    if view == "review":
        command = _batch_options(command)
    if view == "draft":
        command = click.option("--profile", "profile_file", type=click.Path(dir_okay=False), default=None,
                               help="The UR organisation's profile (YAML): name, address, reviewers, claims "
                                    "adjuster, copy-to list; what it and the request leave out stays a "
                                    "placeholder.")(command)
    return click.command(view)(command)


def _batch_options(command):
    command = click.option("--scheduler", default=None, metavar="ADDRESS",
                           help="With --batch: run on this Dask scheduler (tcp://host:8786) instead of local "
                                "worker processes.")(command)
    command = click.option("--jobs", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default="cores",
                           help="With --batch: worker processes.")(command)
    return click.option("--batch", type=click.Path(exists=True), default=None, metavar="DIR|FILE.jsonl",
                        help="Review every request of a folder (YAML/JSON files) or a JSON Lines file; writes one "
                             "JSON line per case to --out, and resumes a run the output shows was interrupted."
                        )(command)


def _batch(request_file, source, fmt, out_path, templates, as_of, rules_dir, evaluator, jobs, scheduler):
    """review --batch: stream the cases through workers into --out (JSON Lines)."""
    import time

    from ..batch import run as batch
    if request_file is not None and source is not None:
        fail(InputError(request_file, "give a REQUEST_FILE or --batch, not both"))
    if source is None:
        fail(InputError("review", "needs a REQUEST_FILE, or --batch DIR|FILE.jsonl"))
    others = [name for name, value in (("--format", fmt != "text"), ("--templates", templates), ("--as-of", as_of))
              if value]
    if others:
        fail(InputError(source, f"{', '.join(others)} do not apply to --batch (it writes the JSON contract)"))
    if not out_path:
        fail(InputError(source, "--batch needs --out FILE.jsonl"))
    check_folder(out_path)
    library_or_exit(rules_dir)  # a broken library: its errors once, before any worker starts
    mapper = None
    if scheduler:
        from ..batch.distributed import dask_mapper
        mapper = dask_mapper(scheduler, rules_dir, evaluator)
    start, shown = time.perf_counter(), [0]

    def progress(items):
        shown[0] += items
        if sys.stderr.isatty():
            rate = shown[0] / max(time.perf_counter() - start, 1e-9)
            click.echo(f"\r{shown[0]:,} items, {rate:,.0f} items/s", err=True, nl=False)

    try:
        counts = batch.run(source, out_path, jobs=jobs, rules=rules_dir, evaluator=evaluator, progress=progress,
                           mapper=mapper)
    except InputError as exc:
        fail(exc)
    seconds = time.perf_counter() - start
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(f"wrote {out_path}: {counts['cases']:,} case(s), {counts['items']:,} item(s) in {seconds:.1f} s "
               f"({counts['items'] / max(seconds, 1e-9):,.0f} items/s); {counts['skipped']:,} already done; "
               f"{counts['errors']:,} could not be reviewed", err=True)
    sys.exit(2 if counts["errors"] else 0)


review = _report_command("review", "Draft an IMR-style determination for REQUEST_FILE (YAML or JSON), or for every "
                                   "request of --batch DIR|FILE.jsonl.")
draft = _report_command("draft", "Draft a UR determination letter (certify / modify / non-certify) for REQUEST_FILE.")
precheck = _report_command("precheck", "Provider's pre-submission checklist for REQUEST_FILE: what will fail, what "
                                       "to document, what quantity is supported. Exits 1 when any item is at risk.")


@click.command()
@out_option()
def schema(out_path):
    """Print the JSON Schema of a request."""
    from ..request.model import request_json_schema
    emit(out_path, json.dumps(request_json_schema(), indent=2, sort_keys=True) + "\n", "JSON Schema of a request")
