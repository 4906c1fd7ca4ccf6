"""The problems `rules lint` finds, in one form (`error: FILE:LINE:COL: where: message`), sorted, and as JSON for
editors or SARIF 2.1.0 for code-review annotations."""
import json
from dataclasses import asdict, dataclass

from ..errors import shown_path

RULES = {  # SARIF rule ids: what kind of mistake
    "yaml": "the file is not valid YAML",
    "structure": "a key, value or shape the rule format does not allow",
    "condition": "a condition names an unknown fact or operator, or a value of the wrong type",
    "template": "a Jinja sentence does not parse or names an undefined variable",
    "example": "an example is not a valid request, or the examples do not cover met and failed",
    "citation": "a citation is incomplete",
    "reference": "an id or name that is used twice or refers to nothing",
    "comment": "text YAML drops as a comment",
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: object  # int or None
    column: object  # int or None
    where: str  # the field path in the file
    message: str
    rule: str = "structure"  # a key of RULES
    severity: str = "error"  # error | warning

    @classmethod
    def of(cls, err, rule=None, severity="error"):
        """The problem an InputError describes (its kind guessed from where and what it says when not given)."""
        return cls(shown_path(err.file), err.line, err.column, err.field or "(file)", err.message,
                   rule or _kind(err.field or "", err.message), severity)

    def one_line(self):
        at = self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.line and self.column else "")
        return f"{self.severity}: {at}: {self.where}: {self.message}"


def _kind(field, message):
    if message.startswith(("malformed YAML", "duplicate key", "not a valid value")):
        return "yaml"
    if "also used in" in message or "unknown topic" in message:
        return "reference"
    if "unknown fact" in message or "operator" in message or any(
            f".{k}" in f".{field}" for k in ("condition", "when", "applies_when")):
        return "condition"
    if "examples" in field:
        return "example"
    return "structure"


def ordered(problems):
    """Without repeats, by file, line, column and message."""
    unique = {p.one_line(): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.file, p.line or 0, p.column or 0, p.message))


def as_text(problems, summary):
    return "".join(p.one_line() + "\n" for p in problems) + summary + "\n"


def as_json(problems, summary):
    return json.dumps({"summary": summary, "problems": [asdict(p) for p in problems]}, indent=2) + "\n"


def as_sarif(problems, summary, version=""):
    """SARIF 2.1.0: one run, a rule per kind of mistake, a result per problem with its file, line and column."""
    results = []
    for p in problems:
        region = {k: v for k, v in (("startLine", p.line), ("startColumn", p.column)) if v}
        location = {"artifactLocation": {"uri": p.file}}
        if region:
            location["region"] = region
        results.append({"ruleId": p.rule, "level": p.severity, "message": {"text": f"{p.where}: {p.message}"},
                        "locations": [{"physicalLocation": location}]})
    driver = {"name": "mtus-check rules lint", "version": version, "informationUri": "docs/rule-format.md",
              "rules": [{"id": k, "shortDescription": {"text": v}} for k, v in RULES.items()]}
    return json.dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
                       "runs": [{"tool": {"driver": driver}, "results": results,
                                 "properties": {"summary": summary}}]}, indent=2) + "\n"


FORMATS = {"text": as_text, "json": as_json, "sarif": as_sarif}
