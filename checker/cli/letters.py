"""letters parse | draft-case: past IMR determination letters."""
import json
import sys

import click


@click.group()
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
