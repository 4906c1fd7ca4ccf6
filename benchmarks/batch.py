"""Batch benchmark (run on demand: `make bench` or `python benchmarks/batch.py [--cases 10000 100000] [--jobs N]`).

Writes generated requests as JSON Lines, reviews them with `review --batch`'s worker processes, and prints items
per second and the peak memory (resident set) of the parent and of the largest worker, sampled while it runs: flat
memory means the peak does not grow with the number of cases."""
import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.batch import run as batch  # noqa: E402
from checker.request.synthetic import random_request_data  # noqa: E402


def _rss(pid):
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


class _Peak(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.parent = self.worker = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(0.2):
            self.parent = max(self.parent, _rss(os.getpid()))
            self.worker = max([self.worker] + [_rss(c) for c in _children(os.getpid())])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--items", type=int, default=1, help="items per generated request (default 1)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"batch: generated requests of {args.items} item(s), {args.jobs} worker process(es), {os.cpu_count()} cores")
    print(f"{'cases':>8} {'items':>8} {'seconds':>8} {'items/s':>8} {'parent MB':>10} {'worker MB':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.cases:
            source, out = Path(tmp) / f"cases-{count}.jsonl", Path(tmp) / f"out-{count}.jsonl"
            rng = random.Random(count)
            with open(source, "w") as fh:
                for _ in range(count):
                    fh.write(json.dumps(random_request_data(rng, args.items)) + "\n")
            peak = _Peak()
            peak.start()
            start = time.perf_counter()
            counts = batch.run(source, out, jobs=args.jobs)
            seconds = time.perf_counter() - start
            peak.stop.set()
            peak.join()
            print(f"{count:8d} {counts['items']:8d} {seconds:8.1f} {counts['items'] / seconds:8.0f} "
                  f"{peak.parent / 2**20:10.0f} {peak.worker / 2**20:10.0f}")
            out.unlink()


if __name__ == "__main__":
    main()
