"""YAML/JSON loading that remembers where each value came from, so errors can name a line and column; it also
warns of text that YAML silently drops as a comment (an unquoted ' #90' after a value)."""
import json
import re

import yaml

from ..errors import InputError, field_path
from . import gate


class Positions(dict):
    """Maps a field path (tuple of keys and indexes) to its 1-based line in the source file; `columns` holds the
    1-based columns, `warnings` (path, message) pairs."""

    def __init__(self):
        super().__init__()
        self.columns = {}
        self.warnings = []
        self.lines = ()  # the source text's lines, for the comment check

    def clear(self):
        super().clear()
        self.columns.clear()
        self.warnings.clear()

    def _known(self, path):
        path = tuple(path)
        while path and path not in self:
            path = path[:-1]
        return path

    def line_of(self, path):
        return self.get(self._known(path))

    def column_of(self, path):
        return self.columns.get(self._known(path))


_CUT = re.compile(r"\s+#\S")  # ' #90': a comment to YAML, though it reads as part of the text


def _comment_check(node, path, positions):
    end = node.end_mark
    if not node.style and end.line < len(positions.lines) and _CUT.match(positions.lines[end.line], end.column):
        positions.warnings.append((path, "the text after ' #' is read as a YAML comment and dropped; "
                                         "put the whole value in quotes to keep it"))


def _construct(node, path, positions, file, limits=gate.DATA):
    positions[path] = node.start_mark.line + 1
    positions.columns[path] = node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, file, limits)
            try:
                seen = key in out
            except TypeError:  # a key that is a mapping or list in disguise (a tagged scalar)
                raise InputError(file, "mapping keys must be plain values", line=key_node.start_mark.line + 1) from None
            if seen:
                raise InputError(file, "duplicate key", field=_name(key), line=key_node.start_mark.line + 1)
            out[key] = _construct(value_node, path + (key,), positions, file, limits)
            positions[path + (key,)] = key_node.start_mark.line + 1
            positions.columns[path + (key,)] = key_node.start_mark.column + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path + (i,), positions, file, limits) for i, v in enumerate(node.value)]
    _comment_check(node, path, positions)
    return _scalar(node, file, limits)


def _name(key):
    return field_path((key,)) if isinstance(key, str) else None


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ~10x faster


def _scalar(node, file, limits):
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(file, "mapping keys must be plain values", line=line)
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except Exception:  # a malformed tagged value (!!timestamp x, !!int 1e, !!binary ~) raises many types
        tag = node.tag.rsplit(":", 1)[-1]
        raise InputError(file, f"not a valid value of its type ({tag})", line=line) from None
    gate.check_number(value, file, limits, line)
    return value


def _json(text, file, limits):
    def pairs(items):
        out = {}
        for key, value in items:
            if key in out:
                raise InputError(file, "duplicate key", field=_name(key))
            out[key] = value
        return out

    def number(kind):
        def parse(literal):
            if len(literal) > gate.MAX_NUMBER_DIGITS:
                raise InputError(file, f"a number has more than {gate.MAX_NUMBER_DIGITS} digits")
            value = kind(literal)
            gate.check_number(value, file, limits)
            return value
        return parse

    def constant(_):
        raise InputError(file, "infinite or not-a-number values are not accepted")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_int=number(int), parse_float=number(float),
                          parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError(file, f"malformed JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise InputError(file, f"nested deeper than {limits.max_depth} levels (the {limits.kind} limit)") from None


def parse_json(text, file, limits=gate.DATA):
    """Parse JSON alone (a line of a JSON Lines file): no field lines to record, so no YAML pass; the caller checks
    the tree against the limits (parse_request does)."""
    return _json(text, file, limits), Positions()


def parse_text(text, file, limits=gate.DATA):
    """Parse YAML (JSON is YAML too) within the limits and return (data, Positions)."""
    positions = Positions()
    gate.scan_yaml(text, file, limits)  # before anything is built: aliases and nesting within the limits
    if str(file).endswith(".json"):
        try:  # JSON is (nearly always) YAML too: compose it for the lines of the fields
            _construct(yaml.compose(text, Loader=_LOADER), (), positions, file, limits)
        except InputError as exc:
            if exc.message == "duplicate key":  # JSON duplicate keys are refused, as in YAML (with the line)
                raise
            positions.clear()
        except (yaml.YAMLError, AttributeError):
            positions.clear()
        data = _json(text, file, limits)
        gate.check_tree(data, file, limits, positions)
        return data, positions
    positions.lines = text.splitlines()
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problem = " ".join(re.sub(r"'[^']*'|\"[^\"]*\"|#x[0-9a-fA-F]+", "", problem).split())  # no input text
        raise InputError(file, f"malformed YAML: {problem}", line=mark.line + 1 if mark else None,
                         column=mark.column + 1 if mark else None) from None
    if node is None:
        return None, positions
    return _construct(node, (), positions, file, limits), positions


def load_file(path, limits=gate.DATA):
    """Read (through the input gate) and parse a YAML or JSON file."""
    return parse_text(gate.read_text(path, limits), path, limits)
