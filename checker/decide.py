"""Decide stage: compose each item's trace into a determination, following the evidence search sequence:
MTUS topics first; a non-MTUS guideline only where no MTUS topic applies, or where the MTUS topic leaves the
quantity open (it has quantity caps, none of which applies to the documented diagnoses)."""
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .library import conditions
from .library.snippets import at_pages, render
from .request.facts import fact_fields

FAILING = ("unmet", "not_documented")
# prerequisites before quantity; documentation the guideline expects, and notes, never decide
_EFFECT_ORDER = {"not_recommended": 0, "requirement": 1, "cap": 2, "expected": 3, "informational": 4}
GROUNDS = ("criteria_met", "criteria_not_met", "not_documented", "quantity", "not_recommended", "under_study",
           "not_addressed", "depends_on")


@dataclass(frozen=True)
class ItemDetermination:
    item: object  # model.RequestedItem
    determination: str  # certify | modify | non_certify | physician_review
    imr_outcome: object  # overturned | upheld | None
    supported_quantity: object  # int or None
    tier: str  # mtus | non_mtus | none
    tier_reason: str
    citations: tuple  # library.Citation, in evidence-search order
    results: tuple  # (CriterionResult, sentence) for every criterion relied on
    decisive: tuple  # ids of the failing criteria that decided a non-certification or modification
    rationale: str
    remedies: tuple
    notes: tuple = ()  # sentences of informational criteria (e.g. formulary status); they never decide
    remedy_for: tuple = ()  # (criterion id, rendered remedy) for every failing criterion
    topics: tuple = ()  # ids of the topics relied on, in evidence-search order
    parts: tuple = ()  # (body region, determination) for an item naming several regions, each judged on its own
    grounds: str = "criteria_met"  # one of GROUNDS: what the determination rests on
    would_change: tuple = ()  # (fact, its description, topic id): facts the request lacks that decide whether a topic applies
    asks: tuple = ()  # remedies for documentation the guideline expects but that did not decide the item
    depends_on: object = None  # (item id, its determination) for an item that serves another (a surgery)
    ready_from: object = None  # precheck: the first later date the guideline's own timing is met (pipeline.precheck)

    @property
    def physician_signature_required(self):
        return self.determination in ("modify", "non_certify", "physician_review")


@dataclass(frozen=True)
class Determination:
    request: object
    library: object
    edition: str
    items: tuple
    warnings: tuple


def _cap_supported(result, quantity):
    crit = result.criterion
    values = dict(result.facts)
    if crit.cap.fact == "quantity" or quantity is None:
        return crit.cap.max
    total = values.get(crit.cap.fact)
    return max(0, crit.cap.max - (total - quantity)) if total is not None else None


def _quantity_open(topic_results, quantity):
    """True when a topic gives guideline quantities, but none for this item (e.g. no visit count for the
    documented diagnoses): the quantity is then judged under the next guideline in the search sequence."""
    if quantity is None:
        return False
    for tr in topic_results:
        caps = {c.key for c in tr.topic.criteria if c.effect == "cap" and c.cap.basis == "guideline"}
        if tr.topic.defers_quantity or (caps and not any(cr.criterion.key in caps for cr in tr.criteria)):
            return True
    return False


class _Context(Mapping):
    """A snippet's names: the extra names, then the item's facts, then every other fact field as None. Nothing
    is copied: a snippet reads a few of the thousands of fields."""
    __slots__ = ("extra", "values", "fields")

    def __init__(self, extra, values, fields):
        self.extra, self.values, self.fields = extra, values, fields

    def __getitem__(self, name):
        if name in self.extra:
            return self.extra[name]
        if name in self.values:
            return self.values[name]
        if name in self.fields:
            return None
        raise KeyError(name)

    def __contains__(self, name):
        return name in self.extra or name in self.values or name in self.fields

    def __iter__(self):
        return iter(dict.fromkeys(self.fields) | dict(self.values) | self.extra)

    def __len__(self):
        return sum(1 for _ in self)


def _context(values, item, request, crit=None, supported=None):
    return _Context(dict(description=item.description, supported=supported,
                         max=crit.cap.max if crit is not None and crit.cap is not None else None,
                         diagnoses=", ".join(d.text or d.icd10 for d in request.diagnoses),
                         citation_section=crit.citation.section if crit is not None else "",
                         citation_pages=crit.citation.pages if crit is not None else "",
                         at_pages=at_pages(crit.citation.pages) if crit is not None else ""),
                    values, fact_fields())


def _where(crit, part):
    return f"rule {crit.id} ({crit.topic}, line {crit.line}) {part}"


def _advisory(topic):
    return topic.advisory


def _relied_topics(library, trace, quantity):
    """The topics the determination rests on, and why that tier."""
    # within a tier, the newest edition's topics first (the 2016 Chronic Pain guideline before the 2004 ACOEM
    # chapters, as reviewers cite them); topics of one edition in library order
    by_tier = {tier: sorted((tr for tr in trace.topics if tr.topic.tier == tier and not _advisory(tr.topic)),
                            key=lambda tr: tr.topic.effective_from, reverse=True)
               for tier in library.tiers}
    relied, reasons = [], []
    for n, tier in enumerate(library.tiers):
        topics = by_tier[tier]
        if not topics:
            continue
        relied.extend(topics)
        later = [t for later_tier in library.tiers[n + 1:] for t in by_tier[later_tier]]
        if later and _quantity_open(topics, quantity):
            names = ", ".join(sorted({t.topic.citation.section for t in topics}))
            reasons.append(f"The MTUS ({names}) gives no quantity for the documented diagnoses; "
                           f"the quantity is judged under the next guideline in the evidence search sequence.")
            continue
        break
    if not relied:
        return [], "none", "No topic of the rule library addresses this item for the review date: physician review."
    first = relied[0].topic.tier
    if first == "mtus":
        tier_reason = "Decided under the MTUS, which addresses this item."
    else:
        tier_reason = ("No MTUS topic of the rule library addresses this item on the review date; decided under the "
                       "next guideline in the evidence search sequence.")
    if reasons:
        tier_reason += " " + " ".join(reasons)
    tiers = {tr.topic.tier for tr in relied}
    return relied, ("mtus" if tiers == {"mtus"} else first if len(tiers) == 1 else "mtus+non_mtus"), tier_reason


def _selectors(library):
    """category -> ((topic, when, ((fact, its description, topic id), ...)), ...): every conditional selector of
    the library, in library order, with the facts of the library's vocabulary it reads. Computed once per library."""
    memo = library.memo.get("selectors")
    # dataclasses.replace(library, topics=...) shares the memo: it is only valid for the topics it was built from
    if memo is not None and memo[0] is library.topics and memo[1] is library.vocabulary:
        return memo[2]
    fields = fact_fields(library.vocabulary)
    index = {}
    for topic in library.topics:
        for category, when in topic.selectors:
            if when is not None:
                facts = tuple((fact, fields[fact][1], topic.id) for fact in conditions.facts_used(when)
                              if fact in fields)
                index.setdefault(category, []).append((topic, when, facts))
    index = {category: tuple(entries) for category, entries in index.items()}
    library.memo["selectors"] = (library.topics, library.vocabulary, index)
    return index


def _would_change(library, request, item, trace):
    """Facts the item lacks that decide whether a topic of its category applies on the review date (a topic for
    the lumbar spine cannot apply to an item whose body region is not stated): the answer may change with them."""
    out = []
    for topic, when, facts in _selectors(library).get(item.category, ()):
        if topic.in_force(request.review_date) and conditions.evaluate(when, trace.facts) is None:
            out.extend(f for f in facts if f[0] not in trace.facts)
    return tuple(dict.fromkeys(out))


def decide_item(library, request, item, trace):
    """The determination for one item from its trace."""
    det = _decide_item(library, request, item, trace)
    missing = _would_change(library, request, item, trace)
    return replace(det, would_change=missing) if missing else det


def _decide_item(library, request, item, trace):
    quantity = item.quantity
    relied, tier, tier_reason = _relied_topics(library, trace, quantity)
    advisory = [tr for tr in trace.topics if _advisory(tr.topic)]
    if not relied:
        notes = tuple(render(cr.criterion.rationale[cr.result], _context(trace.facts, item, request, cr.criterion),
                             _where(cr.criterion, cr.result)) for tr in advisory for cr in tr.criteria)
        return ItemDetermination(item, "physician_review", None, None, "none", tier_reason, (), (), (),
                                 f"The rule library does not address the request for {item.description} on the "
                                 f"review date; it needs a physician reviewer's individual assessment.", (), notes,
                                 grounds="not_addressed")
    results = sorted((cr for tr in relied + advisory for cr in tr.criteria),
                     key=lambda cr: _EFFECT_ORDER[cr.criterion.effect])
    failing_reqs = [cr for cr in results if cr.criterion.effect in ("requirement", "not_recommended")
                    and cr.result in FAILING]
    failing_caps = [cr for cr in results if cr.criterion.effect == "cap" and cr.result in FAILING]
    supported = quantity
    if failing_reqs:
        determination, supported, decisive = "non_certify", 0, failing_reqs
    elif failing_caps:
        caps = [_cap_supported(cr, quantity) if cr.result == "unmet" else None for cr in failing_caps]
        supported = None if None in caps else min(caps)
        determination = "modify" if supported and (quantity is None or supported < quantity) else "non_certify"
        supported = supported if determination == "modify" else 0
        decisive = failing_caps
    else:
        determination, decisive = "certify", []
    grounds = _grounds(determination, decisive)
    sentences, remedy_for = [], {}
    for cr in results:
        cap_support = _cap_supported(cr, quantity) if cr.criterion.effect == "cap" else None
        ctx = _context(trace.facts, item, request, cr.criterion, cap_support)
        sentences.append((cr, render(cr.criterion.rationale[cr.result], ctx, _where(cr.criterion, cr.result))))
        if cr.result in FAILING and cr.criterion.effect != "informational" and cr.criterion.id not in remedy_for:
            remedy_for[cr.criterion.id] = render(cr.criterion.remedy, ctx, _where(cr.criterion, "remedy"))
    base_ctx = _context(trace.facts, item, request)
    parts = []
    if relied[0].topic.tier != "mtus":
        parts.append("The MTUS does not adequately address this request.")
    parts += [render(tr.topic.statement, base_ctx, f"{tr.topic.file}: statement") for tr in relied]
    decisive_ids = {cr.criterion.id for cr in decisive}
    deciding = [(cr, s) for cr, s in sentences if cr.criterion.effect != "informational"]
    notes = tuple(s for cr, s in sentences if cr.criterion.effect == "informational")
    shown = [s for cr, s in deciding if cr.result in FAILING] if determination != "certify" else [s for _, s in deciding]
    parts += shown
    if determination == "certify":
        parts.append(f"The request for {item.description} is medically necessary.")
    elif determination == "modify":
        parts.append(f"The guidelines support {supported} of the {quantity} requested; as requested, "
                     f"{item.description} is not medically necessary.")
    else:
        parts.append(f"Therefore, the request for {item.description} is not medically necessary.")
    remedies = list(dict.fromkeys(remedy_for[cr.criterion.id] for cr in decisive))
    asks = tuple(dict.fromkeys(remedy_for[cr.criterion.id] for cr in results
                               if cr.criterion.effect == "expected" and cr.result in FAILING))
    citations = []
    for tr in relied:
        cites = [tr.topic.citation] + [cr.criterion.citation for cr in tr.criteria if cr.criterion.id in decisive_ids]
        for cite in cites:
            if cite not in citations:
                citations.append(cite)
    return ItemDetermination(
        item=item, determination=determination,
        imr_outcome="overturned" if determination == "certify" else "upheld",
        supported_quantity=supported if determination != "non_certify" else 0,
        tier=tier, tier_reason=tier_reason, citations=tuple(citations), results=tuple(sentences),
        decisive=tuple(cr.criterion.id for cr in decisive), rationale=" ".join(parts), remedies=tuple(remedies),
        notes=notes, remedy_for=tuple(remedy_for.items()), topics=tuple(tr.topic.id for tr in relied),
        grounds=grounds, asks=asks)


def _grounds(determination, decisive):
    """What a determination rests on: the guideline's own 'not recommended' or 'under study' first, then a
    requirement the records show unmet, then one they do not document, then quantity."""
    if determination == "certify":
        return "criteria_met"
    if decisive and decisive[0].criterion.effect == "cap":
        return "quantity"
    statuses = [cr.criterion.status for cr in decisive if cr.criterion.effect == "not_recommended" and cr.result == "unmet"]
    if statuses:
        return "not_recommended" if "not_recommended" in statuses else "under_study"
    return "criteria_not_met" if any(cr.result == "unmet" for cr in decisive) else "not_documented"


def edition_for(library, day):
    """The MTUS period governing a review date (its id), or 'none' before the 2009 MTUS."""
    period = library.period_for(day)
    return period.id if period else "none"


_SEVERITY = {"certify": 0, "modify": 1, "physician_review": 2, "non_certify": 3}


def _unique(values):
    return tuple(dict.fromkeys(values))


def _combine_parts(item, parts):
    """One determination for an item naming several regions: it is supported only as far as every region is."""
    worst = max(parts, key=lambda p: _SEVERITY[p[1].determination])[1].determination
    supported = None
    if worst == "modify":
        supported = min(d.supported_quantity for _, d in parts if d.determination == "modify")
    elif worst == "certify":
        supported = item.quantity
    elif worst == "non_certify":
        supported = 0
    rationale = " ".join(f"For the {region.replace('_', ' ')}: {d.rationale}" for region, d in parts)
    tiers = _unique(d.tier for _, d in parts if d.tier != "none")
    return ItemDetermination(
        item=item, determination=worst, imr_outcome="overturned" if worst == "certify" else
        ("upheld" if worst in ("modify", "non_certify") else None),
        supported_quantity=supported, tier=tiers[0] if len(tiers) == 1 else ("mtus+non_mtus" if tiers else "none"),
        tier_reason=" ".join(_unique(d.tier_reason for _, d in parts)),
        citations=_unique(c for _, d in parts for c in d.citations),
        results=tuple(r for _, d in parts for r in d.results), decisive=_unique(c for _, d in parts for c in d.decisive),
        rationale=rationale, remedies=_unique(r for _, d in parts for r in d.remedies),
        notes=_unique(n for _, d in parts for n in d.notes),
        remedy_for=_unique(r for _, d in parts for r in d.remedy_for), topics=_unique(t for _, d in parts for t in d.topics),
        parts=tuple((region, d.determination) for region, d in parts),
        grounds=max(parts, key=lambda p: _SEVERITY[p[1].determination])[1].grounds,
        would_change=_unique(w for _, d in parts for w in d.would_change),
        asks=_unique(a for _, d in parts for a in d.asks))


def _with_dependency(det, served):
    """An item that serves another (pre-operative clearance, an assistant, post-operative care for a requested
    surgery) stands or falls with it."""
    if served.determination in ("certify", "modify"):
        return replace(det, depends_on=(served.item.id, served.determination))
    what = served.item.description
    if served.determination == "physician_review":
        return replace(det, determination="physician_review", imr_outcome=None, supported_quantity=None,
                       depends_on=(served.item.id, served.determination), grounds="depends_on",
                       rationale=f"{det.rationale} This item serves the request for {what}, which needs a physician "
                                 f"reviewer's assessment; it stands or falls with it.")
    return replace(det, determination="non_certify", imr_outcome="upheld", supported_quantity=0,
                   depends_on=(served.item.id, served.determination), grounds="depends_on",
                   rationale=f"The request for {det.item.description} serves the request for {what}, which is not "
                             f"medically necessary; therefore this request is not medically necessary either.",
                   remedies=_unique((f"This item depends on the request for {what}: resolve that request first.",)
                                    + det.remedies))


def decide(library, request, traces, warnings=()):
    """Determinations for every item of a request, in request order."""
    by_id = {}
    for t in traces:
        by_id.setdefault(t.item_id, []).append(t)
    decided = {}
    for item in request.items:
        parts = [(t.part, decide_item(library, request, item, t)) for t in by_id[item.id]]
        decided[item.id] = parts[0][1] if len(parts) == 1 and parts[0][0] is None else _combine_parts(item, parts)
    items = []
    for item in request.items:
        det = decided[item.id]
        if item.depends_on is not None:
            det = _with_dependency(det, decided[item.depends_on])
        items.append(det)
    return Determination(request=request, library=library, edition=edition_for(library, request.review_date),
                         items=tuple(items), warnings=tuple(warnings))
