"""Errors a user can act on: each names the file, the field and, where known, the line and column, and an unknown
name comes with the closest known one. Messages never repeat a value the input gave (requests hold health
information): they say what was expected."""
import difflib
import re
import typing
from pathlib import Path


class InputError(Exception):
    """Bad input (request file or rule library). The CLI prints it on one line and exits 2."""

    def __init__(self, file, message, field=None, line=None, column=None):
        self.file = str(file)
        self.field = field
        self.line = line
        self.column = column
        self.message = message
        super().__init__(self.one_line())

    def __reduce__(self):  # across processes (a batch's workers) as a plain InputError with every part
        return InputError, (self.file, self.message, self.field, self.line, self.column)

    def one_line(self):
        where = self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.line and self.column else "")
        field = f" {safe_field(self.field)}:" if self.field else ""
        return "".join(ch if ch.isprintable() else "?" for ch in f"{where}:{field} {self.message}")  # one line


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}|\d+|\(top level\)")


def safe_field(field):
    """A field path as printed: a key that is not a plain name (it may be text a request gave) shows as <key>."""
    return re.sub(r"[^.\[\]]+", lambda m: m.group() if _KEY.fullmatch(m.group()) else "<key>", str(field))


def shown_path(path):
    """A file's path as a report shows it: relative to the working folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)


def closest(name, known):
    """The known name nearest to `name` (a misspelling, or a dotted path written with '_'), or None."""
    known = [str(k) for k in known]

    def norm(text):
        return re.sub(r"[._ -]+", "_", str(text).lower())
    same = [k for k in known if norm(k) == norm(name)]
    if same:
        return same[0]
    found = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(name, known):
    """'; did you mean X?' when a known name is close to `name`, else ''."""
    match = closest(name, known)
    return f"; did you mean {match}?" if match else ""


def field_path(loc):
    """A validation location as a field path: ('items', 0, 'category') -> 'items[0].category'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "constrained-")):
            out += ("." if out else "") + (str(part) if _KEY.fullmatch(str(part)) else "<key>")
    return out or "(top level)"


_VALIDATOR = re.compile(r"[a-z][a-z-]*\[.*\]")  # pydantic's step names: function-after[...], list[...]


def _location(err):
    # pydantic inserts validator names such as 'function-after[...]' into a location; 'from_' is the alias 'from';
    # a model's own check names the field at fault in its context ('at')
    loc = tuple("from" if p == "from_" else p for p in err["loc"] if not (isinstance(p, str) and _VALIDATOR.fullmatch(p)))
    return loc + tuple((err.get("ctx") or {}).get("at", ()))


def _model_in(annotation):
    """The pydantic model an annotation holds (X, Optional[X], list[X], Annotated[X, ...]), or None."""
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    return next((m for m in map(_model_in, typing.get_args(annotation)) if m is not None), None)


def _fields(model):
    return {info.alias or name: info for name, info in model.model_fields.items()}


def model_at(model, loc):
    """The model whose mapping sits at `loc` under `model` (None where the location leaves the models)."""
    for part in loc:
        if model is None:
            return None
        if not isinstance(part, int):
            info = _fields(model).get(part)
            model = _model_in(info.annotation) if info is not None else None
    return model


def _flow(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def shape(model):
    """What a model's mapping looks like, in YAML flow style: its declared example, else its first keys."""
    examples = (model.model_config.get("json_schema_extra") or {}).get("examples")
    if examples:
        return _flow(examples[0])
    return "{" + ", ".join(f"{k}: ..." for k in list(_fields(model))[:4]) + "}"


def _field_hint(key, model):
    """The field of `model` (or of a model inside it, as a dotted path) that an unknown key probably meant."""
    direct = list(_fields(model))
    nested = [f"{name}.{sub}" for name, info in _fields(model).items()
              if (inner := _model_in(info.annotation)) is not None for sub in _fields(inner)]
    norm = key.lower().replace("-", "_")
    exact = [n for n in nested if n.replace(".", "_") == norm]
    return exact[0] if exact else closest(key, direct) or closest(key, nested)


def _message(err, loc, root):
    kind = err["type"]
    if kind == "extra_forbidden":
        if not loc:
            return "unknown field"
        hint = _field_hint(str(loc[-1]), model_at(root, loc[:-1])) if root and model_at(root, loc[:-1]) else None
        return "unknown field" + (f"; did you mean {hint}?" if hint else "")
    model = model_at(root, loc) if root else None
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "expected a mapping" + (f" like {shape(model)}" if model else "")
    if kind == "list_type":
        return "expected a list" + (f" of mappings like {shape(model)}" if model else " ([a, b], or one '- ' entry a line)")
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        return "not in the expected form"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
        hint = did_you_mean(err["input"], choices) if isinstance(err.get("input"), str) else ""
        return f"expected one of {', '.join(choices)}{hint}" if choices else err["msg"]
    return re.sub(r"^(Value error|Assertion failed), ", "", err["msg"])


def _described(exc, root):
    """(location, message) of every error, an unknown key's suggestion standing for the missing field it names."""
    out = [(_location(e), _message(e, _location(e), root)) for e in exc.errors()]
    meant = {loc[:-1] + (m.split("did you mean ", 1)[1].rstrip("?"),) for loc, m in out if "did you mean" in m}
    return [(loc, m) for loc, m in out if not (m == "required field is missing" and loc in meant)]


def _at(file, loc, message, positions):
    line = positions.line_of(loc) if positions is not None else None
    column = positions.column_of(loc) if hasattr(positions, "column_of") else None
    return InputError(file, message, field=field_path(loc), line=line, column=column)


def validation_errors(file, exc, positions=None, model=None, prefix=()):
    """Every error of a pydantic ValidationError as an InputError (field path, line, column, what was expected).
    `model` is the validated class (for the closest field and the expected shape); `prefix` locates it in the file."""
    return [_at(file, tuple(prefix) + loc, message, positions) for loc, message in _described(exc, model)]


def from_validation(file, exc, positions=None, model=None):
    """The InputError for a pydantic ValidationError: its first error, naming the fields of the others."""
    # an unknown key first: a misspelt field is the likeliest cause of the "missing" errors beside it
    described = sorted(_described(exc, model), key=lambda e: not e[1].startswith("unknown field"))
    loc, msg = described[0]
    others = sorted({field_path(other) for other, _ in described[1:]} - {field_path(loc)})
    if others:
        msg += f" (also: {', '.join(others[:5])}{', ...' if len(others) > 5 else ''})"
    return _at(file, loc, msg, positions)
