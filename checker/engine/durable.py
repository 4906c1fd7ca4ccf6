"""The durable-rules evaluator: the only module that imports durable_rules.

durable-rules 2.0.28 fails silently in several ways (see docs/architecture.md); each guard here answers one:
  * one ruleset per item category, rules single-pattern on a flat item fact: no joins, so no misplaced
    join references; a category discriminator keeps the alpha network narrow (error 303);
  * rules test only for presence: 'unmet' is compiled as the negation pushed down to the leaves, never
    none()/$not (order-dependent); an absent fact matches neither, which is 'not documented';
  * identical patterns are compiled once (at most 256 rules may share a pattern; fewer firings);
  * every rule has a large cap, so it runs once per request with all its matches;
  * a sink rule matches every fact (a batch with one unhandled fact runs no action at all) and counts what
    the engine saw (an oversized fact silently truncates a batch);
  * facts are validated first: unique ids (duplicates cancel the batch), no more than 240 keys;
  * a fresh session per evaluation, deleted in `finally` (1024 live sessions at most); a failed session
    runs one sink action before deletion (deleting a session that never ran an action can crash);
  * a Host without its background timer threads, and one lock (the C engine is not thread-safe).
"""
import functools
import hashlib
import itertools
import json
import threading
from pathlib import Path

import durable_rules_engine as _engine
from durable import engine as _durable

from ..library.cache import KEEP, cache_dir, code_hash, read_entry, write_entry
from ..library.conditions import All, Leaf, Not

CAP = 10 ** 6
MAX_FACT_KEYS = 240
_OPS = {"eq": None, "ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}
_NEGATED = {"eq": "ne", "ne": "eq", "gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}


class EngineError(RuntimeError):
    """durable-rules failed or returned an incomplete result for an evaluation."""


class _SyncHost(_durable.Host):
    def _run(self):  # no dispatcher/timer threads: evaluation is synchronous
        pass


def _leaf(fact, op, value):
    return {fact: value} if _OPS[op] is None else {_OPS[op]: {fact: value}}


def to_durable(cond, positive=True):
    """Condition AST -> durable JSON; with positive=False, its negation pushed down to the leaves."""
    if isinstance(cond, Not):
        return to_durable(cond.term, not positive)
    if isinstance(cond, Leaf):
        if cond.op == "documented":  # presence: every pattern starts with a kind test, so $nex cannot loop
            return {("$ex" if cond.value == positive else "$nex"): {cond.fact: 1}}
        if cond.op == "in":
            terms = [_leaf(cond.fact, "eq" if positive else "ne", v) for v in cond.value]
            return terms[0] if len(terms) == 1 else {("$or" if positive else "$and"): terms}
        return _leaf(cond.fact, cond.op if positive else _NEGATED[cond.op], cond.value)
    conj = isinstance(cond, All) == positive
    terms = [to_durable(t, positive) for t in cond.terms]
    return terms[0] if len(terms) == 1 else {("$and" if conj else "$or"): terms}


def _pattern(category, check, body=None):
    """The durable pattern of a check (or of one piece of it): the item, its category, the condition, the dates."""
    # the dates right after the category: they are the most selective test a pattern shares with few others, which
    # keeps the alpha network narrow for a fact (more than about 64 live branches give error 303)
    terms = [{"kind": "item"}, {"category": category}, {"$gte": {"review_day": check.day_from}}]
    if check.day_to is not None:
        terms.append({"$lte": {"review_day": check.day_to}})
    terms += [to_durable(part) for part in check.parts] if body is None else [body]
    return {"$and": terms}


# durable-rules accepts at most 32 expressions in one pattern (error 113 at registration); a pattern holds the
# item, category and date tests besides the condition, so a condition is split above this many comparisons
MAX_EXPRESSIONS = 32
_FIXED = 4


def _size(node):
    key = next(iter(node))
    return sum(_size(t) for t in node[key]) if key in ("$and", "$or") else 1


def _pieces(node, limit):
    """A condition too large for one pattern as a tree of pieces that fit: ('leaf', node) | ('and'|'or', [trees]).
    Small terms are packed together so that there are as few patterns as possible."""
    if _size(node) <= limit:
        return ("leaf", node)
    key = next(iter(node))
    op = "$and" if key == "$and" else "$or"
    groups, current, size = [], [], 0
    for term in node[key]:
        n = _size(term)
        if n > limit:
            groups.append(_pieces(term, limit))
            continue
        if size + n > limit:
            groups.append(("leaf", current[0] if len(current) == 1 else {op: current}))
            current, size = [], 0
        current.append(term)
        size += n
    if current:
        groups.append(("leaf", current[0] if len(current) == 1 else {op: current}))
    return ("and" if op == "$and" else "or", groups)


# durable-rules fails a whole batch (error 303) when more than about 64 patterns of one ruleset match a fact at
# once; with the sink rule, MAX_MATCHING leaves room
MAX_MATCHING = 60


def _overlap(spans):
    """The most spans that cover one day."""
    spans = list(spans)
    events = sorted([(a, 1) for a, _ in spans] + [(b + 1, -1) for _, b in spans if b is not None])
    most = live = 0
    for _, step in events:
        live += step
        most = max(most, live)
    return most


def _pattern_fields(node):
    """The fact fields a durable pattern reads."""
    if isinstance(node, dict):
        out = set()
        for key, value in node.items():
            if key.startswith("$"):
                out |= _pattern_fields(value) if isinstance(value, (dict, list)) else set()
            else:
                out.add(key)
        return out
    if isinstance(node, list):
        return set().union(*(_pattern_fields(v) for v in node)) if node else set()
    return set()


def _chunks(patterns, spans, slots, reads_of):
    """Patterns in groups that no fact can match more than MAX_MATCHING of (patterns of disjoint date spans, and a
    criterion's met and unmet, never match together), and that read at most MAX_FACT_KEYS fields between them
    (a fact sent to a ruleset carries only the fields its patterns read)."""
    groups, members, covered, fields = [], [], {}, set()  # covered: slot -> the date span its patterns cover
    for pattern in patterns:
        reads = reads_of[pattern]
        slot, (a, b) = slots[pattern], spans[pattern]
        trial = dict(covered)
        if slot in trial:
            a0, b0 = trial[slot]
            trial[slot] = (min(a, a0), None if b is None or b0 is None else max(b, b0))
        else:
            trial[slot] = (a, b)
        if members and (_overlap(trial.values()) > MAX_MATCHING or len(fields | reads) > MAX_FACT_KEYS - 8):
            groups.append(members)
            members, covered, fields = [pattern], {slot: (a, b)}, set(reads)
        else:
            members.append(pattern)
            covered = trial
            fields |= reads
    if members:
        groups.append(members)
    return groups


def _holds(tree, matched):
    kind, body = tree
    if kind == "leaf":
        return body in matched
    results = (_holds(t, matched) for t in body)
    return all(results) if kind == "and" else any(results)


def _flat_keys(d):
    return sum(1 + (_flat_keys(v) if isinstance(v, dict) else 0) for v in d.values())


_instances = itertools.count()


def _check_numbers(value, name="fact"):
    """durable-rules' C parser crashes the process (a segmentation fault) on a number that JSON writes with an
    exponent (1e-05, 1e+16): refuse such a fact instead. (type() tests: this runs over every fact of every item.)"""
    kind = type(value)
    if kind is float:
        if "e" in repr(value):
            raise EngineError(f"fact {name} has a value the engine cannot read (an exponent)")
    elif kind is dict:
        for key, entry in value.items():
            if type(entry) in _CONTAINERS:
                _check_numbers(entry, key)
    elif kind is list or kind is tuple:
        for entry in value:
            _check_numbers(entry, name)


_CONTAINERS = frozenset({float, dict, list, tuple})


def _scan(values):
    """_check_numbers over an item's values; whether any value is a mapping (its keys count towards the limit)."""
    nested = False
    for key, value in values.items():
        kind = type(value)
        if kind in _CONTAINERS:
            _check_numbers(value, key)
            nested = nested or kind is dict
    return nested


class DurableEvaluator:
    """Compiles a plan into durable-rules rulesets, one category at a time when first needed (`register` does them
    all at once, for a long-lived worker); `evaluate` returns the set of (kind, key, item key)."""

    def __init__(self, plan):
        self.plan = plan
        self._lock = threading.Lock()
        self._sids = itertools.count()
        self._live = set()
        self._host = _SyncHost()
        self._tag = hashlib.sha256(plan.library.sha256.encode()).hexdigest()[:8] + f"_{next(_instances)}"
        self._names = {}  # category -> its ruleset names, once registered
        self._composite = {}
        self._rules = {}  # ruleset name -> {rule name: the (kind, key) pairs its matches record}
        self._handles = {}  # ruleset name -> durable-rules' handle
        self.matching_bound = []  # per registered ruleset: the most of its patterns one fact can match
        self._fields_of = {}  # ruleset name -> the fields its facts carry
        self.rule_count = 0

    def register(self, categories=None):
        """Register the rulesets of these categories (every category of the plan when None) not yet registered."""
        with self._lock:
            self._register(self.plan.by_category if categories is None else categories)

    def _register(self, categories):
        rulesets = {}
        for category in categories:
            if category in self._names or category not in self.plan.by_category:
                continue
            names = []
            for n, (rules, fields, bound) in enumerate(self._compiled(category)):
                name = f"{category}_{self._tag}_{n}"
                names.append(name)
                self._rules[name] = {rule: keys for rule, (_, keys) in rules.items()}
                self._fields_of[name] = frozenset(fields)
                self.matching_bound.append(bound)
                run = {"__sink__": _noop}
                rulesets[name] = {rule: dict(spec, run=run.get(rule, _noop)) for rule, (spec, _) in rules.items()}
                self.rule_count += len(rules)
            self._names[category] = tuple(names)
        if rulesets:
            self._host.set_rulesets(rulesets)
            for name in rulesets:
                self._handles[name] = self._host.get_ruleset(name)._handle

    def _compiled(self, category):
        """The category's rulesets (`_rulesets`), from the cache when it holds them for these checks and this code."""
        path = _entry(category, self.plan.by_category[category])
        kept = read_entry(path)
        if isinstance(kept, tuple) and len(kept) == 2:
            self._composite[category] = kept[1]
            return kept[0]
        out = self._rulesets(category, self.plan.by_category[category])
        write_entry(path, (out, self._composite[category]), keep=KEEP * 100)  # an entry per category (about 70)
        return out

    def _rulesets(self, category, checks):
        """The category's rulesets as (rules, the fields their patterns read, the most patterns one fact can match),
        in as few rulesets as keep at most MAX_MATCHING of them able to match one fact. A rule is
        (its durable definition, the (kind, key) pairs its matches record)."""
        by_pattern, spans, slots = {}, {}, {}
        composite = []  # (kind, key, tree of piece patterns): checks too large for one pattern
        for check in checks:
            pattern = _pattern(category, check)
            if _size(pattern) <= MAX_EXPRESSIONS:
                key = json.dumps(pattern, sort_keys=True)
                by_pattern.setdefault(key, []).append((check.kind, check.key))
                spans.setdefault(key, (check.day_from, check.day_to))
                # a criterion's met and unmet checks never hold together: one slot between them
                slots.setdefault(key, check.key if check.kind in ("met", "unmet") else key)
                continue
            body = {"$and": [to_durable(part) for part in check.parts]}
            tree = self._keyed(_pieces(body, MAX_EXPRESSIONS - _FIXED), category, check, by_pattern, spans, slots)
            composite.append((check.kind, check.key, tree))
        self._composite[category] = tuple(composite)
        out = []
        parsed = {p: json.loads(p) for p in by_pattern}
        reads_of = {p: _pattern_fields(parsed[p]) for p in by_pattern}
        for chunk in _chunks(sorted(by_pattern), spans, slots, reads_of):
            fields = set().union(*(reads_of[p] for p in chunk)) | {"category", "review_day"}
            covered = {}
            for pattern in chunk:
                covered.setdefault(slots[pattern], []).append(spans[pattern])
            bound = _overlap(
                (min(a for a, _ in v), None if any(b is None for _, b in v) else max(b for _, b in v))
                for v in covered.values())
            rules = {f"r{n}": ({"all": [{"m": parsed[p]}], "cap": CAP}, tuple(by_pattern[p]))
                     for n, p in enumerate(chunk)}
            rules["__sink__"] = ({"all": [{"m": {"$ex": {"kind": 1}}}], "pri": CAP, "cap": CAP}, ())
            out.append((rules, fields, bound))
        return out

    def _keyed(self, tree, category, check, by_pattern, spans, slots):
        """The tree with each piece registered as its own pattern, recorded as a ('piece', pattern) hit."""
        kind, body = tree
        if kind != "leaf":
            return (kind, tuple(self._keyed(t, category, check, by_pattern, spans, slots) for t in body))
        key = json.dumps(_pattern(category, check, body), sort_keys=True)
        by_pattern.setdefault(key, []).append(("piece", key))
        spans.setdefault(key, (check.day_from, check.day_to))
        slots.setdefault(key, key)
        return ("leaf", key)

    def evaluate(self, request_facts):
        return self.evaluate_many([request_facts])[0]

    def evaluate_many(self, facts_list):
        """evaluate() of several requests, sharing one durable-rules session per ruleset between them (a session
        costs more than matching a few more facts). Facts get ids unique across the requests."""
        hits = [set() for _ in facts_list]
        batches, owner = {}, {}  # owner: fact id -> (request index, item key)
        for n, request_facts in enumerate(facts_list):
            ids = set()
            for item in request_facts.items:
                if item.key in ids:
                    raise EngineError(f"duplicate item id {item.key!r}")
                ids.add(item.key)
                if item.values["category"] in self.plan.by_category:
                    fact_id = item.key if len(facts_list) == 1 else f"{n}:{item.key}"
                    owner[fact_id] = (n, item.key)
                    batches.setdefault(item.values["category"], []).append((fact_id, item))
        missing = [c for c in batches if c not in self._names]
        if missing:
            self.register(missing)
        for category, items in sorted(batches.items()):
            nested = {fact_id for fact_id, item in items if _scan(item.values)}  # once per item: facts are parts
            found = set()
            for name in self._names[category]:
                # each ruleset gets the facts with only the fields its patterns read: far from the engine's limit on
                # properties per fact, and faster
                fields = self._fields_of[name]
                facts = []
                for fact_id, item in items:
                    values = item.values
                    fact = {k: values[k] for k in fields if k in values} if len(fields) < len(values) else \
                        {k: v for k, v in values.items() if k in fields}
                    fact["kind"], fact["id"] = "item", fact_id
                    if len(fact) > MAX_FACT_KEYS or fact_id in nested and _flat_keys(fact) > MAX_FACT_KEYS:
                        raise EngineError(f"item {item.key!r} has more than {MAX_FACT_KEYS} facts")
                    facts.append(fact)
                found |= self._assert(name, facts)
            pieces = {}
            for kind, key, fact_id in found:
                if kind == "piece":
                    pieces.setdefault(fact_id, set()).add(key)
                else:
                    n, item_key = owner[fact_id]
                    hits[n].add((kind, key, item_key))
            for kind, key, tree in self._composite.get(category, ()):
                for fact_id, _ in items:
                    if _holds(tree, pieces.get(fact_id, ())):
                        n, item_key = owner[fact_id]
                        hits[n].add((kind, key, item_key))
        return hits

    def _assert(self, name, facts):
        """Assert one session's facts and run its actions straight through durable-rules' C interface (the
        Host's per-action closures, timers and state copies cost more than the matching)."""
        handle, rules = self._handles[name], self._rules[name]
        with self._lock:
            sid = f"s{next(self._sids)}"
            self._live.add(sid)
            hits, seen, ok = set(), 0, False
            try:
                for fact in facts:
                    fact["sid"] = sid
                code, state_handle = _engine.assert_facts(handle, json.dumps(facts, ensure_ascii=False))
                if code in (1, 2):  # not handled / already observed: the sink rule makes either a failure
                    raise EngineError(f"durable-rules refused the batch (code {code})")
                started = _engine.start_action_for_state(handle, state_handle if code != 3 else 0)
                state, message = started if started else (None, None)
                while message:
                    for rule, matches in json.loads(message).items():
                        matches = [matches] if isinstance(matches, dict) else matches
                        ids = [(m["m"] if len(m) == 1 and "m" in m else m)["id"] for m in matches]
                        if rule == "__sink__":
                            seen += len(ids)
                        else:
                            hits.update((kind, key, i) for kind, key in rules[rule] for i in ids)
                    _engine.update_state(handle, state)
                    message = _engine.complete_and_start_action(handle, state_handle)
                if seen != len(facts):
                    raise EngineError(f"durable-rules processed {seen} of {len(facts)} facts")
                ok = True
            finally:
                if not ok:
                    try:
                        self._host.assert_fact(name, {"sid": sid, "kind": "__reset__", "id": "__reset__"})
                    except Exception:  # the session is being discarded either way
                        pass
                self._live.discard(sid)
                try:
                    _engine.delete_state(handle, sid)
                except Exception:
                    pass
        return hits

    def live_sessions(self):
        """Sessions not yet deleted (always 0 between evaluations)."""
        return len(self._live)


def _noop(c):  # the Host needs an action per rule; evaluation runs the rules' matches itself (see _assert)
    pass


def _entry(category, checks):
    """Where the compiled rulesets of one category's checks are kept (None when the cache is off). The key is the
    checks themselves (a library's hash is not enough: `rules test` plans variants of the same library) and the
    code that loads, plans and compiles them."""
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{_engine_key()}\0{category}\0{checks!r}".encode()).hexdigest()[:32]
    return Path(folder) / f"rulesets-{key}.pickle"


@functools.cache
def _engine_key():
    """sha256 of the code that loads and plans a library (code_hash) and of this subpackage's."""
    digest = hashlib.sha256(code_hash().encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
