"""How well draft-case reads letters: field-level precision, recall and F1 of drafted requests against cases
encoded by hand from the same letters. A field's values are compared as sets (diagnoses as worded, exam findings
with their result, studies by modality and region, courses by modality, drugs by vocabulary key, documentation
statements) or, per item and for scalars, one to one."""
import datetime as dt

from ..request.vocabulary import load_vocabulary


def _norm(text):
    return " ".join(str(text or "").lower().replace("'s", "").split()).strip(" .")


def _drug(name):
    """A drug by its vocabulary key; one the vocabulary does not know by the drug name the reader knows it by
    (a proprietary product named inside 'One month supply of Trezix capsule ...'), else as written."""
    key = load_vocabulary().drug(name)[0]
    if key:
        return key
    from .read.nlp import targets
    words = f" {_norm(name)} "
    known = [d for d in targets()["other_drugs"] if f" {d} " in words]
    return max(known, key=len) if known else _norm(name)


def _red_flags(value):
    return None if value is None else ("none" if not value else "present")


def _scalar(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_NERVES = {"upper_extremity": "cervical", "lower_extremity": "lumbar"}


def _exam_region(finding):
    """Neurological findings of a limb and of the spine region whose nerves supply it are the same for the rules
    (vocabulary nerve_regions): compared as the spine region."""
    tags = (load_vocabulary().exam_findings or {}).get(finding["finding"], {}).get("tags", ())
    region = finding.get("region")
    return _NERVES.get(region, region) if set(tags) & {"radicular", "neurological"} else region


def _sets(r):
    history = [c for c in r.get("treatment_history") or [] if c["modality"] != "other"]
    imaging = r.get("imaging") or []
    exam = [e for e in r.get("exam") or [] if e["finding"] != "other"]  # free text: nothing to compare
    docs = dict(r.get("documentation") or {})
    return {
        "diagnoses": {_norm(d.get("text") or d.get("icd10")) for d in r.get("diagnoses") or []},
        "diagnoses.status": {(_norm(d.get("text")), d["status"]) for d in r.get("diagnoses") or []
                             if d.get("status", "confirmed") != "confirmed"},
        "exam": {(e["finding"], e.get("result", "positive")) for e in exam},
        "exam.region": {(e["finding"], e.get("result", "positive"), _exam_region(e)) for e in exam if e.get("region")},
        "imaging": {(s["modality"], s["region"]) for s in imaging},
        "imaging.official_report": {(s["modality"], s["region"], s["official_report"]) for s in imaging
                                    if s.get("official_report") is not None},
        "surgeries": {s.get("body_region") or s.get("procedure") or "surgery" for s in r.get("surgeries") or []},
        "treatment_history": {c["modality"] for c in history},
        "treatment_history.sessions": {(c["modality"], c["sessions"]) for c in history if c.get("sessions") is not None},
        "treatment_history.response": {(c["modality"], c.get("reported_improvement"), c.get("functional_improvement"))
                                       for c in history if c.get("reported_improvement") is not None
                                       or c.get("functional_improvement") is not None},
        "medications": {_drug(m["name"]) for m in r.get("medications") or []},
        "documentation": {(k, v) for k, v in docs.items()},
    }


def _scalars(r):
    pain = r.get("pain") or {}
    return {
        "review_date": r.get("review_date"), "patient.age": (r.get("patient") or {}).get("age"),
        "patient.sex": (r.get("patient") or {}).get("sex"), "injury.date": (r.get("injury") or {}).get("date"),
        "pain.current": pain.get("current", pain.get("high")), "work_status": r.get("work_status"),
        "red_flags": _red_flags(r.get("red_flags")),
    }


def _item_values(item):
    freq = item.get("frequency") or {}
    med = item.get("medication") or {}
    regions = tuple(sorted(set(([item["body_region"]] if item.get("body_region") else []) + list(item.get("body_regions", [])))))
    return {
        "items.category": item.get("category"), "items.quantity": item.get("quantity"),
        "items.body_region": regions or None, "items.side": item.get("side"),
        "items.frequency": (float(freq["per_week"]), float(freq["weeks"])) if freq.get("per_week") and freq.get("weeks") else None,
        "items.ur": (item.get("ur") or {}).get("decision"),
        "items.real_outcome": (item.get("real_outcome") or {}).get("imr"),
        "items.medication": _drug(med["name"]) if med.get("name") else None,
    }


FIELDS = tuple(list(_scalars({})) + list(_sets({})) + list(_item_values({})))


def _count(totals, field, gold, draft):
    tp, fp, fn = totals.setdefault(field, [0, 0, 0])
    if isinstance(gold, set):
        totals[field] = [tp + len(gold & draft), fp + len(draft - gold), fn + len(gold - draft)]
        return
    gold, draft = _scalar(gold), _scalar(draft)
    if gold is None and draft is None:
        return
    if gold == draft:
        totals[field] = [tp + 1, fp, fn]
    else:
        totals[field] = [tp, fp + (draft is not None), fn + (gold is not None)]


def field_scores(pairs):
    """{field: (precision, recall, f1, tp, fp, fn)} over (hand-encoded, drafted) request mappings, and the
    micro-averaged figures under the key 'overall'."""
    totals = {f: [0, 0, 0] for f in FIELDS}
    for gold, draft in pairs:
        for name, values in ((_scalars, None), (_sets, None)):
            g, d = name(gold), name(draft)
            for field in g:
                _count(totals, field, g[field], d[field])
        for gi, di in zip(gold.get("items", []), draft.get("items", [])):
            g, d = _item_values(gi), _item_values(di)
            for field in g:
                _count(totals, field, g[field], d[field])
    out = {}
    for field, (tp, fp, fn) in list(totals.items()) + [("overall", [sum(v[i] for v in totals.values()) for i in range(3)])]:
        p = tp / (tp + fp) if tp + fp else None
        r = tp / (tp + fn) if tp + fn else None
        f1 = 2 * p * r / (p + r) if p and r else (0.0 if (tp + fp) and (tp + fn) else None)
        out[field] = (p, r, f1, tp, fp, fn)
    return out


def field_accuracy(pairs):
    """{field: (correct, compared)}: the share of a field's values drafted exactly as encoded by hand."""
    return {f: (v[3], v[3] + max(v[4], v[5])) for f, v in field_scores(pairs).items() if f != "overall"}
