"""Review a batch on a Dask distributed cluster: `dask_mapper(address)` is a mapper for batch.run.run that sends
the chunks to the cluster's workers and yields their results in chunk order, with a bounded number in flight.

Why Dask distributed rather than Ray: distributed and dask are pure-Python wheels on PyPI with a small footprint
(Ray ships a large binary wheel, its own object store and raylet daemons on every node); distributed.LocalCluster
starts a real multi-process cluster inside a test; the scheduler address is the only option a user gives; and its
futures API maps directly onto the bounded, ordered stream that batch.run expects (a deque of futures, the oldest
read first).

Running a cluster:

    dask scheduler                                           # listens on tcp://HOST:8786
    dask worker tcp://HOST:8786 --nworkers N --nthreads 1    # on each machine: checker installed, same version
    mtus-check review --batch requests.jsonl --out out.jsonl --scheduler tcp://HOST:8786

`--nthreads 1` is recommended: the durable-rules engine is not thread-safe, so a worker process reviews one chunk
at a time whatever its thread count (a lock here and in the evaluator); scale with processes (--nworkers).
Each worker process loads the rule library once (through the library cache) and keeps it for every later chunk.
A worker must have the same checker version and the same rule library (the bundled one, or --rules at the same
path); a worker whose library differs from this machine's stops the run with an error rather than write
different determinations. Requests hold health information and travel to the workers through the scheduler:
outside a trusted network use a tls:// address with Dask's TLS configuration. Nothing here logs a request's
contents, and task keys carry no case names."""
import pickle
import threading
from collections import deque
from pathlib import Path

from .. import __version__
from ..errors import InputError
from . import run as _run

TIMEOUT = 10  # seconds to reach the scheduler
WORKERS_TIMEOUT = 60  # seconds to wait for the first worker to join a scheduler that has none


class WorkerError(RuntimeError):
    """A worker could not review (its library failed to load, or differs from the client's). Carries one line:
    an InputError does not survive pickling, this does."""


# in each worker process: (rules, evaluator) -> Checker, and the lock that lets one chunk at a time use one
_CHECKERS = {}
_LOCK = threading.Lock()


def _checker(rules, evaluator, expected):
    checker = _CHECKERS.get((rules, evaluator))
    if checker is None:
        try:
            _run.init_worker(rules, evaluator)
        except InputError as exc:
            raise WorkerError(f"a worker could not load the rule library: {exc.one_line()}") from None
        checker = _CHECKERS[(rules, evaluator)] = _run._WORKER["checker"]
    if (__version__, checker.library.sha256) != expected:
        raise WorkerError(f"a worker runs checker {__version__} with rule library {checker.library.sha256[:12]}, "
                          f"not {expected[0]} with {expected[1][:12]} as here: install the same on every worker")
    return checker


def review_remote(blob, rules, evaluator, expected):
    """The task a worker runs: review_chunk of a pickled chunk, with this process's checker for (rules, evaluator)
    (loaded on its first chunk); `expected` is the client's (checker version, library hash)."""
    chunk = pickle.loads(blob)
    with _LOCK:
        _run._WORKER["checker"] = _checker(rules, evaluator, expected)
        return _run.review_chunk(chunk)


def _pack(chunk):
    """A chunk as bytes: Dask passes them through untouched (no key lookup, no hashing of the texts)."""
    return pickle.dumps(list(chunk), protocol=pickle.HIGHEST_PROTOCOL)


def _connect(scheduler, timeout):
    """(client, whether this call created it) for an address, a Client or a cluster object."""
    target, name = scheduler, _name(scheduler)
    try:
        import distributed
        from distributed.comm import get_address_host_port, normalize_address
    except ImportError:
        raise InputError(name, "--scheduler needs the distributed package (pip install distributed)") from None
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if isinstance(scheduler, str):
        try:
            target = normalize_address(scheduler.strip())
            get_address_host_port(target)  # a scheme Dask knows, a host and a port
        except ValueError:
            raise InputError(name, "not a Dask scheduler address (tcp://HOST:8786)") from None
    try:
        return distributed.Client(target, timeout=timeout, set_as_default=False), True
    except Exception as exc:  # refused, unreachable, timed out, a bad host name
        raise InputError(name, f"cannot reach the Dask scheduler within {timeout:g} s "
                               f"({exc.__class__.__name__}): is `dask scheduler` running there?") from None


def _name(scheduler):
    return scheduler if isinstance(scheduler, str) else getattr(scheduler, "scheduler_address", "dask scheduler")


def dask_mapper(scheduler, rules=None, evaluator="durable", timeout=None, workers_timeout=None):
    """A mapper for batch.run.run that reviews the chunks on the Dask cluster of `scheduler` (an address such as
    tcp://host:8786, or a distributed Client or cluster object): at most AHEAD chunks per worker thread in flight,
    results in chunk order. It connects when the run starts (an unreachable scheduler is an InputError naming it)
    and closes the client at the end, unless it was given one. The timeouts default to TIMEOUT and WORKERS_TIMEOUT."""
    from ..library.load import library_hash
    from ..paths import rules_dir
    root = str(Path(rules).resolve()) if rules else None  # a worker's working folder is not this one
    name = _name(scheduler)
    timeout = TIMEOUT if timeout is None else timeout
    workers_timeout = WORKERS_TIMEOUT if workers_timeout is None else workers_timeout

    def mapper(chunks):
        expected = (__version__, library_hash(root or rules_dir()))
        client, own = _connect(scheduler, timeout)
        pending = deque()
        try:
            try:
                client.wait_for_workers(1, timeout=workers_timeout)
                limit = max(sum(client.nthreads().values()), 1) * _run.AHEAD
            except Exception as exc:
                raise InputError(name, f"no Dask worker joined the scheduler within {workers_timeout:g} s "
                                       f"({exc.__class__.__name__})") from None
            for chunk in chunks:
                pending.append(client.submit(review_remote, _pack(chunk), root, evaluator, expected, pure=False))
                if len(pending) >= limit:
                    yield _result(pending.popleft(), name)
            while pending:
                yield _result(pending.popleft(), name)
        finally:
            for future in pending:  # a run stopped early: what is still queued is dropped
                future.cancel()
            pending.clear()
            if own:
                client.close()

    return mapper


def _result(future, name):
    """The result of a chunk's future, which is then released; a failure is one line naming the scheduler (never
    the exception's text from Dask, which may describe the task's arguments)."""
    try:
        return future.result()
    except WorkerError as exc:
        raise InputError(name, str(exc)) from None
    except Exception as exc:
        from distributed import KilledWorker
        why = ("a worker died reviewing a chunk, again on retry (out of memory?)" if isinstance(exc, KilledWorker)
               else f"the cluster failed while reviewing ({exc.__class__.__name__})")
        raise InputError(name, why) from None
    finally:
        future.release()
