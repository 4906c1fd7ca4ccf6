"""Fuzz benchmark: generated bad requests (checker/request/mutants.py) through the path of `mtus-check review`,
in one process (one library load). Prints cases per second and counts by outcome: exit 0/1 (a report), 2 (bad
input, one line), 3 (internal error), tracebacks, runs over the time bound, echoed values, and the peak memory.

    .venv/bin/python benchmarks/fuzz.py [--cases 100000] [--seed 0] [--jobs 2]
"""
import argparse
import collections
import os
import resource
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLOW = 10.0  # seconds: a run longer than this counts as slow
FORMATS = ("text", "md", "html", "json")  # PDF takes about a second a case: see --pdf-every

_STATE = {}


def seeds():
    from checker.request.positions import load_file
    return [load_file(p)[0] for p in sorted((ROOT / "examples" / "requests").glob("*.yaml"))]


def outcome(path, checker, view="review", fmt="text"):
    """(exit code, stderr line) of the review command's steps on one request file; any exception that the
    command would not turn into exit 2 or 3 propagates (a traceback)."""
    from checker.engine.durable import EngineError
    from checker.engine.trace import TraceError
    from checker.errors import InputError
    from checker.library.snippets import SnippetError
    from checker.render.views import render
    from checker.request.model import load_request
    warnings = []
    try:
        request = load_request(path, warnings)
        render(checker.review(request), view, fmt)
    except InputError as exc:
        return 2, f"error: {exc.one_line()}", [w.one_line() for w in warnings]
    except (SnippetError, EngineError, TraceError) as exc:
        return 3, f"internal error: {exc}", []
    return 0, "", [w.one_line() for w in warnings]


def _init(pdf_every, seed):
    from checker.pipeline import Checker
    _STATE.update(checker=Checker(), folder=tempfile.mkdtemp(prefix="fuzz-"), pdf_every=pdf_every, seeds=seeds(),
                  seed=seed)


def _run(index):
    from checker.request.mutants import case
    suffix, body, markers = case(_STATE["seeds"], index, _STATE["seed"])
    path = Path(_STATE["folder"]) / f"case-{index}{suffix}"
    path.write_bytes(body)
    fmt = "pdf" if _STATE["pdf_every"] and index % _STATE["pdf_every"] == 0 else FORMATS[index % len(FORMATS)]
    start = time.monotonic()
    try:
        code, line, warnings = outcome(path, _STATE["checker"], ("review", "draft", "precheck")[index % 3], fmt)
        crash = None
    except Exception:
        code, line, warnings, crash = None, "", [], traceback.format_exc(limit=-3)
    elapsed = time.monotonic() - start
    path.unlink()
    echoed = any(m in text for m in markers for text in [line, *warnings])
    return code, elapsed, "\n" in line, echoed, crash, index


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pdf-every", type=int, default=500, help="render every Nth case as PDF (0: never)")
    args = parser.parse_args()
    counts, slow, multiline, echoed, crashes, worst = collections.Counter(), 0, 0, 0, [], (0.0, None)
    start = time.monotonic()
    with ProcessPoolExecutor(args.jobs, initializer=_init, initargs=(args.pdf_every, args.seed)) as pool:
        for code, elapsed, many_lines, echo, crash, index in pool.map(_run, range(args.cases), chunksize=64):
            counts["traceback" if crash else f"exit {code}"] += 1
            slow += elapsed > SLOW
            multiline += many_lines
            echoed += echo
            worst = max(worst, (elapsed, index))
            if crash and len(crashes) < 5:
                crashes.append(f"case {index}:\n{crash}")
    took = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux: the largest worker
    print(f"{args.cases} cases in {took:.0f} s: {args.cases / took:.0f} cases/s ({args.jobs} processes, seed {args.seed})")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"tracebacks {counts['traceback']}, over {SLOW:g} s {slow}, error of more than one line {multiline}, "
          f"echoed values {echoed}")
    print(f"slowest case {worst[1]}: {worst[0]:.2f} s; peak memory of a worker process {peak:.0f} MB")
    for crash in crashes:
        print(crash)
    sys.exit(1 if counts["traceback"] or slow or multiline or echoed else 0)


if __name__ == "__main__":
    main()
