"""Errors a user can act on: each names the file, the field and, where known, the line."""


class InputError(Exception):
    """Bad input (request file or rule library). The CLI prints it on one line and exits 2."""

    def __init__(self, file, message, field=None, line=None):
        self.file = str(file)
        self.field = field
        self.line = line
        self.message = message
        super().__init__(self.one_line())

    def one_line(self):
        where = self.file + (f":{self.line}" if self.line else "")
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


def field_path(loc):
    """A validation location as a field path: ('items', 0, 'category') -> 'items[0].category'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "constrained-")):
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _location(err):
    # pydantic inserts validator names such as 'function-after[...]' into a location; 'from_' is the alias 'from'
    return tuple("from" if p == "from_" else p for p in err["loc"] if not (isinstance(p, str) and "[" in p))


def from_validation(file, exc, positions=None):
    """The InputError for a pydantic ValidationError: its first error with the field path and line, and the paths
    of the others."""
    errors = exc.errors()
    loc = _location(errors[0])
    msg = "unknown field" if errors[0]["type"] == "extra_forbidden" else errors[0]["msg"]
    others = sorted({field_path(_location(e)) for e in errors[1:]} - {field_path(loc)})
    if others:
        msg += f" (also: {', '.join(others[:5])}{', ...' if len(others) > 5 else ''})"
    line = positions.line_of(loc) if positions is not None else None
    return InputError(file, msg, field=field_path(loc), line=line)
