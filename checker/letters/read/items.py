"""Read a requested item from its heading: category, quantity and frequency, body regions and side, the drug,
and what UR authorised (from the letter's 'X was the original request. Y was authorized' sentences)."""
import re

from ...request.vocabulary import load_vocabulary
from .nlp import pipeline, targets
from .summary import date_in

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "sixteen": 16, "eighteen": 18, "twenty": 20,
                 "twenty-four": 24, "thirty": 30}
_NUM = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"


def _n(text):
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


def quantity_of(text):
    """(quantity, per_week, weeks) from '3 x 4', '1 to 2 times per week for 4 weeks' (the upper bound),
    'two times a week for six weeks (12 sessions)', 'Six physical therapy visits', '#60'."""
    t = text.lower()
    total = re.search(r"\(\s*(\d+)\s*(?:sessions|visits|treatments)\s*\)", t)
    m = re.search(_NUM + r"(?:\s*(?:-|to)\s*" + _NUM + r")?\s*(?:x|times)\s*(?:a|per|each)?\s*(?:week|wk)s?\s*"
                  r"(?:x|for|times|over)\s*" + _NUM + r"\s*(?:weeks?|wks?)?", t)
    if m:
        per_week = _n(m.group(2) or m.group(1))
        weeks = _n(m.group(3))
        quantity = int(total.group(1)) if total else per_week * weeks
        return quantity, float(per_week), float(weeks)
    m = re.search(r"\b" + _NUM + r"\s*(?:x|times)\s*" + _NUM + r"\b", t)
    if m:
        return _n(m.group(1)) * _n(m.group(2)), float(_n(m.group(1))), float(_n(m.group(2)))
    if total:
        return int(total.group(1)), None, None
    m = re.search(r"#\s*(\d+)", t)
    if m:
        return int(m.group(1)), None, None
    m = re.search(r"\b(?:times|x)\s*" + _NUM + r"\b", t)
    if m:
        return _n(m.group(1)), None, None
    m = re.search(r"\b" + _NUM + r"\s*(?:\(\d+\)\s*)?(?:[a-z/-]+\s+){0,4}?(?:sessions|visits|treatments|x-rays?|radiographs|"
                  r"injections?|units?)\b", t)
    if m:
        return _n(m.group(1)), None, None
    m = re.search(r"^\s*(?:one|1)\s*\(?1?\)?\s+", t)
    if m:
        return 1, None, None
    return None, None, None


def category_of(text):
    """The item category a heading names, or None."""
    vocab = load_vocabulary()
    lowered = " " + re.sub(r"\s+", " ", text.lower()) + " "
    for phrase, category in targets()["item_categories"]:
        if re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?:s|es)?(?![a-z])", lowered):
            if category == "ultrasound_therapy" and re.search(r"(?i)guided", text):
                continue  # the guidance of a procedure named further on
            if category == "ultrasound_therapy" and re.search(
                    r"(?i)diagnostic|ultrasound\s+(?:(?:study|scan|exam|examination|imaging)\s+)?of\b", text):
                return "ultrasound"  # an imaging study ("ultrasound of the right shoulder"), not therapy sessions
            return category
    if vocab.drug(text)[0] is not None or re.search(r"\d+\s*(mg|mcg|%)", lowered):
        return "medication"
    return None


def _regions(text):
    doc = pipeline()(text)
    regions = [e.label_.split(":", 1)[1] for e in doc.ents if e.label_.startswith("REGION:")]
    sides = [e.label_.split(":", 1)[1] for e in doc.ents if e.label_.startswith("SIDE:")]
    drugs = [e for e in doc.ents if e.label_.startswith("DRUG:")]
    if re.search(r"(?i)\bspine\b", text) and not {"cervical", "thoracic", "lumbar"} & set(regions):
        regions.append("lumbar")
    return list(dict.fromkeys(regions)), (sides[0] if len(set(sides)) == 1 else "bilateral" if sides else None), drugs


def _medication(text, drugs):
    vocab = load_vocabulary()
    med = {"name": text.strip()}
    lowered = text.lower()
    for form, cues in targets()["drug_forms"].items():
        if any(c in lowered for c in cues):
            med["form"] = form
            break
    else:
        if re.search(r"(?i)\d\s*mg\b|\b(?:tablets?|tabs?|capsules?|caps?)\b", text):
            med["form"] = "oral"  # a dose in mg, or tablets, with no cue of a cream, patch or liquid
    percents = re.findall(r"([A-Za-z][A-Za-z -]+?)\s+\d+(?:\.\d+)?\s*%", text)
    if len(percents) >= 2:
        med["ingredients"] = [p.strip() for p in percents]
    elif vocab.drug(text)[0] is None:
        med["compounded"] = True  # a proprietary product the vocabulary does not know
    refills = re.search(r"(?i)(\d+|one|two|three|four|five)\s+refills?", text)
    if refills:
        med["refills"] = _n(refills.group(1))
    return med


def _phrase_in(phrase, lowered):
    return re.search(r"(?<![a-z])" + re.escape(phrase) + r"(?![a-z])", lowered) is not None


def _spinal_levels(text):
    """Spinal regions named by their levels ('L4-L5 microdiscectomy' is lumbar, 'C5-6' cervical)."""
    return [region for region, pattern in targets()["spinal_levels"].items() if re.search(pattern, text)]


def _surgery(text, regions=()):
    """(procedures, most specific first as targets.yaml lists them, approach or None) of a surgery heading. A bare
    'arthroscopy' of a region where a specific procedure is named is that procedure's approach, not another one; a
    spinal procedure named without its region ('L4-L5 microdiscectomy') is the one of the region the heading names."""
    lowered = " ".join(text.lower().split())
    data = targets()
    known = load_vocabulary().procedures
    found = []
    for key, phrases in data["procedures"].items():
        hits = [p for p in phrases if _phrase_in(p, lowered)]
        if not hits or key in found:
            continue
        if all("arthroscop" in p for p in hits) and any(known[k].get("region") == known[key].get("region") for k in found):
            continue
        found.append(key)
    if regions:  # "labral repair" of the hip is not the shoulder's: a procedure of another region than named is not it
        joints = {j for r in regions for j in data["limb_joints"].get(r, ())}
        found = [k for k in found if known[k].get("region") in (None, *regions, *joints)]
    for region in regions:
        for key, phrases in data["regional_procedures"].get(region, {}).items():
            if key not in found and not any(known[k].get("region") == region for k in found) \
                    and any(_phrase_in(p, lowered) for p in phrases):
                found.append(key)
    approach = next((a for a, cues in data["surgical_approach"].items() if any(_phrase_in(c, lowered) for c in cues)), None)
    return found, approach


def _unit(text):
    """The unit a heading counts in, where it names one ('6 sessions', 'visits', '80 hours')."""
    return next((u for u in ("sessions", "visits", "hours") if re.search(rf"(?i)\b{u[:-1]}s?\b", text)), None)


def read_item(n, parsed, letter_name):
    """(item mapping, notes) for the n-th decided item of a letter."""
    notes = []
    text = parsed.request
    category = category_of(text)
    if category is None:
        category = "other"
        notes.append(f"items[{n - 1}].category: the heading names no category the vocabulary knows; 'other' set")
    item = {"id": f"item-{n}", "category": category, "description": " ".join(text.split())}
    regions, side, drugs = _regions(text)
    if category != "medication":
        regions += [r for r in _spinal_levels(text) if r not in regions]
    if category == "medication":
        item["medication"] = _medication(text, drugs)
    quantity, per_week, weeks = quantity_of(text)
    if quantity is not None:
        item["quantity"] = quantity
    elif category in ("consultation", "office_visit", "surgery", "functional_capacity_evaluation", "mri", "ct", "xray",
                      "emg", "ncs", "emg_ncs", "ecg", "tens_unit", "lumbar_support", "psychological_evaluation",
                      "epidural_steroid_injection", "urine_drug_test", "heat_cold_therapy", "ergonomic_equipment",
                      "mobility_aid", "brace_orthosis", "hospital_bed", "prp_injection"):
        item["quantity"] = 1
        notes.append(f"items[{n - 1}].quantity: 1 assumed for a single service or device; check")
    if per_week:
        item["frequency"] = {"per_week": per_week, "weeks": weeks}
    if category == "medication" and quantity is not None:
        item["unit"] = "tablets" if item["medication"].get("form") in (None, "oral") else None
        if item["unit"] is None:
            del item["unit"]
    if category == "surgery":
        procedures, approach = _surgery(text, regions)
        if procedures:
            item["procedure"] = procedures[0]
            if procedures[1:]:
                item["procedures"] = procedures[1:]
            if not regions and load_vocabulary().procedures[procedures[0]].get("region"):
                regions = [load_vocabulary().procedures[procedures[0]]["region"]]
        if approach:
            item["surgical_approach"] = approach
    elif category != "medication" and "unit" not in item:
        unit = _unit(text)
        if unit:
            item["unit"] = unit
    if len(regions) == 1:
        item["body_region"] = regions[0]
    elif regions:
        item["body_regions"] = regions
    if side:
        item["side"] = side
    trial = targets()["trial_statements"].get(category)
    if trial:  # "spinal cord stimulator trial" is the trial; "permanent implantation" is not
        if re.search(trial["trial_cue"], text, re.I):
            item["documentation"] = {trial["statement"]: trial["trial"]}
        elif re.search(trial["implant_cue"], text, re.I):
            item["documentation"] = {trial["statement"]: not trial["trial"]}
    if re.match(r"(?i)\s*retrospective", parsed.text):
        item["retrospective"] = True
        dos = re.search(r"(?i)\b(?:DOS|date of service)\s*:?\s*(\d{1,2}[-/]\d{1,2}[-/]\d{2,4})\b", parsed.text)
        if dos and date_in(dos.group(1)):
            item["date_of_service"] = date_in(dos.group(1))
        elif dos:
            notes.append(f"items[{n - 1}].date_of_service: '{dos.group(0)}' is not a date; not set")
    if parsed.authorized:
        ur = {"decision": "modified"}
        authorized, _, _ = quantity_of(parsed.authorized)
        if authorized is not None and (quantity is None or authorized <= quantity):
            ur["authorized_quantity"] = authorized
        item["ur"] = ur
    else:
        item["ur"] = {"decision": "non_certified"}
    item["real_outcome"] = {"imr": parsed.decision, "letter": letter_name, "guideline": parsed.guideline_line}
    return item, notes
