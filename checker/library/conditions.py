"""Conditions on derived facts: parse and type-check (with the rule file's positions), and evaluate in
three-valued (Kleene) logic. An absent fact makes a comparison unknown; unknown is 'not documented'.

Forms:  {fact: F, eq|ne|gt|gte|lt|lte: V}   {fact: F, in: [V, ...]}   {fact: F, documented: true|false}
        {count: {exam: TAG}, gte: N}   {count: {courses: CATEGORY}, gte: N}   (or eq ne gt lt lte)
        {all: [C, ...]}   {any: [C, ...]}   {not: C}
`documented` is never unknown: it asks whether the records say anything about F at all. A count reads a fact
Python derives (exam_count_TAG, course_count_CATEGORY): the rules only compare.
"""
from dataclasses import dataclass

from ..errors import did_you_mean

COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "documented")
COUNTED = {"exam": ("exam_count_", "an exam finding tag (tags: in rules/vocabulary/exam.yaml)"),
           "courses": ("course_count_", "a treatment category (rules/vocabulary/categories.yaml)")}
_FORMS = ("fact", "count", "all", "any", "not")
_NUMERIC = ("int", "number")
# where each family of facts is declared, for the hint on an unknown fact
_DECLARED = (("dx_", "diagnosis groups: groups: in rules/vocabulary/"),
             ("suspected_", "diagnosis groups: groups: in rules/vocabulary/"),
             ("doc_", "documentation statements: documentation: in rules/vocabulary/"),
             ("taking_", "drug classes: drugs: in rules/vocabulary/"), ("ing_", "drug classes: drugs: in rules/vocabulary/"),
             ("exam_", "exam finding tags: rules/vocabulary/exam.yaml"),
             ("course_count_", "treatment categories: rules/vocabulary/categories.yaml"))


class ConditionError(ValueError):
    """A malformed condition; `path` locates it inside the rule file."""

    def __init__(self, message, path=()):
        super().__init__(message)
        self.path = tuple(path)


@dataclass(frozen=True)
class Leaf:
    fact: str
    op: str
    value: object  # scalar, or a tuple of scalars for `in`


@dataclass(frozen=True)
class All:
    terms: tuple


@dataclass(frozen=True)
class Any_:
    terms: tuple


@dataclass(frozen=True)
class Not:
    term: object


def _check_value(fact, ftype, op, value, path):
    if isinstance(ftype, tuple):
        if not isinstance(value, str) or value not in ftype:
            raise ConditionError(f"{fact} is one of {', '.join(ftype)}; got {value!r}", path)
        if op not in ("eq", "ne", "in"):
            raise ConditionError(f"{op} does not apply to {fact} (an enumeration)", path)
    elif ftype == "bool":
        if not isinstance(value, bool):
            raise ConditionError(f"{fact} is true/false; got {value!r}", path)
        if op not in ("eq", "ne"):
            raise ConditionError(f"{op} does not apply to {fact} (true/false)", path)
    elif ftype in _NUMERIC:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConditionError(f"{fact} is a number; got {value!r}", path)
    elif ftype == "str":
        if not isinstance(value, str):
            raise ConditionError(f"{fact} is text; got {value!r}", path)
        if op not in ("eq", "ne", "in"):
            raise ConditionError(f"{op} does not apply to {fact} (text)", path)


def unknown_fact(name, fields):
    """The message for a fact name no rule may read: the closest one, and where facts of its kind are declared."""
    source = next((text for prefix, text in _DECLARED if str(name).startswith(prefix)),
                  "checker/request/facts.py (STATIC_FIELDS)")
    return (f"unknown fact {name!r}{did_you_mean(name, fields)} (facts of this kind come from {source}; "
            f"`mtus-check rules facts` lists them all)")


def _count(spec, fields, path):
    ops = [k for k in spec if k != "count"]
    if len(ops) != 1 or ops[0] not in COMPARISONS[:6]:
        hint = did_you_mean(ops[0], COMPARISONS[:6]) if len(ops) == 1 else ""
        raise ConditionError(f"a count takes one comparison of eq, ne, gt, gte, lt, lte; got {ops}{hint}", path)
    what = spec["count"]
    if not isinstance(what, dict) or len(what) != 1 or next(iter(what)) not in COUNTED:
        raise ConditionError("count takes {exam: TAG} (positive findings of the tag) or {courses: CATEGORY} "
                             "(treatment courses)", path + ("count",))
    kind, name = next(iter(what.items()))
    prefix, expected = COUNTED[kind]
    known = [f[len(prefix):] for f in fields if f.startswith(prefix)]
    if name not in known:
        raise ConditionError(f"count {kind}: expects {expected}; got {name!r}{did_you_mean(name, known)}",
                             path + ("count", kind))
    op, value = ops[0], spec[ops[0]]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConditionError(f"a count compares with a whole number of 0 or more; got {value!r}", path + (op,))
    return Leaf(prefix + name, op, value)


def parse(spec, fields, path=()):
    """Turn a YAML condition into an AST, checking fact names, operators and literal types."""
    if not isinstance(spec, dict) or not spec:
        raise ConditionError("a condition is a mapping: {fact: F, eq: V}, {count: {exam: TAG}, gte: N}, "
                             "{all: [...]}, {any: [...]} or {not: ...}", path)
    if set(spec) == {"all"} or set(spec) == {"any"}:
        key = next(iter(spec))
        terms = spec[key]
        if not isinstance(terms, list) or not terms:
            raise ConditionError(f"{key} takes a non-empty list of conditions", path + (key,))
        parsed = tuple(parse(t, fields, path + (key, i)) for i, t in enumerate(terms))
        return All(parsed) if key == "all" else Any_(parsed)
    if set(spec) == {"not"}:
        return Not(parse(spec["not"], fields, path + ("not",)))
    if "count" in spec and "fact" not in spec:
        return _count(spec, fields, path)
    if "fact" not in spec:
        keys = sorted(map(str, spec))
        raise ConditionError(f"unknown condition keys {keys}{did_you_mean(keys[0], _FORMS)}; expected one of "
                             f"fact, count, all, any, not", path)
    fact = spec["fact"]
    if fact not in fields:
        raise ConditionError(unknown_fact(fact, fields), path + ("fact",))
    ops = [k for k in spec if k != "fact"]
    if len(ops) != 1 or ops[0] not in COMPARISONS:
        hint = did_you_mean(ops[0], COMPARISONS) if len(ops) == 1 else ""
        raise ConditionError(f"exactly one operator of {', '.join(COMPARISONS)} expected; got {ops}{hint}",
                             path + ((ops[0],) if len(ops) == 1 else ()))
    op, value = ops[0], spec[ops[0]]
    ftype = fields[fact][0]
    if op == "documented":
        if not isinstance(value, bool):
            raise ConditionError("documented takes true or false", path + ("documented",))
        return Leaf(fact, "documented", value)
    if op == "in":
        if not isinstance(value, list) or not value:
            raise ConditionError("in takes a non-empty list", path + ("in",))
        for i, v in enumerate(value):
            _check_value(fact, ftype, "eq", v, path + ("in", i))
        return Leaf(fact, "in", tuple(value))
    _check_value(fact, ftype, op, value, path + (op,))
    return Leaf(fact, op, value)


def facts_used(cond):
    """The fact names a condition reads, sorted."""
    if cond is None:
        return []
    if isinstance(cond, Leaf):
        return [cond.fact]
    terms = (cond.term,) if isinstance(cond, Not) else cond.terms
    return sorted({f for t in terms for f in facts_used(t)})


def _compare(op, actual, value):
    if op == "eq":
        return actual == value
    if op == "ne":
        return actual != value
    if op == "in":
        return actual in value
    if op == "gt":
        return actual > value
    if op == "gte":
        return actual >= value
    if op == "lt":
        return actual < value
    return actual <= value


def evaluate(cond, facts):
    """Kleene evaluation: True, False, or None when the facts needed are not documented."""
    if isinstance(cond, Leaf):
        if cond.op == "documented":
            return (cond.fact in facts) == cond.value
        if cond.fact not in facts:
            return None
        return _compare(cond.op, facts[cond.fact], cond.value)
    if isinstance(cond, Not):
        inner = evaluate(cond.term, facts)
        return None if inner is None else not inner
    results = [evaluate(t, facts) for t in cond.terms]
    if isinstance(cond, All):
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


_SYMBOLS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def describe(cond):
    """A condition in readable form: 'quantity ≤ 10', 'any of (a = true; b in [x, y])'."""
    if cond is None:
        return "always"
    if isinstance(cond, Leaf):
        value = cond.value
        if cond.op == "in":
            return f"{cond.fact} in [{', '.join(str(v).lower() if isinstance(v, bool) else str(v) for v in value)}]"
        if cond.op == "documented":
            return f"{cond.fact} is {'documented' if value else 'not documented'}"
        shown = str(value).lower() if isinstance(value, bool) else value
        if cond.fact.startswith("exam_count_"):
            return f"positive {cond.fact[11:]} findings on exam {_SYMBOLS[cond.op]} {shown}"
        if cond.fact.startswith("course_count_"):
            return f"{cond.fact[13:]} courses {_SYMBOLS[cond.op]} {shown}"
        return f"{cond.fact} {_SYMBOLS[cond.op]} {shown}"
    if isinstance(cond, Not):
        return f"not ({describe(cond.term)})"
    word = "all of" if isinstance(cond, All) else "any of"
    return f"{word} (" + "; ".join(describe(t) for t in cond.terms) + ")"
