"""Vocabulary as data (rules/vocabulary/*.yaml, merged): item categories, body regions, diagnosis groups, drugs
and their classes, documentation statements and surgical procedures. A name defined twice is an error."""
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import re2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError, from_validation
from ..paths import rules_dir
from .positions import load_file

SECTIONS = ("categories", "body_regions", "groups", "drugs", "documentation", "procedures", "nerve_regions",
            "exam_findings")


@dataclass(frozen=True)
class Vocabulary:
    categories: dict  # name -> {kind, label}
    body_regions: tuple
    dx_groups: dict  # group -> {label, icd10: [...], patterns: [compiled]}
    drugs: dict  # key -> {class, names: [...], mme_factor?, mme_tiers?}
    documentation: dict  # statement key -> description
    procedures: dict  # key -> {label, region}
    nerve_regions: dict = None  # spinal region -> [limb regions it supplies]
    exam_findings: dict = None  # finding -> {label, tags: [...], phrases: [...]}
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # results computed from it, reused

    def same_nerves(self, region, other):
        """Whether findings in `other` bear on `region` (the same region, or a spine region and its limb)."""
        if region is None or other == region:
            return True
        pairs = self.nerve_regions or {}
        return other in pairs.get(region, ()) or region in pairs.get(other, ())

    def diagnosis_groups(self, text, icd10):
        """Groups a diagnosis (wording and/or ICD-10 code) belongs to, sorted."""
        known = self.memo.get(("dx", text, icd10))
        if known is not None:
            return list(known)
        code = (icd10 or "").upper().replace(" ", "")
        words = (text or "").lower()
        found = set()
        for group, spec in self.dx_groups.items():
            if code and any(code.startswith(p.upper()) for p in spec["icd10"]):
                found.add(group)
            elif words and spec["any"] is not None and spec["any"].search(words):
                found.add(group)
        self._remember(("dx", text, icd10), tuple(sorted(found)))
        return sorted(found)

    def _remember(self, key, value):
        """Store a result in the memo, emptying it first when full: a memo per request's wordings, not a store
        of every one ever seen (what the memo held is recomputed on demand)."""
        if len(self.memo) > 10_000:
            self.memo.clear()
        self.memo[key] = value
        return value

    def _drug_names(self):
        """(padded name, len(name), key, spec) for every drug name, drugs in key order."""
        names = self.memo.get("drug_names")
        if names is None:
            names = self._remember("drug_names", tuple((f" {n} ", len(n), key, spec)
                                                       for key, spec in sorted(self.drugs.items())
                                                       for n in spec["names"]))
        return names

    def drug(self, name):
        """(key, spec) of a drug named as letters write it ('Norco 5/325mg'), or (None, None) when unknown."""
        known = self.memo.get(("drug", name))
        if known is not None:
            return known
        lowered = f" {re.sub(r'[^a-z0-9]+', ' ', (name or '').lower())} "
        matches = [(size, key, spec) for padded, size, key, spec in self._drug_names() if padded in lowered]
        # a combination partner (acetaminophen in hydrocodone/acetaminophen) gives way to the other drug;
        # otherwise the longest matching name wins ("lidocaine patch" over "lidocaine")
        main = [m for m in matches if not m[2].get("partner")] or matches
        best = max(main, key=lambda m: (m[0], m[1]), default=(0, None, None))
        return self._remember(("drug", name), (best[1], best[2]))

    def drug_keys(self, name):
        """Every drug of the vocabulary named in the text ('Hydrocodone/Acetaminophen' names two)."""
        known = self.memo.get(("drug_keys", name))
        if known is None:
            lowered = f" {re.sub(r'[^a-z0-9]+', ' ', (name or '').lower())} "
            known = self._remember(("drug_keys", name),
                                   frozenset(key for padded, _, key, _ in self._drug_names() if padded in lowered))
        return set(known)

    def drug_class(self, name):
        return (self.drug(name)[1] or {}).get("class")

    def drug_classes(self):
        classes = self.memo.get("drug_classes")
        if classes is None:
            classes = self._remember("drug_classes", tuple(sorted({spec["class"] for spec in self.drugs.values()})))
        return list(classes)

    def study_categories(self):
        """Categories that are imaging or electrodiagnostic studies (what an imaging record's modality may be)."""
        return sorted(c for c, spec in self.categories.items() if spec.get("study"))

    def finding_tags(self):
        """Every tag of the exam findings, sorted (each is a fact exam_<tag>)."""
        return list(self.tagged_findings())

    def findings_tagged(self, tag):
        return self.tagged_findings().get(tag, frozenset())

    def tagged_findings(self):
        """tag -> frozenset of the findings with that tag, tags sorted. Shared: not to be changed."""
        tagged = self.memo.get("tagged_findings")
        if tagged is None:
            findings = self.exam_findings or {}
            tags = sorted({t for spec in findings.values() for t in spec.get("tags", ())})
            tagged = self._remember("tagged_findings", {
                tag: frozenset(f for f, spec in findings.items() if tag in spec.get("tags", ())) for tag in tags})
        return tagged

    def category_kind(self, category):
        spec = self.categories.get(category)
        return spec["kind"] if spec else None


class _Entry(BaseModel):
    # keys the code does not read are let through (they are documentation); the ones it reads are checked
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, defer_build=True)


class _Category(_Entry):
    # every key is read: an unknown one is a label's comma that YAML's flow style split off
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
    kind: str
    label: Optional[str] = None
    study: bool = False
    phrases: list[str] = []


class _Drug(_Entry):
    class_: str = Field(alias="class")
    names: list[str] = Field(min_length=1)
    mme_factor: Optional[float] = Field(None, gt=0)
    mme_tiers: Optional[list[list[Optional[float]]]] = None  # [[up to mg/day or null, factor], ...]
    partner: bool = False

    @field_validator("mme_factor", "mme_tiers")
    @classmethod
    def _finite(cls, value):
        tiers = [[None, value]] if isinstance(value, float) else value or []
        if any(len(t) != 2 or t[1] is None or any(n is not None and not math.isfinite(n) for n in t) for t in tiers):
            raise ValueError("expected finite numbers: mme_tiers is [[up to mg/day or null, factor], ...]")
        return value


class _Procedure(_Entry):
    label: str
    region: Optional[str] = None


class _Finding(_Entry):
    label: str
    tags: list[str] = []
    phrases: list[str] = []


class _Group(_Entry):
    label: Optional[str] = None
    icd10: list[str] = []
    patterns: list[str] = []


_SHAPES = {"categories": _Category, "drugs": _Drug, "procedures": _Procedure, "exam_findings": _Finding,
           "groups": _Group, "documentation": str, "nerve_regions": list[str]}
_SECTION_SHAPE = {"body_regions": list[str]}


def _checked(section, name, spec, path, positions):
    """An entry in the shape the code reads, else an InputError naming it (a crash at review otherwise)."""
    shape = _SHAPES[section]
    if shape is str or shape == list[str]:
        ok = isinstance(spec, str) if shape is str else isinstance(spec, list) and all(isinstance(s, str) for s in spec)
        if not ok:
            raise InputError(path, "expected " + ("text" if shape is str else "a list of names"),
                             field=f"{section}.{name}", line=positions.line_of((section, name)))
        return spec
    try:
        shape.model_validate(spec)
    except ValidationError as exc:
        err = from_validation(path, exc, positions)
        raise InputError(path, err.message, field=f"{section}.{name}.{err.field}",
                         line=positions.line_of((section, name))) from None
    return spec


def is_pattern(phrase):
    """Whether a vocabulary phrase is a regular expression rather than a literal."""
    return any(ch in phrase for ch in "\\[]()?*+^$|")


def linear_pattern(pattern, case_sensitive=False):
    """A pattern under RE2: matching takes linear time, whatever the text (no backtracking)."""
    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.log_errors = False  # RE2 would write the pattern to standard error
    return re2.compile(pattern, options=options)


def _merge(merged, section, value, path, positions):
    if section in _SECTION_SHAPE or section in _SHAPES:
        ok = isinstance(value, list) if section in _SECTION_SHAPE else isinstance(value, dict)
        if not ok:
            raise InputError(path, "expected " + ("a list" if section in _SECTION_SHAPE else "a mapping of entries"),
                             field=section, line=positions.line_of((section,)))
    if section == "body_regions":
        if not all(isinstance(region, str) for region in value):
            raise InputError(path, "body regions are names", field=section, line=positions.line_of((section,)))
        merged.setdefault(section, [])
        for region in value:
            if region in merged[section]:
                raise InputError(path, f"body region {region!r} defined twice", line=positions.line_of((section,)))
            merged[section].append(region)
        return
    target = merged.setdefault(section, {})
    for name, spec in value.items():
        if name in target:
            raise InputError(path, f"{section} entry {name!r} is defined in another vocabulary file too",
                             field=f"{section}.{name}", line=positions.line_of((section, name)))
        target[name] = (_checked(section, name, spec, path, positions), path, positions)


_LOADED = {}  # vocabulary folder -> its Vocabulary, read once per process (or adopted from the library cache)


@lru_cache(maxsize=16)
def _folder(root):
    return ((Path(root) if root else rules_dir()) / "vocabulary").resolve()


def adopt_vocabulary(vocabulary, root=None):
    """Use `vocabulary`, loaded from the files of `root` (the cached library's own), instead of reading them again."""
    _LOADED[_folder(root)] = vocabulary


def load_vocabulary(root=None):
    """The merged files under rules/vocabulary/, loaded once per process."""
    folder = _folder(root)
    if folder not in _LOADED:
        _LOADED[folder] = _read_vocabulary(folder)
    return _LOADED[folder]


def _read_vocabulary(folder):
    merged = {}
    for path in sorted(folder.glob("*.yaml")):
        data, positions = load_file(path)
        for section, value in (data or {}).items():
            if section not in SECTIONS:
                raise InputError(path, f"unknown vocabulary section (known: {', '.join(SECTIONS)})",
                                 field=section, line=positions.line_of((section,)))
            _merge(merged, section, value, path, positions)
    groups = {}
    for name, (spec, path, positions) in merged.get("groups", {}).items():
        compiled = []
        for i, pattern in enumerate(spec.get("patterns", [])):
            try:
                compiled.append(linear_pattern(pattern))
            except re2.error:
                raise InputError(path, "not a pattern RE2 accepts (no lookaround or backreferences: matching must "
                                 "take linear time)", field=f"groups.{name}.patterns[{i}]",
                                 line=positions.line_of(("groups", name, "patterns", i))) from None
        joined = linear_pattern("|".join(f"(?:{p})" for p in spec.get("patterns", []))) if compiled else None
        groups[name] = {"label": spec.get("label", name), "icd10": list(spec.get("icd10", [])), "patterns": compiled,
                        "any": joined}  # any: the patterns as one, a single search per group
    plain = {s: {k: v[0] for k, v in merged.get(s, {}).items()}
             for s in ("categories", "drugs", "documentation", "procedures", "nerve_regions", "exam_findings")}
    return Vocabulary(categories=plain["categories"], body_regions=tuple(merged.get("body_regions", ())),
                      dx_groups=groups, drugs=plain["drugs"], documentation=plain["documentation"],
                      procedures=plain["procedures"], nerve_regions=plain["nerve_regions"],
                      exam_findings=plain["exam_findings"])
