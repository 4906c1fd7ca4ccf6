"""Load the rule library (rules/**/*.yaml): parse with positions, validate the structure and every condition,
and return plain, immutable topic and criterion objects. Errors name the rule file, line and column; loading goes on
past an error (per file, per criterion, per condition) so that one run finds them all."""
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, did_you_mean, field_path, validation_errors
from ..paths import rules_dir
from ..request import gate
from ..request.facts import fact_fields
from ..request.positions import load_file
from ..request.vocabulary import load_vocabulary
from . import conditions

RESULTS = ("met", "unmet", "not_documented")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)  # built on first use


class CitationSpec(_Spec):
    guideline: Optional[str] = None
    section: Optional[str] = None
    pages: Optional[str] = None
    url: Optional[str] = None


class Confirmation(_Spec):
    source: Literal["seed_letter", "imr_letter", "regulation", "secondary", "recalled"]
    note: str = Field(min_length=1)
    # imr_letter: a real IMR letter quoting the guideline: the case number(s) and the words quoted
    letters: list[str] = []
    quote: Optional[str] = None
    # secondary: the public page or document that quotes the guideline's words (a published IMR or IRO decision)
    url: Optional[str] = None


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
    from_: Optional[dt.date] = Field(None, alias="from")
    to: Optional[dt.date] = None


class CriterionSpec(_Spec):
    id: str = Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
    title: str = Field(min_length=1)
    effect: Literal["requirement", "expected", "cap", "not_recommended", "informational"]
    effective: Optional[Effective] = None  # narrower than the topic's: a criterion added or withdrawn on a date
    # expected: documentation the guideline expects (the report asks for it) that does not decide the item;
    # `why` gives the guideline's wording that makes it so
    why: Optional[str] = None
    # not_recommended: the guideline's own word for it
    status: Literal["not_recommended", "under_study"] = "not_recommended"
    # true when the criterion denies on a documented contraindication: without it on record there is nothing to
    # deny on, so it is the one kind of criterion an unknown may switch off (the unknowns test lists them)
    contraindication: bool = False
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


class TopicHead(_Spec):
    """A topic file without its criteria (they are validated one by one)."""
    topic: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    edition: str = Field(min_length=1)  # an edition of library.yaml; tier and dates come from it
    supersedes: list[str] = []  # topics of older editions this one replaces from its first day
    citation: CitationSpec
    letter_terms: list[str] = Field(min_length=1)
    effective: Effective = Effective()  # narrower than the edition's span (and its successors')
    applies_to: list[Selector] = Field(min_length=1)
    statement: str = Field(min_length=1)
    # true when the guideline recommends the treatment but gives no quantity (e.g. ACOEM-era physical therapy):
    # the quantity is then judged under the next guideline in the evidence search sequence.
    defers_quantity: bool = False


class TopicSpec(TopicHead):
    criteria: list[CriterionSpec] = Field(min_length=1)


class Withdrawal(_Spec):
    topic: str
    reason: str = Field(min_length=1)  # why, with the new edition's own words or citation


class EditionSpec(_Spec):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: str = Field(min_length=1)
    tier: Literal["mtus", "non_mtus"]
    guideline: str = Field(min_length=1)  # the citation title of its topics, as letters write it
    from_: dt.date = Field(alias="from")
    to: Optional[dt.date] = None
    replaces: Optional[str] = None  # the edition it replaced: that edition's topics carry forward into this one
    withdraws: list[Withdrawal] = []  # topics of the replaced edition that do not carry forward


@dataclass(frozen=True)
class Edition:
    id: str
    label: str
    tier: str
    guideline: str
    start: dt.date
    end: object  # date or None
    replaces: object  # edition id or None
    withdraws: dict  # topic id -> reason


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
    why: str = ""  # expected criteria: the guideline's wording that makes it documentation to ask for, not decide on
    written_for: object = None  # the first day the criterion is in force (its examples' dates are relative to it)
    contraindication: bool = False
    status: str = "not_recommended"  # not_recommended criteria: not_recommended | under_study
    example_lines: tuple = ()  # the line of each example in the rule file

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
    origin: str = ""  # the edition the topic was written for, when it carries forward into a later one

    @property
    def advisory(self):
        """A topic of informational criteria and statutory ceilings only (the drug formulary, Labor Code 4604.5)
        binds or annotates an item that a guideline decides, but never decides or addresses one by itself."""
        return all(c.effect == "informational" or (c.effect == "cap" and c.cap.basis == "statute") for c in self.criteria)

    @property
    def key(self):
        """Unique across the library: a topic carried through several editions has one key per span."""
        return f"{self.id}@{self.effective_from.isoformat()}"

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
    editions: tuple = ()
    vocabulary: object = field(default=None, compare=False, repr=False)  # the library's own (rules/vocabulary/)
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # per-library precomputed indexes

    def period_for(self, day):
        """The MTUS period governing a review date, or None before the first."""
        return next((p for p in self.periods if p.contains(day)), None)

    def criteria(self):
        return [c for t in self.topics for c in t.criteria]

    def topic(self, topic_id, day=None):
        """A topic by id (its span in force on `day`, else its first)."""
        spans = [t for t in self.topics if t.id == topic_id]
        return next((t for t in spans if day is not None and t.in_force(day)), spans[0])

    def edition(self, edition_id):
        return next(e for e in self.editions if e.id == edition_id)


class LibraryErrors(InputError):
    """Every problem found while loading a rule library, sorted by file and line; it reads as the first."""

    def __init__(self, errors):
        first = errors[0]
        super().__init__(first.file, first.message, first.field, first.line, first.column)
        self.errors = tuple(errors)


def sorted_errors(errors):
    """Errors without repeats (a topic carried through editions reports its problem once per span), in file order."""
    unique = {e.one_line(): e for e in errors}
    return sorted(unique.values(), key=lambda e: (e.file, e.line or 0, e.column or 0, e.message))


def _error(file, positions, loc, message):
    loc = tuple(loc)
    return InputError(file, message, field=field_path(loc), line=positions.line_of(loc),
                      column=positions.column_of(loc) if hasattr(positions, "column_of") else None)


def _cond(file, positions, spec, fields, loc, report):
    """A condition's AST, or None (none given, or its problem added to `report`)."""
    if spec is None:
        return None
    try:
        return conditions.parse(spec, fields, ())
    except conditions.ConditionError as exc:
        report.append(_error(file, positions, tuple(loc) + exc.path, str(exc)))
        return None


def _citation(base, override, tier, terms):
    return Citation(guideline=override.guideline or base.guideline or "",
                    section=override.section or base.section or "",
                    pages=override.pages if override.pages is not None else (base.pages or ""),
                    tier=tier, url=override.url or base.url or "", terms=tuple(terms))


_DAY = dt.timedelta(days=1)
_NOT_DATED = ("examples",)  # example requests are request data, never dated values


def _key_day(key, editions):
    return key if isinstance(key, dt.date) else editions[key].start


def _is_dated(node, editions):
    """A dated value: a mapping whose keys are all dates or edition ids ({2009-07-18: a, cpmtg-2016: b})."""
    return isinstance(node, dict) and bool(node) and all(
        isinstance(k, dt.date) or (isinstance(k, str) and k in editions) for k in node)


def _change_days(node, editions, out):
    if _is_dated(node, editions):
        out.update(_key_day(k, editions) for k in node)
        for value in node.values():
            _change_days(value, editions, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in _NOT_DATED:
                _change_days(value, editions, out)
    elif isinstance(node, list):
        for value in node:
            _change_days(value, editions, out)
    return out


class _Undated(Exception):
    def __init__(self, loc):
        self.loc = loc


def _resolve(node, day, editions, loc=()):
    """The topic data as in force on `day`: every dated value replaced by the value of its latest date <= day."""
    if _is_dated(node, editions):
        due = [(d, k) for k in node if (d := _key_day(k, editions)) <= day]
        if not due:
            raise _Undated(loc)
        key = max(due, key=lambda x: x[0])[1]
        return _resolve(node[key], day, editions, loc + (key,))
    if isinstance(node, dict):
        return {k: (v if k in _NOT_DATED else _resolve(v, day, editions, loc + (k,))) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, day, editions, loc + (i,)) for i, v in enumerate(node)]
    return node


@dataclass(frozen=True)
class _Header:
    """What a topic file says about where it stands among editions, read before the rest is resolved."""
    path: object
    data: dict
    positions: object
    id: str
    edition: object  # Edition
    supersedes: tuple
    start: dt.date
    end: object  # the date given by effective.to, or None
    explicit_end: bool


def _header(path, editions, report):
    """The header of a topic file, or None with its problem added to `report` (the file is then skipped)."""
    try:
        return _read_header(path, editions)
    except InputError as exc:
        report.append(exc)
        return None


def _read_header(path, editions):
    data, positions = load_file(path)
    if not isinstance(data, dict):
        raise InputError(path, "a topic file is a mapping")
    topic_id, edition_id = data.get("topic"), data.get("edition")
    if not isinstance(topic_id, str):
        raise _error(path, positions, ("topic",), "a topic file needs topic: <id>")
    if edition_id not in editions:
        raise _error(path, positions, ("edition",), f"unknown edition{did_you_mean(edition_id, editions)} "
                     f"(editions are declared in rules/library.yaml: {', '.join(sorted(editions))})")
    edition = editions[edition_id]
    effective = data.get("effective") or {}
    supersedes = data.get("supersedes") or []
    if not isinstance(effective, dict) or not isinstance(supersedes, list):
        raise _error(path, positions, ("effective",), "effective is {from, to}; supersedes a list of topic ids")
    start = effective.get("from") or edition.start
    end = effective.get("to")
    if not isinstance(start, dt.date) or (end is not None and not isinstance(end, dt.date)):
        raise _error(path, positions, ("effective",), "effective dates are YYYY-MM-DD")
    if start < edition.start or (edition.end is not None and start > edition.end):
        raise _error(path, positions, ("effective", "from"), f"effective.from lies outside edition {edition.id}")
    if end is not None and end < start:
        raise _error(path, positions, ("effective", "to"), "effective.to is before effective.from")
    return _Header(path, data, positions, topic_id, edition, tuple(supersedes), start, end, "to" in effective)


def _spans(header, editions, successors, superseded_on):
    """(edition, from, to) spans of a topic: its own edition, then every edition that replaced it, until one
    withdraws it, another topic supersedes it, or its own effective.to."""
    spans, edition, start = [], header.edition, header.start
    while True:
        end = edition.end
        if header.explicit_end and (end is None or (header.end is not None and header.end <= end)):
            spans.append((edition, start, header.end))
            break
        spans.append((edition, start, end))
        successor = successors.get(edition.id)
        if successor is None or header.id in successor.withdraws or end is None:
            break
        edition, start = successor, successor.start
    cut = superseded_on.get(header.id)
    if cut is not None:
        spans = [(e, a, b if b is not None and b < cut else cut - _DAY) for e, a, b in spans if a < cut]
    return spans


def _segments(header, spans, editions):
    """The spans split wherever a dated value of the topic changes."""
    days = _change_days(header.data, editions, set())
    out = []
    for edition, start, end in spans:
        cuts = sorted(d for d in days if start < d and (end is None or d <= end))
        bounds = [start] + cuts
        for i, a in enumerate(bounds):
            b = bounds[i + 1] - _DAY if i + 1 < len(bounds) else end
            out.append((edition, a, b))
    return out


def build_topic(header, data, fields, categories, edition, start, end, overall, report):
    """One span of a topic: its data resolved for the span, validated, conditions parsed. Problems go to
    `report`; a criterion or selector with one is left out, and the topic is None when its own fields have one."""
    path, positions = header.path, header.positions
    count = len(report)

    def problem(loc, message):
        report.append(_error(path, positions, loc, message))

    spec = None
    try:
        spec = TopicHead.model_validate({k: v for k, v in data.items() if k != "criteria"})
    except ValidationError as exc:
        report.extend(validation_errors(path, exc, positions, TopicHead))
        for i, sel in enumerate(data.get("applies_to") if isinstance(data.get("applies_to"), list) else []):
            if isinstance(sel, dict) and isinstance(sel.get("when"), dict):  # checked all the same
                _cond(path, positions, sel["when"], fields, ("applies_to", i, "when"), report)
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        problem(("criteria",), "a topic needs criteria: a list of one or more criteria")
        raw_criteria = []
    selectors = []
    if spec is not None:
        if not spec.citation.section:
            problem(("citation",), "a topic citation needs a section")
        seen = set()
        for i, sel in enumerate(spec.applies_to):
            loc = ("applies_to", i, "category")
            when = _cond(path, positions, sel.when, fields, ("applies_to", i, "when"), report)
            if sel.category not in categories:
                problem(loc, f"unknown category {sel.category!r}{did_you_mean(sel.category, categories)} "
                             f"(categories are declared in rules/vocabulary/)")
            elif sel.category in seen:
                problem(loc, "one selector per category (combine alternatives with any:)")
            elif sel.when is None or when is not None:
                selectors.append((sel.category, when))
            seen.add(sel.category)
    criteria = [c for i, raw in enumerate(raw_criteria)
                if (c := _criterion(header, raw, i, spec, fields, edition, start, end, overall, report)) is not None]
    # with problems reported, what loaded is still returned: lint checks it further (loading then fails anyway)
    if spec is None or not selectors:
        return None
    if not criteria:
        if len(report) == count:
            problem(("criteria",), f"no criterion is in force from {start.isoformat()}")
        return None
    return Topic(id=spec.topic, title=spec.title, edition=edition.id, tier=edition.tier,
                 citation=_citation(_base_citation(spec, edition), CitationSpec(), edition.tier, spec.letter_terms),
                 letter_terms=tuple(spec.letter_terms), effective_from=start, effective_to=end,
                 selectors=tuple(selectors), statement=spec.statement, criteria=tuple(criteria), file=str(path),
                 defers_quantity=spec.defers_quantity,
                 origin=header.edition.id if header.edition.id != edition.id else "")


def _base_citation(spec, edition):
    return spec.citation.model_copy(update={"guideline": spec.citation.guideline or edition.guideline})


def _criterion(header, raw, i, spec, fields, edition, start, end, overall, report):
    """Criterion i of a topic span, or None: not in force in the span, or with its problems added to `report`."""
    path, positions = header.path, header.positions
    loc = ("criteria", i)
    count = len(report)
    try:
        c = CriterionSpec.model_validate(raw)
    except ValidationError as exc:
        report.extend(validation_errors(path, exc, positions, CriterionSpec, loc))
        for key in ("applies_when", "condition", "when"):  # its conditions are checked all the same
            if isinstance(raw, dict) and isinstance(raw.get(key), dict):
                _cond(path, positions, raw[key], fields, loc + (key,), report)
        return None
    own_from = c.effective.from_ if c.effective else None
    own_to = c.effective.to if c.effective else None
    if (own_from is not None and (own_from < overall[0] or (overall[1] is not None and own_from > overall[1]))) \
            or (own_to is not None and own_to < (own_from or overall[0])):
        report.append(_error(path, positions, loc + ("effective",), "a criterion's effective dates must lie within the topic's"))
        return None
    c_from = max(own_from or start, start)
    ends = [d for d in (own_to, end) if d is not None]
    c_to = min(ends) if ends else None
    if c_to is not None and c_to < c_from:
        return None  # not in force in this span
    cond = _criterion_condition(path, positions, c, fields, loc, report)
    applies_when = _cond(path, positions, c.applies_when, fields, loc + ("applies_when",), report)
    expects = {e.expect for e in c.examples}
    if "met" not in expects or not expects & {"unmet", "not_documented"}:
        report.append(_error(path, positions, loc + ("examples",), "examples need one that meets the criterion and one that fails it"))
    if c.effect == "expected" and not c.why:
        report.append(_error(path, positions, loc, "an expected criterion says why it does not decide (why: the guideline's wording)"))
    if len(report) > count or spec is None:
        return None
    return Criterion(
        id=c.id, topic=spec.topic, title=c.title, effect=c.effect,
        citation=_citation(_base_citation(spec, edition), c.citation, edition.tier, spec.letter_terms),
        applies_when=applies_when, condition=cond, cap=c.cap, rationale=c.rationale.model_dump(), remedy=c.remedy,
        confirmed_by=c.confirmed_by, examples=tuple(c.examples), line=positions.line_of(loc),
        effective_from=c_from, effective_to=c_to, why=c.why or "", status=c.status,
        written_for=own_from or overall[0], contraindication=c.contraindication,
        example_lines=tuple(positions.line_of(loc + ("examples", j)) for j in range(len(c.examples))))


def _criterion_condition(path, positions, c, fields, loc, report):
    def wrong(message):
        report.append(_error(path, positions, loc + ("effect",), message))

    if c.effect in ("requirement", "expected", "informational"):
        if c.condition is None or c.when is not None or c.cap is not None:
            return wrong(f"a{'n' if c.effect != 'requirement' else ''} {c.effect} criterion has a condition (and no when/cap)")
        return _cond(path, positions, c.condition, fields, loc + ("condition",), report)
    if c.effect == "not_recommended":
        if c.when is None or c.condition is not None or c.cap is not None:
            return wrong("a not_recommended criterion has a when (and no condition/cap)")
        when = _cond(path, positions, c.when, fields, loc + ("when",), report)
        return None if when is None else conditions.Not(when)
    if c.cap is None or c.condition is not None or c.when is not None:
        return wrong("a cap criterion has a cap (and no condition/when)")
    return conditions.Leaf(c.cap.fact, "lte", c.cap.max)


def _carried(raw, data, editions):
    """A span in a later edition than the topic's own: the guideline is that edition's and the older edition's
    page numbers do not apply, unless the topic gives dated values for them."""
    def fix(raw_cite, cite):
        cite = dict(cite or {})
        raw_cite = raw_cite or {}
        if not _is_dated(raw_cite.get("guideline"), editions):
            cite.pop("guideline", None)
        if "pages" in cite and not _is_dated(raw_cite.get("pages"), editions):
            cite["pages"] = ""
        return cite
    data = dict(data, citation=fix(raw.get("citation"), data.get("citation")))
    criteria = []
    for raw_c, c in zip(raw.get("criteria") or [], data.get("criteria") or []):
        if isinstance(c, dict) and "citation" in c:
            c = dict(c, citation=fix(raw_c.get("citation") if isinstance(raw_c, dict) else None, c["citation"]))
        criteria.append(c)
    return dict(data, criteria=criteria)


def load_topics(path, header, fields, categories, editions, successors, superseded_on, report):
    """Every span of one topic file that loads, in date order (problems go to `report`)."""
    spans = _spans(header, editions, successors, superseded_on)
    topics = []
    overall = (spans[0][1], spans[-1][2]) if spans else (header.start, header.end)
    for edition, start, end in _segments(header, spans, editions):
        try:
            data = _resolve(header.data, start, editions)
        except _Undated as exc:
            report.append(_error(path, header.positions, exc.loc, f"a dated value has no value for {start.isoformat()}"))
            continue
        if edition.id != header.edition.id:
            data = _carried(header.data, data, editions)
        topic = build_topic(header, data, fields, categories, edition, start, end, overall, report)
        if topic is not None:
            topics.append(topic)
    return topics


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
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + gate.read_bytes(path, gate.DATA) + b"\0")
    return digest.hexdigest()


def _editions(root, meta, positions):
    file = root / "library.yaml"
    editions = {}
    for i, raw in enumerate(meta.get("editions") or []):
        try:
            spec = EditionSpec.model_validate(raw)
        except ValidationError as exc:
            raise validation_errors(file, exc, positions, EditionSpec, ("editions", i))[0] from None
        if spec.id in editions:
            raise InputError(file, f"edition {spec.id!r} defined twice", line=positions.line_of(("editions", i)))
        editions[spec.id] = Edition(spec.id, spec.label, spec.tier, spec.guideline, spec.from_, spec.to,
                                    spec.replaces, {w.topic: w.reason for w in spec.withdraws})
    successors = {}
    for i, e in enumerate(editions.values()):
        if e.replaces is None:
            continue
        if e.replaces not in editions:
            raise InputError(file, f"edition {e.id} replaces unknown edition {e.replaces!r}", field="replaces",
                             line=positions.line_of(("editions", i)))
        if e.replaces in successors:
            raise InputError(file, f"editions {successors[e.replaces].id} and {e.id} both replace {e.replaces}",
                             line=positions.line_of(("editions", i)))
        successors[e.replaces] = e
    return editions, successors


def load_library(root=None, errors=None):
    """Load, validate and return the whole rule library; ids must be unique across files. A topic carries
    forward into the editions that replaced its own, unless withdrawn or superseded (one span each).
    Loading goes on past a problem: with a list as `errors`, every problem is added to it and what loaded is
    returned (None when library.yaml or the vocabulary is broken); without one, LibraryErrors names them all."""
    report = []
    try:
        library = _load(Path(root) if root else rules_dir(), report)
    except InputError as exc:  # library.yaml or the vocabulary: nothing else can be checked without them
        report.append(exc)
        library = None
    report = sorted_errors(report)
    if errors is not None:
        errors.extend(report)
        return library
    if report:
        raise LibraryErrors(report)
    return library


def _load(root, report):
    meta, meta_pos = load_file(root / "library.yaml")
    try:
        version = str(meta["version"])
        tiers = tuple(t["id"] for t in meta["tiers"])
        labels = {t["id"]: t["label"] for t in meta["tiers"]}
        periods = tuple(Period(p["id"], p["label"], p["from"], p["to"]) for p in meta["periods"])
    except (KeyError, TypeError):
        raise InputError(root / "library.yaml", "needs version, tiers [{id, label}], periods [{id, label, from, to}] "
                         "and editions", line=1) from None
    for i, p in enumerate(periods):  # review compares them with dates: a wrong type would crash it there
        if not isinstance(p.start, dt.date) or not (p.end is None or isinstance(p.end, dt.date) and p.end >= p.start):
            raise InputError(root / "library.yaml", "a period runs from a date to a later date (or to: null)",
                             field=f"periods[{i}]", line=meta_pos.line_of(("periods", i)))
    editions, successors = _editions(root, meta, meta_pos)
    vocab = load_vocabulary(str(root))
    fields = fact_fields(vocab)
    headers, topic_ids = [], {}
    for path in topic_files(root):
        header = _header(path, editions, report)
        if header is None:
            continue
        if header.id in topic_ids:
            report.append(_error(path, header.positions, ("topic",),
                                 f"topic id {header.id!r} is also used in {topic_ids[header.id]}"))
            continue
        topic_ids[header.id] = path
        headers.append(header)
    superseded_on = {}
    for header in headers:
        for i, old in enumerate(header.supersedes):
            if old not in topic_ids:
                report.append(_error(header.path, header.positions, ("supersedes", i),
                                     f"supersedes unknown topic {old!r}{did_you_mean(old, topic_ids)}"))
                continue
            superseded_on[old] = min(superseded_on.get(old, header.start), header.start)
    for e in editions.values():
        for old in e.withdraws:
            if old not in topic_ids:
                report.append(InputError(root / "library.yaml", f"edition {e.id} withdraws unknown topic {old!r}"
                                         f"{did_you_mean(old, topic_ids)}", field="withdraws"))
    topics, crit_ids = [], {}
    for header in headers:
        for topic in load_topics(header.path, header, fields, vocab.categories, editions, successors, superseded_on,
                                 report):
            for crit in topic.criteria:
                # editions may share a criterion id for the same idea, but never in force at the same time
                for other, other_path in crit_ids.get(crit.id, []):
                    if crit.overlaps(other) and other is not crit:
                        report.append(InputError(header.path, f"criterion id {crit.id!r} is also used in {other_path} "
                                                 f"for overlapping dates", field="criteria.id", line=crit.line))
                crit_ids.setdefault(crit.id, []).append((crit, header.path))
            topics.append(topic)
    return Library(version=version, sha256=library_hash(root), tiers=tiers, tier_labels=labels, topics=tuple(topics),
                   periods=periods, editions=tuple(editions.values()), vocabulary=vocab)
