"""Start-up benchmark (run on demand: `make bench` or `python benchmarks/startup.py [--runs N]`).

Prints the library's load+validate time against a read from the cache, the time to register every ruleset with
durable-rules against the rulesets of one seed request only, and the whole-process time of `mtus-check review` of
a seed request (cold cache, then warm: the library and the rulesets of the request's categories read from the
cache) as a ratio to a bare interpreter and to one that imports the third-party packages a review needs."""
import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "examples" / "requests" / "seed-003.yaml"
CLI = [sys.executable, "-m", "checker", "review", str(SEED)]


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _process(cmd, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # an installed package carries its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE (set on this machine)
    # would compile every module from source in every process
    compileall.compile_dir(ROOT / "checker", quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, MTUS_CACHE_DIR=folder)
        os.environ["MTUS_CACHE_DIR"] = folder
        from checker.engine.durable import DurableEvaluator
        from checker.library.cache import cached_library
        from checker.library.load import load_library
        from checker.library.plan import compile_plan
        from checker.request.facts import derive
        from checker.request.model import load_request
        library, t_load = _timed(load_library)
        _, t_build = _timed(cached_library)  # loads and writes the entry
        _, t_hit = _timed(cached_library)
        plan = compile_plan(library)
        _, t_all = _timed(lambda: DurableEvaluator(plan).register())
        facts = derive(load_request(SEED))
        lazy = DurableEvaluator(plan)
        _, t_seed = _timed(lambda: lazy.evaluate(facts))
        print(f"library: load+validate {1000 * t_load:.0f} ms; cache write {1000 * (t_build - t_load):.0f} ms "
              f"(about), cache read {1000 * t_hit:.0f} ms ({t_load / t_hit:.1f}x faster)")
        print(f"durable-rules: register every ruleset {1000 * t_all:.0f} ms; only the {len(lazy._names)} categories "
              f"of {SEED.name} (first evaluation, their compiled rulesets read from the cache) {1000 * t_seed:.0f} ms")
        bare = _process([sys.executable, "-c", "pass"], env, args.runs)
        deps = _process([sys.executable, "-c", "import click, durable.engine, jinja2, pydantic, re2, yaml"], env,
                        args.runs)
        cold_env = dict(env, MTUS_CACHE_DIR="off")
        cold = _process(CLI, cold_env, args.runs)
        warm = _process(CLI, env, args.runs)
        print(f"whole process, median of {args.runs}: bare interpreter {bare:.3f} s; `mtus-check review "
              f"{SEED.name}` without the cache {cold:.3f} s ({cold / bare:.0f}x), with it {warm:.3f} s "
              f"({warm / bare:.0f}x); importing click, durable-rules, jinja2, pydantic, re2 and PyYAML alone "
              f"{deps:.3f} s")


if __name__ == "__main__":
    main()
