"""YAML/JSON loading that remembers where each value came from, so errors can name a line."""
import json
from pathlib import Path

import yaml

from ..errors import InputError


class Positions(dict):
    """Maps a field path (tuple of keys and indexes) to its 1-based line in the source file."""

    def line_of(self, path):
        path = tuple(path)
        while path:
            if path in self:
                return self[path]
            path = path[:-1]
        return self.get((), None)


def _construct(node, path, positions, file):
    positions[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, file)
            if key in out:
                raise InputError(file, f"duplicate key {key!r}", line=key_node.start_mark.line + 1)
            out[key] = _construct(value_node, path + (key,), positions, file)
            positions[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path + (i,), positions, file) for i, v in enumerate(node.value)]
    return _scalar(node, file)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ~10x faster


def _scalar(node, file):
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(file, "mapping keys must be plain values", line=node.start_mark.line + 1)
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise InputError(file, f"bad value {node.value!r}: {exc}", line=node.start_mark.line + 1) from None


def parse_text(text, file):
    """Parse YAML (JSON is YAML too) and return (data, Positions)."""
    positions = Positions()
    if str(file).endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(file, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
        try:  # JSON is (nearly always) YAML too: compose it for the lines of the fields
            _construct(yaml.compose(text, Loader=_LOADER), (), positions, file)
        except (yaml.YAMLError, InputError, AttributeError):
            positions.clear()
        return data, positions
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(file, f"malformed YAML: {problem}", line=mark.line + 1 if mark else None) from None
    if node is None:
        return None, positions
    return _construct(node, (), positions, file), positions


def load_file(path):
    """Read and parse a YAML or JSON file; a missing or unreadable file is an InputError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read file: {exc.__class__.__name__}") from None
    return parse_text(text, path)
