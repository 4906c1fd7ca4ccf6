"""review, draft and precheck: the three reports of a request; schema: the request's JSON Schema."""
import json
import sys

import click

from ..errors import InputError
from .common import fail, library_or_exit, rules_option


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
    @rules_option
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
            checker = Checker(library_or_exit(rules_dir), evaluator=evaluator)
            det = checker.review(request)
            output = render(det, view, fmt, templates)
        except InputError as exc:
            fail(exc)
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
    return click.command(view)(command)


review = _report_command("review", "Draft an IMR-style determination for REQUEST_FILE (YAML or JSON).")
draft = _report_command("draft", "Draft a UR determination letter (certify / modify / non-certify) for REQUEST_FILE.")
precheck = _report_command("precheck", "Provider's pre-submission checklist for REQUEST_FILE: what will fail, what "
                                       "to document, what quantity is supported. Exits 1 when any item is at risk.")


@click.command()
def schema():
    """Print the JSON Schema of a request."""
    from ..request.model import request_json_schema
    click.echo(json.dumps(request_json_schema(), indent=2, sort_keys=True))
