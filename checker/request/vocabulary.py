"""Vocabulary as data (rules/vocabulary/*.yaml, merged): item categories, body regions, diagnosis groups, drugs
and their classes, documentation statements and surgical procedures. A name defined twice is an error."""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
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

    def same_nerves(self, region, other):
        """Whether findings in `other` bear on `region` (the same region, or a spine region and its limb)."""
        if region is None or other == region:
            return True
        pairs = self.nerve_regions or {}
        return other in pairs.get(region, ()) or region in pairs.get(other, ())

    def diagnosis_groups(self, text, icd10):
        """Groups a diagnosis (wording and/or ICD-10 code) belongs to, sorted."""
        code = (icd10 or "").upper().replace(" ", "")
        words = (text or "").lower()
        found = set()
        for group, spec in self.dx_groups.items():
            if code and any(code.startswith(p.upper()) for p in spec["icd10"]):
                found.add(group)
            elif words and any(p.search(words) for p in spec["patterns"]):
                found.add(group)
        return sorted(found)

    def drug(self, name):
        """(key, spec) of a drug named as letters write it ('Norco 5/325mg'), or (None, None) when unknown."""
        lowered = f" {re.sub(r'[^a-z0-9]+', ' ', (name or '').lower())} "
        matches = [(len(n), key, spec) for key, spec in sorted(self.drugs.items()) for n in spec["names"]
                   if f" {n} " in lowered]
        # a combination partner (acetaminophen in hydrocodone/acetaminophen) gives way to the other drug;
        # otherwise the longest matching name wins ("lidocaine patch" over "lidocaine")
        main = [m for m in matches if not m[2].get("partner")] or matches
        best = max(main, key=lambda m: (m[0], m[1]), default=(0, None, None))
        return best[1], best[2]

    def drug_keys(self, name):
        """Every drug of the vocabulary named in the text ('Hydrocodone/Acetaminophen' names two)."""
        lowered = f" {re.sub(r'[^a-z0-9]+', ' ', (name or '').lower())} "
        return {key for key, spec in self.drugs.items() if any(f" {n} " in lowered for n in spec["names"])}

    def drug_class(self, name):
        return (self.drug(name)[1] or {}).get("class")

    def drug_classes(self):
        return sorted({spec["class"] for spec in self.drugs.values()})

    def study_categories(self):
        """Categories that are imaging or electrodiagnostic studies (what an imaging record's modality may be)."""
        return sorted(c for c, spec in self.categories.items() if spec.get("study"))

    def finding_tags(self):
        """Every tag of the exam findings, sorted (each is a fact exam_<tag>)."""
        return sorted({t for spec in (self.exam_findings or {}).values() for t in spec.get("tags", ())})

    def findings_tagged(self, tag):
        return frozenset(f for f, spec in (self.exam_findings or {}).items() if tag in spec.get("tags", ()))

    def category_kind(self, category):
        spec = self.categories.get(category)
        return spec["kind"] if spec else None


def _merge(merged, section, value, path, positions):
    if section == "body_regions":
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
        target[name] = (spec, path, positions)


@lru_cache(maxsize=4)
def load_vocabulary(root=None):
    """Load and merge every file under rules/vocabulary/ once per process."""
    folder = (Path(root) if root else rules_dir()) / "vocabulary"
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
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise InputError(path, f"bad pattern: {exc}", field=f"groups.{name}.patterns[{i}]",
                                 line=positions.line_of(("groups", name, "patterns", i))) from None
        groups[name] = {"label": spec.get("label", name), "icd10": list(spec.get("icd10", [])), "patterns": compiled}
    plain = {s: {k: v[0] for k, v in merged.get(s, {}).items()}
             for s in ("categories", "drugs", "documentation", "procedures", "nerve_regions", "exam_findings")}
    return Vocabulary(categories=plain["categories"], body_regions=tuple(merged.get("body_regions", ())),
                      dx_groups=groups, drugs=plain["drugs"], documentation=plain["documentation"],
                      procedures=plain["procedures"], nerve_regions=plain["nerve_regions"],
                      exam_findings=plain["exam_findings"])
