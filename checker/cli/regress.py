"""regress: run the rule library over cases with real IMR outcomes and report agreement."""
import json
import sys

import click

from ..errors import InputError
from .common import check_folder, emit, fail, out_option, rules_option, write_output


@click.command()
@click.argument("cases", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "md"]), default="text", show_default=True,
              help="Report format (junit for CI test reports).")
@out_option()
@click.option("--min-agreement", type=float, default=None, help="Exit 1 below this agreement (0-1).")
@click.option("--min-balanced-accuracy", type=float, default=None, help="Exit 1 below this balanced accuracy (0-1).")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, help="Show cases changed since this baseline.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), default=None, help="Record this run as the baseline.")
@click.option("--jobs", type=int, default=1, show_default=True, help="Worker processes.")
@rules_option
def regress(cases, fmt, out_path, min_agreement, min_balanced_accuracy, baseline, write_baseline, jobs, rules_dir):
    """Run the rule library over CASES (requests whose items record the real IMR outcome) and compare.
    Exit 1 below a threshold, 2 when a case could not be read (the run still reports every other case)."""
    from ..regress import run as reg
    from ..regress.report import REPORTERS
    for path in (out_path, write_baseline):
        if path:
            check_folder(path)
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
            from ..request.positions import load_file
            before, _ = load_file(baseline)
    except InputError as exc:
        fail(exc)
    summary = reg.summarize(results)
    changed = reg.changed_since(results, before or {}) if baseline else []
    report = REPORTERS[fmt](results, summary, changed, errors)
    emit(out_path, report, f"regression report ({fmt}) of {len(results)} case(s)")
    if write_baseline:
        write_output(write_baseline, json.dumps(reg.baseline_of(results), indent=2, sort_keys=True) + "\n", "baseline")
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
