"""letters parse | draft-case: past IMR determination letters."""
import json
import sys

import click

from .common import check_folder, emit, out_option


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


def _as_text(results):
    lines = []
    for letter in results:
        if "error" in letter:
            continue  # on standard error
        lines.append(f"{letter['file']}: layout {letter['layout']}, {len(letter['items'])} item(s)")
        for item in letter["items"]:
            cites = "; ".join(f"{c['tier']} {c['family']} {c['section']} p.{','.join(c['pages'])}".strip()
                              for c in item["citations"])
            lines.append(f"  {item['decision']:10} {item['text']}  [{cites}]")
        lines += [f"  problem: {problem}" for problem in letter["problems"]]
    return "".join(line + "\n" for line in lines)


@letters.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a summary per letter; json: everything parsed (letters that failed carry an error).")
@out_option()
def letters_parse(paths, fmt, out_path):
    """Parse IMR letters (files or directories of .txt/.pdf). A bad file is reported on standard error and the
    run goes on; the exit code is 2 when any file could not be parsed."""
    from ..letters import LetterError, parse_file
    if out_path:
        check_folder(out_path)
    results, failed = [], 0
    for path in _letter_files(paths):
        try:
            results.append(parse_file(path).as_dict())
        except LetterError as exc:
            failed += 1
            results.append({"file": str(path), "error": exc.message})
            click.echo(f"error: {path}: {exc.message}", err=True)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else _as_text(results)
    emit(out_path, text, f"{len(results) - failed} letter(s) parsed, {failed} failed")
    sys.exit(2 if failed else 0)


@letters.command("draft-case")
@click.argument("letter")
@out_option("Write the draft here instead of standard output; the folder must exist.")
def letters_draft_case(letter, out_path):
    """Draft a structured request (a regression case) from a LETTER: the facts it can read, and a list of the
    fields left for a person to fill in."""
    from ..letters import LetterError, parse_file
    from ..letters.draft import draft_case, dump_draft
    if out_path:
        check_folder(out_path)
    try:
        request, missing = draft_case(parse_file(letter), letter)
    except LetterError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    emit(out_path, dump_draft(request, missing, letter), f"{len(missing)} field group(s) to fill in by hand")
