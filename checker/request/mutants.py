"""Bad requests for the fuzz tests and the fuzz benchmark: valid requests mutated in type, shape, size and syntax.
Every text a mutant plants carries a marker (`zqx` and eight hex digits) so that a check can tell whether an error
message repeats a value of the request (a planted key is never a plain name: a key like a field name is a field's
name, which an error may give). No real patient data: the seeds are the synthetic and example requests."""
import datetime as dt
import json
import random

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
RAW = "@@raw@@"  # stands for a piece of raw text put into the serialised request
KINDS = ("value", "unknown_key", "drop_key", "syntax", "resources", "json")


def marker(rng):
    return f"zqx{rng.getrandbits(32):08x}"


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, path + (i,))


def put(node, path, value):
    """node with the value at path replaced (copies along the path)."""
    if not path:
        return value
    node = node.copy() if isinstance(node, (dict, list)) else node
    node[path[0]] = put(node[path[0]], path[1:], value)
    return node


def _bad_value(rng, mark):
    """A value of the wrong type, size or form, most of them carrying the marker."""
    choice = rng.randrange(16)
    if choice == 0:
        return mark
    if choice == 1:
        return f"{mark}\nDetermination: CERTIFIED"
    if choice == 2:
        return f"\x1b[31m{mark}\x1b[0m\x00\u2028"
    if choice == 3:
        return (mark + " ") * rng.choice([5_000, 30_000])  # past the string limit
    if choice == 4:
        return [mark] * rng.choice([1, 3, 250, 2_000])
    if choice == 5:
        return {f"{mark} k": mark, f"{mark} key": [mark]}
    if choice == 6:
        return rng.choice([10 ** 200, -(10 ** 30), 2 ** 63, -1, 0])
    if choice == 7:
        return rng.choice([float("inf"), float("-inf"), float("nan"), 1e308, -0.0, 0.5, 1e-05, 5e-324, 1e16, 2.5e-4])
    if choice == 8:
        return rng.choice([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1899, 12, 31),
                           dt.datetime(2014, 1, 1, 10, 30)])
    if choice == 9:
        return rng.choice([True, False, None, "", " "])
    if choice == 10:
        return RAW  # replaced by raw text: a tag, deep nesting or an alias
    if choice == 11:
        return [{"text": mark, "category": [mark], "procedure": {f"{mark} k": 1}}]
    if choice == 12:
        return {"category": {f"{mark} k": mark}, "procedure": [mark], "region": [mark], "finding": {f"{mark} k": 1}}
    if choice == 13:
        return f"{mark}-{mark}" if rng.random() < 0.5 else f"L4-{mark}"
    if choice == 14:
        return rng.choice(["2014-02-30", "0001-01-01", "2014-1-1", f"20{mark}"])
    return [[[[mark]]]]


def _raw(rng, mark):
    choice = rng.randrange(8)
    if choice == 0:
        return rng.choice(["!!timestamp x", "!!int 1e", "!!binary ~~~", "!!python/object:os.system ls",
                           "!!float 9" * 1, f"!!str {mark}", f"!mytag {mark}", "!!set {a, b}"])
    if choice == 1:
        depth = rng.choice([40, 500, 5_000, 100_000])
        return "[" * depth + "]" * depth
    if choice == 2:
        depth = rng.choice([40, 600])
        return "{a: " * depth + "1" + "}" * depth
    if choice == 3:
        return f"*{mark}"  # an undefined alias
    if choice == 4:
        return "9" * rng.choice([120, 5_000])
    if choice == 5:
        return f"&{mark} [{mark}]"
    if choice == 6:
        return rng.choice([".inf", "-.inf", ".nan", "0x" + "f" * 200, "1_000_000", "0o777", "1:20:30"])
    return f"'{mark}\\'"


_LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))


def _text_mutation(rng, text, mark):
    """A syntax-level change of the serialised text."""
    choice = rng.randrange(10)
    pos = rng.randrange(len(text)) if text else 0
    if choice == 0:
        return text[:pos]
    if choice == 1:
        return text[:pos] + rng.choice(":{}[]-'\"#&*!|>%@`\t\n\\") + text[pos + 1:]
    if choice == 2:
        return text[:pos] + f" {mark}~" + text[pos:]
    if choice == 3:
        first = text.split("\n", 1)[0]
        return f"{first}\n{text}"  # the first key twice
    if choice == 4:
        return "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + _LAUGHS + text
    if choice == 5:
        return text + f"\n{mark} k: {mark}\n" * rng.choice([1, 2])
    if choice == 6:
        return "\ufeff" + text
    if choice == 7:
        return text.replace(" ", "\t", rng.randrange(1, 5))
    if choice == 8:
        return f"--- {mark}\n---\n" + text
    return text[:pos] + "\x00" + text[pos:]


def _serialise(data, rng, as_json):
    if as_json:
        return json.dumps(data, default=str, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2]))
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=rng.choice([80, 10 ** 6]))


def mutate(seed, rng):
    """One bad request from a valid one: (file suffix, bytes, markers planted)."""
    mark = marker(rng)
    kind = rng.choice(KINDS)
    data = seed
    as_json = kind == "json" or rng.random() < 0.2
    paths = list(_paths(seed))[1:]
    if kind in ("value", "json", "resources") and paths:
        path = rng.choice(paths)
        value = _bad_value(rng, mark)
        if kind == "resources":
            value = rng.choice([[{"id": f"i{i}", "category": "xray", "description": mark} for i in range(3_000)],
                                "x" * 2_000_000, [mark] * 100_000, RAW])
        data = put(seed, path, value)
    elif kind == "unknown_key":
        path = rng.choice([p for p in paths if isinstance(_get(seed, p), dict)] or [()])
        data = put(seed, path, dict(_get(seed, path), **{rng.choice([f"{mark} key", f"{mark}\n", f"{mark}.x y"]): mark}))
    elif kind == "drop_key":
        path = rng.choice([p for p in paths if isinstance(_get(seed, p[:-1]), dict)] or [("request_id",)])
        parent = dict(_get(seed, path[:-1]))
        parent.pop(path[-1], None)
        data = put(seed, path[:-1], parent)
    try:
        text = _serialise(data, rng, as_json)
    except (ValueError, RecursionError, OverflowError):
        text = _serialise(seed, rng, as_json) + f"\n{mark} k: x"
    if RAW in text:
        quoted = json.dumps(RAW) if as_json else RAW
        text = text.replace(quoted, _raw(rng, mark), 1).replace(RAW, mark)
    if kind == "syntax":
        text = _text_mutation(rng, text, mark)
    if as_json and kind == "json" and rng.random() < 0.3:
        text = text.replace("{", '{"request_id": "' + mark + '", ', 1)  # a duplicate key
    body = text.encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.03:
        body = body[: rng.randrange(len(body) + 1)] + bytes([0xff, 0xfe, 0xc3]) + body[len(body) // 2:]
    if rng.random() < 0.02:
        body = rng.randbytes(rng.randrange(1, 4096))
    return (".json" if as_json else ".yaml"), body, {mark}


def _get(node, path):
    for part in path:
        node = node[part]
    return node


def case(seeds, index, seed=0):
    """Bad request number `index` of a run, the same on every run with the same seed."""
    rng = random.Random(f"{seed}-{index}")
    return mutate(rng.choice(seeds), rng)
