"""The input gate: every file the checker reads (requests, rule files, letters, templates, spreadsheets) comes
through here. Regular files only, read with a size cap; parsed data is held to limits on string length, items per
list or mapping, values in the whole document (YAML aliases counted as expanded), nesting depth and alias count.
Errors name the file, the line where known, the field and the limit that was exceeded, never a value."""
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError, field_path

MAX_NUMBER_DIGITS = 100  # no field needs more; Python refuses to parse past 4,300 anyway
MIN_FRACTION = 0.001  # smaller is no quantity, and durable-rules' C parser crashes on an exponent (1e-05)


@dataclass(frozen=True)
class Limits:
    kind: str  # what is read, for the error message
    max_bytes: int
    max_string: int = 20_000  # characters in one string
    max_items: int = 1_000  # entries of one list or mapping
    max_nodes: int = 20_000  # values in the whole document, aliases expanded
    max_depth: int = 32
    max_aliases: int = 50
    is_input: bool = False  # a command's input: --out may not replace it


REQUEST = Limits("request", 1 << 20, max_items=500, is_input=True)  # items, findings, statements (about 200 known)
DATA = Limits("data file", 8 << 20, max_items=100_000, max_nodes=500_000, max_aliases=200)  # rules, baselines
LETTER = Limits("letter", 16 << 20, is_input=True)
LETTER_PDF_PAGES = 200
TEMPLATE = Limits("template", 256 << 10)
SPREADSHEET = Limits("spreadsheet", 20 << 20, max_items=50_000, max_string=1_000, is_input=True)  # items: rows

_INPUTS = set()  # (device, inode) of every command input read in this process


def _fail(file, limits, what, line=None, field=None):
    return InputError(file, f"{what} (the {limits.kind} limit)", field=field, line=line)


def read_bytes(path, limits):
    """The bytes of a regular file of at most limits.max_bytes; anything else is an InputError."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not a regular file)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(path, "is a directory, not a file" if stat.S_ISDIR(info.st_mode) else
                         "not a regular file (devices, pipes and sockets are not read)")
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limits.max_bytes:
            raise _fail(path, limits, f"file is larger than {limits.max_bytes:,} bytes")
        try:
            data = fh.read(limits.max_bytes + 1)
        except OSError as exc:
            raise InputError(path, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from None
        if len(data) > limits.max_bytes:
            raise _fail(path, limits, f"file is larger than {limits.max_bytes:,} bytes")
        if limits.is_input:
            _INPUTS.add((info.st_dev, info.st_ino))
    return data


def read_text(path, limits):
    """The UTF-8 text (a byte-order mark allowed) of a regular file within the limits."""
    data = read_bytes(path, limits)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", line=line) from None


def is_input(path):
    """Whether path is a file this process read as a command's input (so it must not be overwritten)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) in _INPUTS


def check_number(value, file, limits, line=None, field=None):
    """Numbers must be finite and of sensible size."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(file, "infinite or not-a-number values are not accepted", field=field, line=line)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** MAX_NUMBER_DIGITS:
        raise _fail(file, limits, f"a number has more than {MAX_NUMBER_DIGITS} digits", line, field)


def scan_yaml(text, file, limits):
    """Check the YAML event stream against the limits before anything is built, so that neither deep nesting nor
    alias expansion ("billion laughs") costs more than the limits allow. Syntax errors are left to the parser."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    stack = []  # open containers: [size of subtree so far, height, anchor, entries]
    sizes, heights = {}, {}  # anchor -> expanded size and height of its node
    total = aliases = 0

    def add(size, height, line):
        nonlocal total
        total += size
        if total > limits.max_nodes:
            raise _fail(file, limits, f"more than {limits.max_nodes:,} values (aliases counted as expanded)", line)
        if len(stack) + height > limits.max_depth:
            raise _fail(file, limits, f"nested deeper than {limits.max_depth} levels", line)
        if stack:
            parent = stack[-1]
            parent[0] += size
            parent[1] = max(parent[1], height + 1)
            parent[3] += 1
            if parent[3] > limits.max_items * (2 if parent[4] else 1):
                raise _fail(file, limits, f"a list or mapping has more than {limits.max_items:,} entries", line)

    try:
        for event in yaml.parse(text, Loader=loader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.ScalarEvent):
                if len(event.value) > limits.max_string:
                    raise _fail(file, limits, f"a value is longer than {limits.max_string:,} characters", line)
                add(1, 1, line)
                if event.anchor:
                    sizes[event.anchor], heights[event.anchor] = 1, 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    raise _fail(file, limits, f"more than {limits.max_aliases} aliases", line)
                add(sizes.get(event.anchor, 1), heights.get(event.anchor, 1), line)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) + 1 > limits.max_depth:
                    raise _fail(file, limits, f"nested deeper than {limits.max_depth} levels", line)
                stack.append([1, 1, event.anchor, 0, isinstance(event, yaml.MappingStartEvent)])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                size, height, anchor, _, _ = stack.pop()
                if anchor:
                    sizes[anchor], heights[anchor] = size, height
                total -= size - 1  # its children were counted as they came; add() counts the whole again
                add(size, height, line)
    except yaml.YAMLError:
        return  # malformed: the parser that follows names the problem and its line


_BIG_INT = 10 ** MAX_NUMBER_DIGITS


def check_tree(data, file, limits, positions=None):
    """The same limits on parsed data (a JSON document, or a mapping a Python caller built), walked without
    recursion. Keys must be strings."""
    if not _within(data, limits):
        _check_tree_at(data, file, limits, positions)  # the same walk with field paths, to name the problem


def _within(data, limits):
    """Whether every value is within the limits: the common case, walked without building field paths."""
    todo = [(data, 0)]
    nodes = 0
    while todo:
        node, depth = todo.pop()
        nodes += 1
        if nodes > limits.max_nodes or depth > limits.max_depth:
            return False
        kind = type(node)
        if kind is str:
            if len(node) > limits.max_string:
                return False
        elif kind is dict:
            if len(node) > limits.max_items:
                return False
            for key, value in node.items():
                if type(key) is not str or len(key) > limits.max_string:
                    return False
                todo.append((value, depth + 1))
        elif kind is list or kind is tuple:
            if len(node) > limits.max_items:
                return False
            todo.extend((value, depth + 1) for value in node)
        elif kind is int:
            if abs(node) >= _BIG_INT:
                return False
        elif kind is float:
            if not math.isfinite(node) or (node != 0 and abs(node) < MIN_FRACTION):
                return False
        elif isinstance(node, (str, int, float, dict, list, tuple)) and kind is not bool:
            return False  # a subclass of one of them: the full walk decides (it passes dates, booleans and None)
    return True


def _check_tree_at(data, file, limits, positions=None):
    todo = [((), data, 0)]
    nodes = 0
    while todo:
        path, node, depth = todo.pop()
        nodes += 1
        try:
            if nodes > limits.max_nodes:
                raise _fail(file, limits, f"more than {limits.max_nodes:,} values")
            if depth > limits.max_depth:
                raise _fail(file, limits, f"nested deeper than {limits.max_depth} levels")
            if isinstance(node, str):
                if len(node) > limits.max_string:
                    raise _fail(file, limits, f"a value is longer than {limits.max_string:,} characters")
            elif isinstance(node, (int, float)):
                check_number(node, file, limits)
                if isinstance(node, float) and node != 0 and abs(node) < MIN_FRACTION:
                    raise InputError(file, f"a number closer to zero than {MIN_FRACTION} is not a clinical quantity",
                                     field=field_path(path))
            elif isinstance(node, (dict, list, tuple)):
                if len(node) > limits.max_items:
                    raise _fail(file, limits, f"a list or mapping has more than {limits.max_items:,} entries")
                if isinstance(node, dict):
                    for key, value in node.items():
                        if not isinstance(key, str) or len(key) > limits.max_string:
                            raise _fail(file, limits, "mapping keys must be short text")
                        todo.append((path + (key,), value, depth + 1))
                else:
                    todo.extend((path + (i,), value, depth + 1) for i, value in enumerate(node))
        except InputError as exc:  # the line is looked up only for the error: the walk passes every value
            line = positions.line_of(path) if positions is not None else None
            raise InputError(exc.file, exc.message, exc.field, line, exc.column) from None
