"""`mtus-check letters draft-case LETTER`: a starting structured request from a letter. Only facts that can be
read reliably are filled (age, sex, date of injury, review date, diagnoses, pain score, medications, the items
with their quantities, frequencies and real outcomes); everything else is left for a person, and the file says so."""
import datetime as dt
import re
from pathlib import Path

import yaml

from ..request.vocabulary import load_vocabulary

_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), 1)}
_DATE = r"(\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|(?:%s)\s+\d{1,2},\s*\d{4})" % "|".join(m.title() for m in _MONTHS)


def parse_date(text):
    """'6-4-10', '08/22/14', '9/26/2013', 'November 2, 2011' -> date (two-digit years are 20xx)."""
    text = text.strip()
    m = re.match(r"(\d{1,2})[-/](\d{1,2})[-/](\d{2,4})$", text)
    try:
        if m:
            year = int(m.group(3))
            return dt.date(year + 2000 if year < 100 else year, int(m.group(1)), int(m.group(2)))
        m = re.match(r"([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$", text)
        if m and m.group(1).lower() in _MONTHS:
            return dt.date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    except ValueError:
        return None
    return None


def _search_date(patterns, text):
    for pattern in patterns:
        m = re.search(pattern % _DATE, text, re.I)
        if m:
            date = parse_date(m.group(1))
            if date:
                return date
    return None


_DOI = (r"industrial injury (?:on|of)\s+%s", r"date of injury (?:on|of)\s+%s", r"injury (?:on|of)\s+%s",
        r"injured (?:on|at work on)\s+%s")
_UR = (r"utilization review (?:report |determination )?(?:dated|was rendered on|on)\s+%s",
       r"prior utilization review on\s+%s", r"UR Denial Date:\s*%s")


def _diagnoses(summary):
    patterns = (r"diagnos[ie]s (?:have|has) included ([^.]+)\.", r"current diagnos[ie]s? include[s]? ([^.]+)\.",
                r"diagnosis of ([^.]+?)\.", r"diagnoses include ([^.]+)\.", r"undergoing treatment for ([^.]+)\.")
    for pattern in patterns:
        m = re.search(pattern, summary, re.I)
        if m:
            listed = m.group(1)
            parts = re.split(r",\s*(?:and\s+)?", listed) if "," in listed else re.split(r"\s+and\s+", listed)
            return [p.strip() for p in parts if p.strip() and len(p.split()) <= 6]
    return []


def _pain(summary):
    m = re.search(r"(\d{1,2})(?:\s*-\s*(\d{1,2}))?\s*(?:/\s*10|out of 10)", summary)
    if not m:
        return None
    low, high = int(m.group(1)), int(m.group(2) or m.group(1))
    return (low + high) / 2 if low <= high <= 10 else None


def _medications(summary):
    if re.search(r"no medication list was provided", summary, re.I):
        return None
    m = re.search(r"(?:current )?medications? (?:included|include|includes|are|list includes)\s+([^.]+)\.", summary, re.I)
    if not m:
        return _named_drugs(summary)
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1))
    out = []
    for name in (n.strip() for n in names if n.strip()):
        dose = re.search(r"\d+(?:/\d+)?\s*(?:mg|mcg)\b.*", name, re.I)
        med = {"name": name[: dose.start()].strip() if dose else name}
        if dose:
            med["dose"] = dose.group(0).strip()
        out.append(med)
    return out


def _named_drugs(summary):
    """Drugs the summary names anywhere (as written), in order, when it gives no medication list."""
    vocab = load_vocabulary()
    found, seen = [], set()
    for word in re.findall(r"[A-Za-z][A-Za-z-]+", summary):
        key = vocab.drug(word)[0]
        if key is not None and key not in seen:
            seen.add(key)
            found.append({"name": word})
    return found or None


def quantity_of(text):
    """(quantity, per_week, weeks) from '3 x 4', '2 times per week for 6 weeks', 'monthly x 3', '#60'."""
    m = re.search(r"(\d+)\s*(?:x|times)\s*(?:a|per)?\s*(?:week|wk)?\s*(?:x|for)\s*(\d+)(?:\s*weeks?)?", text, re.I)
    if m:
        return int(m.group(1)) * int(m.group(2)), float(m.group(1)), float(m.group(2))
    m = re.search(r"\b(\d+)\s*x\s*(\d+)\b", text)
    if m:
        return int(m.group(1)) * int(m.group(2)), float(m.group(1)), float(m.group(2))
    m = re.search(r"(?:monthly|weekly)\s*x\s*(\d+)|#\s*(\d+)|\b(\d+)\s+(?:sessions|visits|radiographs)\b", text, re.I)
    if m:
        return int(next(g for g in m.groups() if g)), None, None
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}
    m = re.search(r"\b(one|two|three|four|six|twelve)\s+(radiographs|sessions|visits)\b", text, re.I)
    if m:
        return words[m.group(1).lower()], None, None
    return None, None, None


def _category(text, vocab):
    lowered = text.lower()
    if vocab.drug(text)[0] is not None:
        return "medication"
    for name, spec in vocab.categories.items():
        if any(re.search(p, lowered) for p in spec.get("phrases", ())):
            return name
    return None


def _region(text):
    lowered = text.lower()
    found = [r for r, words in (("cervical", ("cervical", "neck")), ("thoracic", ("thoracic",)),
                                ("lumbar", ("lumbar", "low back"))) if any(w in lowered for w in words)]
    return found[0] if len(found) == 1 else "multiple" if found else None


def draft_case(letter, letter_path):
    """(request mapping, fields left for a person) drafted from a parsed Letter."""
    vocab = load_vocabulary()
    summary = letter.case_summary
    flat_all = " ".join([summary] + [i.rationale for i in letter.items])
    request, missing = {"request_id": Path(letter_path).stem}, []
    review = _search_date(_UR, flat_all)
    if review:
        request["review_date"] = review
    else:
        missing.append("review_date (the utilization review date)")
    age = re.search(r"(\d{2})[- ]year[- ]old", summary)
    sex = re.search(r"\b(male|female)\b", summary, re.I)
    patient = {}
    if age:
        patient["age"] = int(age.group(1))
    if sex:
        patient["sex"] = sex.group(1).lower()
    if patient:
        request["patient"] = patient
    missing += [f"patient.{f}" for f in ("age", "sex") if f not in patient]
    doi = _search_date(_DOI, summary)
    if doi:
        request["injury"] = {"date": doi}
    else:
        missing.append("injury.date")
    diagnoses = _diagnoses(summary)
    if diagnoses:
        request["diagnoses"] = [{"text": d} for d in diagnoses]
    else:
        missing.append("diagnoses")
    pain = _pain(summary)
    if pain is not None:
        request["pain"] = {"current": pain}
    meds = _medications(summary)
    if meds is not None:
        request["medications"] = meds
    items = []
    for n, parsed in enumerate(letter.items, 1):
        item = {"id": f"item-{n}", "category": _category(parsed.text, vocab), "description": parsed.text}
        quantity, per_week, weeks = quantity_of(parsed.text)
        if quantity is not None and item["category"] != "medication":
            item["quantity"] = quantity
        elif item["category"] == "consultation":
            item["quantity"] = 1
            missing.append(f"items[{n - 1}].quantity (1 assumed for a consultation; check)")
        if per_week:
            item["frequency"] = {"per_week": per_week, "weeks": weeks}
        region = _region(parsed.text)
        if region:
            item["body_region"] = region
        if item["category"] == "medication":
            item["medication"] = {"name": parsed.text}
        if item["category"] is None:
            missing.append(f"items[{n - 1}].category")
        item["real_outcome"] = {"imr": parsed.decision, "letter": Path(letter_path).name, "guideline": parsed.guideline_line}
        items.append(item)
    request["items"] = items
    missing += ["clinical_course, work_status, exam, red_flags, imaging, treatment_history, opioid_monitoring, "
                "documentation (as the letter describes them)"]
    return request, missing


def dump_draft(request, missing, letter_path):
    """The draft as YAML, headed by what a person must still fill in."""
    head = [f"# Draft case from {Path(letter_path).name} (mtus-check letters draft-case). Check every value against",
            "# the letter. Not read from the letter, to fill in by hand:"]
    head += [f"#   - {m}" for m in missing]
    body = yaml.safe_dump(request, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(head) + "\n" + body


FIELDS = ("review_date", "patient.age", "patient.sex", "injury.date", "diagnoses", "pain.current", "medications",
          "items.description", "items.category", "items.quantity", "items.frequency", "items.real_outcome")


def _get(data, dotted):
    for part in dotted.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def field_values(request):
    """Comparable values of the drafted fields of a request mapping (hand-encoded or drafted)."""
    out = {}
    for field in FIELDS:
        if field.startswith("items."):
            key = field.split(".", 1)[1]
            values = []
            for item in request.get("items", []):
                value = item.get(key)
                if key == "real_outcome" and value:
                    value = value.get("imr")
                if key == "frequency" and value:
                    value = (float(value.get("per_week")), float(value.get("weeks")))
                values.append(value)
            out[field] = tuple(values)
        elif field == "diagnoses":
            out[field] = frozenset(" ".join(d.get("text", "").lower().split()) for d in request.get("diagnoses", []))
        elif field == "medications":
            meds = request.get("medications")
            out[field] = None if meds is None else frozenset(m["name"].lower() for m in meds)
        else:
            value = _get(request, field)
            out[field] = str(value) if isinstance(value, dt.date) else value
    return out


def field_accuracy(pairs):
    """{field: (correct, compared)} over (hand-encoded, drafted) request mappings."""
    totals = {f: [0, 0] for f in FIELDS}
    for hand, draft in pairs:
        a, b = field_values(hand), field_values(draft)
        for field in FIELDS:
            if a[field] in (None, (), frozenset()) and b[field] in (None, (), frozenset()):
                continue
            totals[field][1] += 1
            totals[field][0] += a[field] == b[field]
    return {f: tuple(v) for f, v in totals.items()}
