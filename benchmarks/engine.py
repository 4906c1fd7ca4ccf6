"""Engine benchmark (run on demand: `make bench` or `python benchmarks/engine.py [--n N]`).

Prints, for the seed requests and for generated 5-item requests: evaluations per second and p50/p99 latency of
the evaluator alone and of evaluate+trace, the library load, compile and registration times, and the ratio of
durable-rules to the plain-Python reference evaluator of the same compiled plan."""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.engine.durable import DurableEvaluator  # noqa: E402
from checker.engine.reference import ReferenceEvaluator  # noqa: E402
from checker.engine.trace import build_trace  # noqa: E402
from checker.library.load import load_library  # noqa: E402
from checker.library.plan import compile_plan  # noqa: E402
from checker.request.facts import derive  # noqa: E402
from checker.request.model import load_request  # noqa: E402
from checker.request.synthetic import random_requests  # noqa: E402


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _run(evaluator, library, facts_list, rounds, trace=True):
    latencies = []
    for _ in range(rounds):
        for facts in facts_list:
            start = time.perf_counter()
            hits = evaluator.evaluate(facts)
            if trace:
                build_trace(library, facts, hits)
            latencies.append(time.perf_counter() - start)
    latencies.sort()
    return {"evals_per_s": len(latencies) / sum(latencies),
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="evaluations per workload (default 2000)")
    args = parser.parse_args()
    library, t_load = _timed(load_library)
    plan, t_plan = _timed(lambda: compile_plan(library))
    durable = DurableEvaluator(plan)
    _, t_register = _timed(durable.register)
    reference = ReferenceEvaluator(plan)
    print(f"library: {len(library.topics)} topics, {len(library.criteria())} criteria, "
          f"{durable.rule_count} durable rules in {len(plan.by_category)} rulesets")
    print(f"load+validate {1000 * t_load:.1f} ms, compile plan {1000 * t_plan:.2f} ms, "
          f"register with durable-rules {1000 * t_register:.1f} ms")
    seeds = [derive(load_request(p)) for p in sorted((ROOT / "examples" / "requests").glob("seed-*.yaml"))]
    generated = [derive(r) for r in random_requests(200, seed=1, n_items=5)]
    print(f"{'workload':34} {'engine':10} {'evals/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, facts_list in (("seed requests", seeds), ("generated, 5 items", generated)):
        rounds = max(1, args.n // len(facts_list))
        for trace in (False, True):
            label = f"{name}{', evaluate+trace' if trace else ', evaluate'}"
            _run(durable, library, facts_list[:5], 20)  # warm-up
            _run(reference, library, facts_list[:5], 20)
            d = _run(durable, library, facts_list, rounds, trace)
            r = _run(reference, library, facts_list, rounds, trace)
            for engine, res in (("durable", d), ("reference", r)):
                print(f"{label:34} {engine:10} {res['evals_per_s']:9.0f} {res['p50_ms']:8.3f} {res['p99_ms']:8.3f}")
            print(f"{label:34} durable/reference: {d['p50_ms'] / r['p50_ms']:.2f}x the p50 latency, "
                  f"{d['p99_ms'] / r['p99_ms']:.2f}x the p99, {r['evals_per_s'] / d['evals_per_s']:.2f}x fewer "
                  f"evaluations per second")


if __name__ == "__main__":
    main()
