"""`mtus-check letters draft-case LETTER`: a starting structured request from a letter. The clinical facts come
from the case summary (read with medspaCy, checker/letters/read/); from the rationale only factual statements about
the record (sessions completed, a report missing, work status), each named in the draft's header; never the
reviewer's conclusion. The review date is the UR date. Every draft loads: an item whose category cannot be read
becomes `other`, and the header lists what a person should check or fill in."""
import datetime as dt
import re
from pathlib import Path

import yaml

from .read.items import quantity_of, read_item  # noqa: F401  (quantity_of: part of this module's interface)

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


_DOI = (r"industrial injury (?:on|of)\s+%s", r"date of injury (?:on|of)\s+%s", r"injury (?:on|of|from)\s+%s",
        r"injured (?:on|at work on)\s+%s", r"claim from\s+%s")
_UR = (r"utilization review (?:report |determination )?(?:dated|was rendered on|on)\s+%s",
       r"prior utilization review on\s+%s", r"On\s+%s,?\s+(?:the\s+)?utilization review", r"UR Denial Date:\s*%s")


def _iso(value):
    return dt.date.fromisoformat(value) if value else None


def _rationale_facts(letter, request, notes):
    """Factual statements the rationales make about the record (read.summary.record_sentences): courses, their
    sessions and response, documentation statements and studies whose report is missing, where the summary did
    not give them. Each is named in the draft's header with the sentence it came from."""
    from .read.summary import read_record_statements
    documented_history = "treatment_history" in request
    history = request.setdefault("treatment_history", [])
    for parsed, item in zip(letter.items, request["items"]):
        fields = read_record_statements(parsed.rationale, item["category"]).fields
        for key, value, _, quoted in fields.get("item_statements", ()):
            # the rationale of an item speaks of that item
            if key not in item.get("documentation", {}):
                item.setdefault("documentation", {})[key] = value
                notes.append(f"{item['id']}.documentation.{key}: {str(value).lower()} read from the rationale: \"{quoted}\"")
        for found, quoted in fields.get("treatment_history", ()):
            course = next((c for c in history if c["modality"] == found["modality"]), None)
            if course is None:
                course = {"modality": found["modality"]}
                history.append(course)
            for key, value in found.items():
                if key not in course:
                    course[key] = value
                    if key != "modality":
                        notes.append(f"treatment_history ({found['modality']}).{key} read from the rationale: \"{quoted}\"")
            if len(course) == 1:
                notes.append(f"treatment_history ({found['modality']}) read from the rationale: \"{quoted}\"")
        documentation = request.setdefault("documentation", {})
        for key, (value, quoted) in fields.get("documentation", {}).items():
            where = request if key == "new_neurological_deficit" else documentation  # a field of the request itself
            if key not in where:
                where[key] = value
                notes.append(f"{'' if where is request else 'documentation.'}{key}: {str(value).lower()} read from the "
                             f"rationale: \"{quoted}\"")
        if not documentation:
            request.pop("documentation")
        imaging = request.setdefault("imaging", [])
        for study, quoted in fields.get("imaging", ()):
            known = next((i for i in imaging if i["modality"] == study["modality"]
                          and i["region"] in (study["region"], "multiple")), None)
            if known is None and study["region"] == "multiple":
                known = next((i for i in imaging if i["modality"] == study["modality"]), None)
            if known is None:
                imaging.append(study)
            elif "official_report" not in known:
                known["official_report"] = False
            else:
                continue
            notes.append(f"imaging ({study['modality']}).official_report: false read from the rationale: \"{quoted}\"")
        if not imaging:
            request.pop("imaging")
    if not history and not documented_history:
        request.pop("treatment_history")  # an empty list the summary gave says "none of the others"; keep that
    if "red_flags" not in request:
        for item in letter.items:
            m = re.search(r"(?i)[^.]*\bno\s+(?:evidence of |documentation of |documented )?red[- ]flags?\b[^.]*\.", item.rationale)
            if m:
                request["red_flags"] = []
                notes.append(f"red_flags: [] read from the rationale: \"{' '.join(m.group(0).split())[:160]}\"")
                break


def _joint_of_limb(request, items, notes):
    """An imaging item of a whole limb ("MRI of left lower extremity") takes the one joint of that limb the
    examination records on its side (targets.yaml limb_joints); with none or several it stays the limb."""
    from .read.nlp import targets
    data = targets()
    for item in items:
        joints = data["limb_joints"].get(item.get("body_region"))
        if not joints or item["category"] not in data["joint_studies"]:
            continue
        seen = {f.get("region") for f in request.get("exam", ()) if f.get("region") in joints
                and f.get("side") in (None, item.get("side"), "bilateral")}
        if len(seen) == 1:
            item["body_region"] = seen.pop()
            limb = " ".join(filter(None, (item.get("side"), "limb")))
            notes.append(f"{item['id']}.body_region: {item['body_region']} (the only joint of the {limb} the "
                         f"examination records; check)")


def _item_statements(found, items):
    """Put each item statement of the summary on the item its sentence names (by category or drug), or, when the
    sentence names none, on the only item; any other statement is left out."""
    from ..request.vocabulary import load_vocabulary
    vocab = load_vocabulary()
    for key, value, names in found:
        named = [i for i in items if i["category"] in names
                 or (i["category"] == "medication" and vocab.drug(i["description"])[0] in names)]
        for item in named or (items if len(items) == 1 and not names else []):
            item.setdefault("documentation", {}).setdefault(key, value)


def draft_case(letter, letter_path):
    """(request mapping, notes: what was assumed or read from the rationale, and what a person must fill)."""
    from .read.summary import read_summary
    name = Path(letter_path).name
    request = {"request_id": Path(letter_path).stem}
    notes = []
    header = letter.header or {}
    summary = letter.case_summary
    review = _iso(header.get("ur_denial_date")) or _search_date(_UR, " ".join([summary] + [i.rationale for i in letter.items]))
    if review is None:
        review = _iso(header.get("decision_date"))
        notes.append("review_date: the letter gives no UR date; the IMR decision date is used (check)")
    if review is None:
        review = dt.date(2016, 7, 29)
        notes.append("review_date: the letter gives no date at all; set to check by hand")
    request["review_date"] = review
    reading = read_summary(summary)
    fields = reading.fields
    if "patient" in fields:
        request["patient"] = fields["patient"]
    injury = _iso(header.get("date_of_injury")) or _search_date(_DOI, summary)
    if injury and injury <= review:
        request["injury"] = {"date": injury}
    else:
        notes.append("injury.date (not read)")
    for key in ("diagnoses", "work_status", "pain", "exam", "red_flags", "imaging", "surgeries", "treatment_history",
                "medications", "documentation", "new_neurological_deficit"):
        if key in fields:
            request[key] = fields[key]
    if injury and fields.get("injury_severity"):
        request["injury"]["severity"] = fields["injury_severity"]
        notes.append(f"injury.severity: {fields['injury_severity']} (a fracture or like injury in the diagnoses; check)")
    items = []
    for n, parsed in enumerate(letter.items, 1):
        item, item_notes = read_item(n, parsed, name)
        items.append(item)
        notes += item_notes
    request["items"] = items
    _item_statements(fields.get("item_statements", ()), items)
    _joint_of_limb(request, items, notes)
    _rationale_facts(letter, request, notes)
    missing = [f"patient.{f}" for f in ("age", "sex") if f not in request.get("patient", {})]
    missing += [f for f in ("diagnoses", "exam", "treatment_history", "medications") if f not in request]
    notes += [f"{f} (not read from the letter)" for f in missing]
    notes.append("clinical_course, opioid_monitoring and most documentation statements are not read: fill them in "
                 "from the letter where it states them")
    return request, notes


def dump_draft(request, notes, letter_path):
    """The draft as YAML, headed by what was assumed, read from the rationale, or left for a person."""
    head = [f"# Draft case from {Path(letter_path).name} (mtus-check letters draft-case). Check every value against",
            "# the letter. Assumed, read from the rationale, or to fill in by hand:"]
    head += [f"#   - {m}" for m in notes]
    body = yaml.safe_dump(request, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(head) + "\n" + body
