"""Load the rule library (rules/**/*.yaml): parse with positions, validate the structure and every condition,
and return plain, immutable topic and criterion objects. Errors name the rule file and line."""
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, field_path, from_validation
from ..paths import rules_dir
from ..request.facts import fact_fields
from ..request.positions import load_file
from ..request.vocabulary import load_vocabulary
from . import conditions

RESULTS = ("met", "unmet", "not_documented")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CitationSpec(_Spec):
    guideline: Optional[str] = None
    section: Optional[str] = None
    pages: Optional[str] = None
    url: Optional[str] = None


class Confirmation(_Spec):
    source: Literal["seed_letter", "regulation", "secondary", "recalled"]
    note: str = Field(min_length=1)


class Example(_Spec):
    expect: Literal["met", "unmet", "not_documented"]
    request: dict = {}
    note: Optional[str] = None


class Rationale(_Spec):
    met: str = Field(min_length=1)
    unmet: str = Field(min_length=1)
    not_documented: str = Field(min_length=1)


class CapSpec(_Spec):
    fact: Literal["quantity", "visits_total", "prior_units_12m"]
    max: int = Field(ge=0)
    # guideline: the quantity the guideline supports; statute: a legal ceiling (Labor Code 4604.5) that does not
    # answer how many visits the guideline supports for the diagnosis.
    basis: Literal["guideline", "statute"] = "guideline"


class Effective(_Spec):
    from_: dt.date = Field(alias="from")
    to: Optional[dt.date] = None


class CriterionSpec(_Spec):
    id: str = Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
    title: str = Field(min_length=1)
    effect: Literal["requirement", "cap", "not_recommended", "informational"]
    effective: Optional[Effective] = None  # narrower than the topic's, e.g. when a cited regulation was re-lettered
    citation: CitationSpec = CitationSpec()
    applies_when: Optional[dict] = None
    condition: Optional[dict] = None  # requirement: must hold
    when: Optional[dict] = None  # not_recommended: the situation the guideline does not recommend it in
    cap: Optional[CapSpec] = None
    rationale: Rationale
    remedy: str = Field(min_length=1)
    confirmed_by: Confirmation
    examples: list[Example] = []


class Selector(_Spec):
    category: str
    when: Optional[dict] = None


class TopicSpec(_Spec):
    topic: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    edition: str = Field(min_length=1)
    tier: Literal["mtus", "non_mtus"]
    citation: CitationSpec
    letter_terms: list[str] = Field(min_length=1)
    effective: Effective
    applies_to: list[Selector] = Field(min_length=1)
    statement: str = Field(min_length=1)
    # true when the guideline recommends the treatment but gives no quantity (e.g. ACOEM-era physical therapy):
    # the quantity is then judged under the next guideline in the evidence search sequence.
    defers_quantity: bool = False
    criteria: list[CriterionSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Citation:
    guideline: str
    section: str
    pages: str  # "" when the guideline has no pages (web guidelines)
    tier: str  # mtus | non_mtus
    url: str = ""
    terms: tuple = ()  # phrases that name this guideline in a letter's guideline line

    def as_dict(self):
        return {"guideline": self.guideline, "section": self.section, "pages": self.pages, "tier": self.tier}


@dataclass(frozen=True)
class Criterion:
    id: str
    topic: str
    title: str
    effect: str
    citation: Citation
    applies_when: object  # condition AST or None
    condition: object  # condition AST: the criterion is met when it is true
    cap: object  # CapSpec or None
    rationale: dict  # result -> Jinja source
    remedy: str
    confirmed_by: Confirmation
    examples: tuple
    line: int
    effective_from: dt.date
    effective_to: object  # date or None

    @property
    def key(self):
        """Unique across the library even when editions share a criterion id: 'topic:ID@from'."""
        return f"{self.topic}:{self.id}@{self.effective_from.isoformat()}"

    def overlaps(self, other):
        return (self.effective_to is None or other.effective_from <= self.effective_to) and (
            other.effective_to is None or self.effective_from <= other.effective_to)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    edition: str
    tier: str
    citation: Citation
    letter_terms: tuple
    effective_from: dt.date
    effective_to: object  # date or None
    selectors: tuple  # ((category, when AST or None), ...)
    statement: str
    criteria: tuple
    file: str
    defers_quantity: bool = False

    def in_force(self, day):
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class Period:
    id: str
    label: str
    start: dt.date
    end: object  # date or None

    def contains(self, day):
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Library:
    version: str
    sha256: str
    tiers: tuple  # tier ids in evidence-search order
    tier_labels: dict
    topics: tuple
    periods: tuple = ()

    def period_for(self, day):
        """The MTUS period governing a review date, or None before the first."""
        return next((p for p in self.periods if p.contains(day)), None)

    def criteria(self):
        return [c for t in self.topics for c in t.criteria]

    def topic(self, topic_id):
        return next(t for t in self.topics if t.id == topic_id)


def _error(file, positions, loc, message):
    loc = tuple(loc)
    return InputError(file, message, field=field_path(loc), line=positions.line_of(loc))


def _cond(file, positions, spec, fields, loc):
    if spec is None:
        return None
    try:
        return conditions.parse(spec, fields, ())
    except conditions.ConditionError as exc:
        return_loc = tuple(loc) + exc.path
        raise _error(file, positions, return_loc, str(exc)) from None


def _citation(base, override, tier, terms):
    return Citation(guideline=override.guideline or base.guideline or "",
                    section=override.section or base.section or "",
                    pages=override.pages if override.pages is not None else (base.pages or ""),
                    tier=tier, url=override.url or base.url or "", terms=tuple(terms))


def load_topic(path, fields, categories):
    """Load and validate one topic file."""
    data, positions = load_file(path)
    if not isinstance(data, dict):
        raise InputError(path, "a topic file is a mapping")
    try:
        spec = TopicSpec.model_validate(data)
    except ValidationError as exc:
        raise from_validation(path, exc, positions) from None
    if not spec.citation.guideline or not spec.citation.section:
        raise _error(path, positions, ("citation",), "a topic citation needs guideline and section")
    if spec.effective.to is not None and spec.effective.to < spec.effective.from_:
        raise _error(path, positions, ("effective", "to"), "effective.to is before effective.from")
    selectors, seen = [], set()
    for i, sel in enumerate(spec.applies_to):
        if sel.category not in categories:
            raise _error(path, positions, ("applies_to", i, "category"), f"unknown category {sel.category!r}")
        if sel.category in seen:
            raise _error(path, positions, ("applies_to", i, "category"),
                         "one selector per category (combine alternatives with any:)")
        seen.add(sel.category)
        selectors.append((sel.category, _cond(path, positions, sel.when, fields, ("applies_to", i, "when"))))
    topic_cite = _citation(spec.citation, CitationSpec(), spec.tier, spec.letter_terms)
    criteria = []
    for i, c in enumerate(spec.criteria):
        loc = ("criteria", i)
        start, end = spec.effective.from_, spec.effective.to
        if c.effective is not None:
            start, end = c.effective.from_, c.effective.to
            if start < spec.effective.from_ or (spec.effective.to is not None and (end is None or end > spec.effective.to)) \
                    or (end is not None and end < start):
                raise _error(path, positions, loc + ("effective",), "a criterion's effective dates must lie within the topic's")
        if c.effect in ("requirement", "informational"):
            if c.condition is None or c.when is not None or c.cap is not None:
                raise _error(path, positions, loc, f"{'a requirement' if c.effect == 'requirement' else 'an informational criterion'} has a condition (and no when/cap)")
            cond = _cond(path, positions, c.condition, fields, loc + ("condition",))
        elif c.effect == "not_recommended":
            if c.when is None or c.condition is not None or c.cap is not None:
                raise _error(path, positions, loc, "a not_recommended criterion has a when (and no condition/cap)")
            cond = conditions.Not(_cond(path, positions, c.when, fields, loc + ("when",)))
        else:
            if c.cap is None or c.condition is not None or c.when is not None:
                raise _error(path, positions, loc, "a cap criterion has a cap (and no condition/when)")
            cond = conditions.Leaf(c.cap.fact, "lte", c.cap.max)
        expects = {e.expect for e in c.examples}
        if "met" not in expects or not expects & {"unmet", "not_documented"}:
            raise _error(path, positions, loc + ("examples",), "examples need one that meets the criterion and one that fails it")
        criteria.append(Criterion(
            id=c.id, topic=spec.topic, title=c.title, effect=c.effect, citation=_citation(spec.citation, c.citation, spec.tier, spec.letter_terms),
            applies_when=_cond(path, positions, c.applies_when, fields, loc + ("applies_when",)),
            condition=cond, cap=c.cap, rationale=c.rationale.model_dump(), remedy=c.remedy,
            confirmed_by=c.confirmed_by, examples=tuple(c.examples), line=positions.line_of(loc),
            effective_from=start, effective_to=end))
    return Topic(id=spec.topic, title=spec.title, edition=spec.edition, tier=spec.tier, citation=topic_cite,
                 letter_terms=tuple(spec.letter_terms), effective_from=spec.effective.from_,
                 effective_to=spec.effective.to, selectors=tuple(selectors), statement=spec.statement,
                 criteria=tuple(criteria), file=str(path), defers_quantity=spec.defers_quantity)


def topic_files(root):
    """Every topic file under root, sorted (library.yaml, vocabulary/, formulary/ and regression/ hold no topics)."""
    root = Path(root)
    return sorted(p for p in root.rglob("*.yaml") if p.name != "library.yaml"
                  and not {"vocabulary", "formulary", "regression"} & set(p.relative_to(root).parts))


def library_hash(root):
    """sha256 over every file under the rule directory (paths and contents, in sorted order)."""
    root = Path(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_library(root=None):
    """Load, validate and return the whole rule library; ids must be unique across files."""
    root = Path(root) if root else rules_dir()
    meta, meta_pos = load_file(root / "library.yaml")
    try:
        version = str(meta["version"])
        tiers = tuple(t["id"] for t in meta["tiers"])
        labels = {t["id"]: t["label"] for t in meta["tiers"]}
        periods = tuple(Period(p["id"], p["label"], p["from"], p["to"]) for p in meta["periods"])
    except (KeyError, TypeError):
        raise InputError(root / "library.yaml", "needs version, tiers [{id, label}] and periods [{id, label, from, to}]",
                         line=1) from None
    vocab = load_vocabulary(str(root))
    fields = fact_fields(vocab)
    topics, topic_ids, crit_ids = [], {}, {}
    for path in topic_files(root):
        topic = load_topic(path, fields, vocab.categories)
        if topic.id in topic_ids:
            raise InputError(path, f"topic id {topic.id!r} is also used in {topic_ids[topic.id]}", field="topic", line=1)
        topic_ids[topic.id] = path
        for crit in topic.criteria:
            # editions may share a criterion id for the same idea, but never in force at the same time
            for other, other_path in crit_ids.get(crit.id, []):
                if crit.overlaps(other):
                    raise InputError(path, f"criterion id {crit.id!r} is also used in {other_path} for overlapping dates",
                                     field="criteria.id", line=crit.line)
            crit_ids.setdefault(crit.id, []).append((crit, path))
        topics.append(topic)
    return Library(version=version, sha256=library_hash(root), tiers=tiers, tier_labels=labels, topics=tuple(topics),
                   periods=periods)
