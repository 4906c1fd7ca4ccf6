"""Vocabulary as data: item categories, body regions, diagnosis groups and drug classes (rules/vocabulary/)."""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .paths import rules_dir
from .yamlpos import load_file


@dataclass(frozen=True)
class Vocabulary:
    categories: dict  # name -> {kind, label}
    body_regions: tuple
    dx_groups: dict  # group -> {label, icd10: [...], patterns: [compiled]}
    drugs: dict  # key -> {class, names: [...]}

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

    def drug_class(self, name):
        """The class of a drug named as letters write it ('Norco 5/325mg'), or None when unknown."""
        lowered = f" {re.sub(r'[^a-z0-9]+', ' ', (name or '').lower())} "
        for spec in self.drugs.values():
            if any(f" {n} " in lowered for n in spec["names"]):
                return spec["class"]
        return None

    def category_kind(self, category):
        spec = self.categories.get(category)
        return spec["kind"] if spec else None


@lru_cache(maxsize=4)
def load_vocabulary(root=None):
    """Load rules/vocabulary/*.yaml once per process."""
    base = Path(root) if root else rules_dir()
    folder = base / "vocabulary"
    cats, _ = load_file(folder / "categories.yaml")
    dx, dx_pos = load_file(folder / "diagnoses.yaml")
    drugs, _ = load_file(folder / "drugs.yaml")
    groups = {}
    for name, spec in dx["groups"].items():
        compiled = []
        for i, pattern in enumerate(spec.get("patterns", [])):
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise InputError(folder / "diagnoses.yaml", f"bad pattern: {exc}",
                                 field=f"groups.{name}.patterns[{i}]",
                                 line=dx_pos.line_of(("groups", name, "patterns", i))) from None
        groups[name] = {"label": spec.get("label", name), "icd10": list(spec.get("icd10", [])), "patterns": compiled}
    return Vocabulary(categories=cats["categories"], body_regions=tuple(cats["body_regions"]),
                      dx_groups=groups, drugs=drugs["drugs"])
