"""Regression of the rule library against real IMR decisions: evaluate every case (a structured request whose
items record the real outcome, or an IMR letter drafted into one), compare outcome, cited guideline and decisive
reason, and summarise agreement and balanced accuracy overall, per topic, category, guideline family and edition."""
import fnmatch
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..letters import LetterError, parse_file
from ..paths import rules_dir
from ..request.model import load_request
from ..request.positions import load_file
from ..request.vocabulary import linear_pattern
from .citations import matches_letter


@dataclass(frozen=True)
class ItemResult:
    case: str  # file name
    item_id: str
    description: str
    real: str  # upheld | overturned
    engine: object  # upheld | overturned | None (not addressed)
    determination: str
    topic: str  # primary topic id, or "" when not addressed
    edition: str
    citation_match: object  # True | False | None (no letter line recorded)
    reason_criteria: tuple  # criteria the letter's wording points to
    reason_found: object  # True | False | None (no letter, or no recognised reason)
    failing: tuple  # the engine's failing criteria ids
    category: str = ""
    family: str = ""  # the guideline family of the letter's first cited guideline ("" when none is recorded)
    grounds: str = ""  # what the engine's determination rests on

    @property
    def key(self):
        return f"{self.case}#{self.item_id}"

    @property
    def addressed(self):
        return self.engine is not None

    @property
    def agrees(self):
        return self.engine == self.real


CASE_SUFFIXES = (".yaml", ".yml", ".json")
LETTER_SUFFIXES = (".txt", ".pdf")


def case_files(paths):
    """Cases (request files) and IMR letters (.txt, .pdf) under the given files or directories, sorted. A folder
    holding both a letter's text and its PDF is read once, from the text."""
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and (
                (p.suffix in CASE_SUFFIXES and p.name != "regress.yaml") or p.suffix.lower() in LETTER_SUFFIXES))
            texts = {p.with_suffix("").name for p in found if p.suffix.lower() == ".txt"}
            out += [p for p in found if not (p.suffix.lower() == ".pdf" and p.with_suffix("").name in texts)]
        else:
            out.append(path)
    return out


@lru_cache(maxsize=1)
def _reasons():
    data, _ = load_file(rules_dir() / "regression" / "reasons.yaml")
    return tuple((linear_pattern(r["phrase"]), tuple(r["criteria"])) for r in data["reasons"])


def reason_patterns(rationale):
    """Criterion id patterns that the letter's rationale wording points to."""
    return tuple(sorted({c for phrase, criteria in _reasons() if phrase.search(rationale or "") for c in criteria}))


@lru_cache(maxsize=256)
def _letter(path):
    try:
        return parse_file(path)
    except LetterError:
        return None


def _letter_item(case_path, item, index):
    name = item.real_outcome.letter
    if not name:
        return None
    if case_path.suffix.lower() in LETTER_SUFFIXES:
        letter = _letter(str(case_path))
        return letter.items[index] if letter is not None and index < len(letter.items) else None
    for folder in (case_path.parent, case_path.parent.parent / "letters", case_path.parent / "letters",
                   case_path.parent.parent / "txt"):
        if Path(name).name == name and (folder / name).is_file():  # a file name, never a path elsewhere
            letter = _letter(str(folder / name))
            if letter is None:
                return None
            wanted = " ".join(item.description.lower().split())
            for parsed in letter.items:
                if " ".join(parsed.text.lower().split()) == wanted:
                    return parsed
            return letter.items[index] if index < len(letter.items) else None
    return None


def _family(line):
    from ..letters.guidelines import parse_guideline_line
    cites = parse_guideline_line(line or "")
    return cites[0].family if cites else ""


def load_case(path):
    """The request of a case file, or of a letter drafted into one (every draft loads)."""
    path = Path(path)
    if path.suffix.lower() in LETTER_SUFFIXES:
        from ..letters.draft import draft_case
        from ..request.model import parse_request
        try:
            letter = parse_file(path)
        except LetterError as exc:
            raise InputError(path, exc.message) from None
        data, _ = draft_case(letter, path)
        return parse_request(data, path)
    return load_request(path)


def evaluate_case(checker, path):
    """Results for every item of one case that records a real outcome."""
    path = Path(path)
    request = load_case(path)
    det = checker.review(request)
    out = []
    for index, it in enumerate(det.items):
        real = it.item.real_outcome
        if real is None:
            continue
        failing = tuple(cr.criterion.id for cr, _ in it.results if cr.result != "met" and cr.criterion.effect != "informational")
        topic = it.topics[0] if it.topics else ""
        citation = matches_letter(it.citations[0], real.guideline) if real.guideline and it.citations else (
            False if real.guideline else None)
        letter_item = _letter_item(path, it.item, index)
        patterns = reason_patterns(letter_item.rationale) if letter_item is not None and real.imr == "upheld" else ()
        found = None
        if patterns and it.imr_outcome is not None:
            found = any(fnmatch.fnmatchcase(c, p) for c in failing for p in patterns)
        out.append(ItemResult(case=path.name, item_id=it.item.id, description=it.item.description, real=real.imr,
                              engine=it.imr_outcome, determination=it.determination, topic=topic, edition=det.edition,
                              citation_match=citation, reason_criteria=patterns, reason_found=found, failing=failing,
                              category=it.item.category, family=_family(real.guideline), grounds=it.grounds))
    return out


_WORKER = {}


def _init_worker(rules):
    from ..library.cache import cached_library
    from ..pipeline import Checker
    _WORKER["checker"] = Checker(cached_library(rules))


def _work(path):
    try:
        return str(path), evaluate_case(_WORKER["checker"], path), None
    except InputError as exc:
        return str(path), [], exc.one_line()
    except Exception as exc:  # one case's fault is reported with the others, never the end of the run
        return str(path), [], f"{path}: internal error ({exc.__class__.__name__}) while evaluating this case"


def run(paths, jobs=1, rules=None, progress=None):
    """Evaluate every case (in parallel processes when jobs > 1); results in case order, plus case errors."""
    files = case_files(paths)
    if jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules,)) as pool:
            outcomes = []
            for outcome in pool.map(_work, files, chunksize=max(1, len(files) // (jobs * 8))):
                outcomes.append(outcome)
                if progress:
                    progress(1)
    else:
        _init_worker(rules)
        outcomes = []
        for path in files:
            outcomes.append(_work(path))
            if progress:
                progress(1)
    results = [r for _, items, _ in outcomes for r in items]
    errors = [(path, err) for path, _, err in outcomes if err]
    return results, errors


def _balanced(results):
    recalls = []
    for cls in ("upheld", "overturned"):
        real = [r for r in results if r.real == cls]
        if real:
            recalls.append(sum(r.agrees for r in real) / len(real))
    return sum(recalls) / len(recalls) if recalls else None


def _scores(results):
    addressed = [r for r in results if r.addressed]
    agree = sum(r.agrees for r in addressed)
    cites = [r.citation_match for r in addressed if r.citation_match is not None]
    reasons = [r.reason_found for r in addressed if r.reason_found is not None]
    confusion = {real: {engine: sum(1 for r in results if r.real == real and (r.engine or "not_addressed") == engine)
                        for engine in ("upheld", "overturned", "not_addressed")} for real in ("upheld", "overturned")}
    return {"items": len(results), "addressed": len(addressed), "not_addressed": len(results) - len(addressed),
            "addressed_share": len(addressed) / len(results) if results else None,
            "agree": agree, "agreement": agree / len(addressed) if addressed else None,
            "balanced_accuracy": _balanced(addressed),
            # an item the library does not address counts as a miss
            "strict_balanced_accuracy": _balanced(results),
            "overturned": confusion["overturned"]["upheld"] + confusion["overturned"]["overturned"]
            + confusion["overturned"]["not_addressed"],
            "overturns_found": confusion["overturned"]["overturned"], "confusion": confusion,
            "citation_matches": sum(cites), "citations_compared": len(cites),
            "reasons_found": sum(reasons), "reasons_compared": len(reasons)}


def summarize(results):
    """Overall scores, and the same per primary topic, item category, guideline family (of the letter's first
    cited guideline) and edition."""
    groups = {"by_topic": defaultdict(list), "by_category": defaultdict(list), "by_family": defaultdict(list),
              "by_edition": defaultdict(list)}
    for r in results:
        groups["by_topic"][r.topic or "(not addressed)"].append(r)
        groups["by_category"][r.category or "(none)"].append(r)
        groups["by_family"][r.family or "(none cited)"].append(r)
        groups["by_edition"][r.edition].append(r)
    out = {"overall": _scores(results)}
    out.update({name: {k: _scores(v) for k, v in sorted(g.items())} for name, g in groups.items()})
    return out


def load_thresholds(paths):
    """min_agreement / min_balanced_accuracy from a regress.yaml beside the cases (first one found)."""
    for path in map(Path, paths):
        config = (path if path.is_dir() else path.parent) / "regress.yaml"
        if config.is_file():
            data, _ = load_file(config)
            return {k: float(v) for k, v in (data or {}).items() if k in ("min_agreement", "min_balanced_accuracy")}
    return {}


def baseline_of(results):
    """The outcomes to record as a baseline: {case#item: engine outcome}."""
    return {r.key: r.engine or "not_addressed" for r in results}


def changed_since(results, baseline):
    """(key, before, now) for items whose engine outcome differs from the baseline."""
    return [(r.key, baseline.get(r.key, "new"), r.engine or "not_addressed") for r in results
            if baseline.get(r.key, "new") != (r.engine or "not_addressed")]


def as_dicts(results):
    return [asdict(r) | {"reason_criteria": list(r.reason_criteria), "failing": list(r.failing)} for r in results]
