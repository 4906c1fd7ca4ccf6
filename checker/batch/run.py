"""Review many requests: a folder of request files or a JSON Lines file of requests, streamed through worker
processes that each load the library once, written as JSON Lines in input order as they finish. A run that was
interrupted resumes: cases already in the output are skipped, and a line cut off mid-write is dropped.

Each output line is one case: {"case": its name, "determination": the JSON contract of `review --format json`}
or {"case": ..., "error": one line naming the field}. The same input gives byte-identical output."""
import json
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..errors import InputError
from ..request import gate

SUFFIXES = (".yaml", ".yml", ".json")
CHUNK = 64  # cases per task: large enough that inter-process traffic is small against the work
AHEAD = 4  # tasks in flight per worker: memory stays flat however long the input


def cases(source):
    """(case name, file name, text) of every request in a folder (sorted, recursively) or a .jsonl file, lazily."""
    source = Path(source)
    if source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
            name = path.relative_to(source).as_posix()
            try:
                yield name, str(path), gate.read_text(path, gate.REQUEST)
            except InputError as exc:
                yield name, str(path), exc
        return
    if source.suffix != ".jsonl":
        raise InputError(source, "a batch is a folder of request files or a .jsonl file (one request per line)")
    if not source.is_file():
        raise InputError(source, "no such file")
    with open(source, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                name = f"{source.name}:{number}"
                yield name, name, line if len(line) <= gate.REQUEST.max_bytes else InputError(
                    name, f"larger than {gate.REQUEST.max_bytes:,} bytes (the request limit)")


_WORKER = {}


def init_worker(rules=None, evaluator="durable"):
    """Load the library and register every ruleset once per worker process."""
    from ..library.cache import cached_library
    from ..pipeline import Checker
    checker = Checker(cached_library(rules), evaluator=evaluator)
    if hasattr(checker.evaluator, "register"):
        checker.evaluator.register()
    _WORKER["checker"] = checker


def _parse(name, file, text):
    from ..request.model import parse_request
    from ..request.positions import parse_json, parse_text
    if isinstance(text, InputError):
        raise text
    # a request file is parsed with its field lines; a JSON line (named file:line) has none to find
    parse = parse_text if Path(file).suffix in SUFFIXES else parse_json
    data, positions = parse(text, file, gate.REQUEST)
    return parse_request(data, file, positions)


def _line(name, det=None, error=None):
    """(output line without its newline, items reviewed, whether the case failed)."""
    from ..render.views import to_dict
    out = {"case": name, "determination": to_dict(det)} if error is None else {"case": name, "error": error}
    items = len(det.items) if error is None else 0
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":")), items, error is not None


def _internal(name, exc):
    # the message may quote the request: the type only
    return f"{name}: internal error ({exc.__class__.__name__}) while reviewing this case"


def review_text(name, file, text):
    """The output of one case."""
    try:
        return _line(name, _WORKER["checker"].review(_parse(name, file, text)))
    except InputError as exc:
        return _line(name, error=exc.one_line())
    except Exception as exc:  # one case's fault is reported with the others, never the end of the run
        return _line(name, error=_internal(name, exc))


def review_chunk(chunk):
    """The output of each (name, file, text) of a chunk; the requests that parse are reviewed together (one
    engine session per ruleset for the chunk), and case by case when that fails, so that one case's fault is
    its own."""
    parsed, out = [], [None] * len(chunk)
    for n, (name, file, text) in enumerate(chunk):
        try:
            parsed.append((n, _parse(name, file, text)))
        except InputError as exc:
            out[n] = _line(name, error=exc.one_line())
        except Exception as exc:
            out[n] = _line(name, error=_internal(name, exc))
    try:
        dets = _WORKER["checker"].review_many([request for _, request in parsed])
        for (n, _), det in zip(parsed, dets):
            out[n] = _line(chunk[n][0], det)
    except Exception:
        for n, _ in parsed:
            out[n] = review_text(*chunk[n])
    return out


def done_cases(out_path):
    """Names of the cases an earlier run already wrote; a partial last line is cut off so that it is redone."""
    path = Path(out_path)
    if not path.is_file():
        return set()
    done, good = set(), 0
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break
            try:
                done.add(json.loads(raw)["case"])
            except (ValueError, KeyError, TypeError):
                break
            good += len(raw)
    if good != path.stat().st_size:
        os.truncate(path, good)
    return done


def _chunks(source, skip):
    chunk = []
    for case in cases(source):
        if case[0] in skip:
            continue
        chunk.append(case)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def map_local(chunks, jobs, rules=None, evaluator="durable"):
    """Output lines per chunk, in order, from `jobs` worker processes (in this process when jobs is 1), with at
    most AHEAD chunks per worker in flight."""
    if jobs <= 1:
        init_worker(rules, evaluator)
        for chunk in chunks:
            yield review_chunk(chunk)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(rules, evaluator)) as pool:
        pending = deque()
        for chunk in chunks:
            pending.append(pool.submit(review_chunk, chunk))
            if len(pending) >= jobs * AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def run(source, out_path, jobs=1, rules=None, evaluator="durable", progress=None, mapper=None):
    """Review every case of `source` not already in `out_path`, appending a line per case; `mapper` turns chunks
    of cases into their review_chunk results, in order (default: local worker processes). Returns the counts
    {"cases": written now, "items": their items, "skipped": already there, "errors": cases not reviewed};
    `progress` is called with the items of each chunk written."""
    skip = done_cases(out_path)
    mapper = mapper or (lambda chunks: map_local(chunks, jobs, rules, evaluator))
    counts = {"cases": 0, "items": 0, "skipped": len(skip), "errors": 0}
    with open(out_path, "a", encoding="utf-8") as out:
        for results in mapper(_chunks(source, skip)):
            out.write("".join(line + "\n" for line, _, _ in results))
            out.flush()
            items = sum(n for _, n, _ in results)
            counts["cases"] += len(results)
            counts["items"] += items
            counts["errors"] += sum(1 for _, _, failed in results if failed)
            if progress:
                progress(items)
    return counts
