"""Read a letter's clinical case summary into the fields of a request: demographics, diagnoses (suspected and
rule-out marked), pain, work status, examination findings with region, side and level, prior studies, prior
treatment with sessions and response, medications, red flags, surgeries and a few documentation statements.

Sentences are split and phrases found by medspaCy (targets.yaml and the vocabulary); ConText marks what is
negated, hypothetical (planned or requested) or uncertain. Sentences about the dispute itself (what UR decided,
the request for authorization) and about what is planned are not facts of the record and are skipped for every
field but the one that names what was requested. Numbers and dates are read from the sentence text."""
import re
from dataclasses import dataclass, field

from ...request.vocabulary import load_vocabulary
from .nlp import pipeline, targets

_DATE = re.compile(r"\b(\d{1,2})[-/](\d{1,2})[-/](\d{2}|\d{4})\b")
_PAIN = re.compile(r"\b(\d{1,2}(?:\.\d)?)\s*(?:-|to)\s*(\d{1,2}(?:\.\d)?)\s*(?:/|out of)\s*10\b|\b(\d{1,2}(?:\.\d)?)\s*(?:/|out of)\s*10\b")
_LEVEL = re.compile(r"\b([CTLS][1-8](?:\s*-\s*[CTLS]?[1-8])?)\b")
_COUNT = re.compile(r"\b(\d{1,3})\s+(?:\w+\s+){0,3}?(?:sessions?|visits?|treatments?|reports?|appointments?)\b", re.I)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24}


def date_in(text):
    """The first m-d-y date in a text ('12/13/2016', '6-4-10'), or None."""
    m = _DATE.search(text)
    if not m:
        return None
    import datetime as dt
    month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    year = year + 2000 if year < 100 else year
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass
class Sentence:
    text: str
    ents: list  # (label, text, negated, hypothetical, uncertain, start char in sentence)
    dispute: bool
    plan: bool
    complaint: bool

    def labels(self, kind):
        return [(e[0].split(":", 1)[1], e) for e in self.ents if e[0].startswith(kind + ":")]


@dataclass
class Reading:
    """The fields read from a summary, and where each came from."""
    fields: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # provenance lines for the draft's header


def _has(text, phrases):
    lowered = f" {text.lower()} "
    return any(p.lower() in lowered for p in phrases)


def sentences(text):
    """The summary's sentences with their entities and flags."""
    data = targets()
    doc = pipeline()(text)
    out = []
    for sent in doc.sents:
        ents = [(e.label_, e.text, e._.is_negated, e._.is_hypothetical, e._.is_uncertain, e.start_char - sent.start_char)
                for e in sent.ents]
        out.append(Sentence(sent.text, ents, _has(sent.text, data["dispute"]), _has(sent.text, data["plan"]),
                            _has(sent.text, data["complaint"])))
    return out


def _is_head(fragment, heads):
    words = re.findall(r"[a-z]+", fragment.lower())
    return any(w in heads or re.search(r"(itis|algia|opathy|osis|ectomy|plasty)$", w) for w in words)


def _split_list(text, heads):
    """A list of diagnoses as the summary words them: split at ';' (then only there), else at commas and 'and',
    keeping 'strain of muscle, fascia and tendon' whole (a fragment with no diagnosis word continues the last)."""
    text = re.sub(r"(?i)^\s*(?:documented as|as follows|noted as|listed as|of|as)\s*:?\s*", "", text)
    separator = r";\s*(?:and\s+)?" if ";" in text else r",\s*(?:and\s+)?(?![^()]*\))|\s+and\s+(?=[a-z])"
    out = []
    for part in re.split(separator, text):
        part = re.sub(r"(?i)^(?:a|an|the)\s+", "", part.strip(" .:"))
        if not part:
            continue
        if out and not _is_head(part, heads) and len(part.split()) <= 4:
            out[-1] = f"{out[-1]}{', ' if ',' in text and ';' not in text else ' and '}{part}"
            continue
        out.append(part)
    return [p for p in out if len(p.split()) <= 16]


def _diagnoses(sents, vocab):
    data = targets()
    heads = set(data["diagnosis_heads"])
    triggers = sorted(data["diagnosis_list"], key=len, reverse=True)
    out, seen = [], set()
    for s in sents:
        if s.dispute:
            continue
        lowered = s.text.lower()
        hit = next((t for t in triggers if t in lowered), None)
        if hit is None or (hit == "noted to include" and not re.search(r"diagnos|impression", lowered)):
            continue
        rest = s.text[lowered.index(hit) + len(hit):]
        for end in data["diagnosis_list_end"]:
            cut = rest.lower().find(end)
            if cut > 0:
                rest = rest[:cut]
        rest = re.sub(r"(?i)^\s*(?:have |has )?(?:included|include|includes|are|were|is|was|of)?\s*:?\s*", "", rest)
        for text in _split_list(rest, heads):
            status = "confirmed"
            low = text.lower()
            if any(low.startswith(w) for w in ("rule out", "r/o")):
                status, text = "rule_out", re.sub(r"(?i)^(rule out|r/o)\s*", "", text)
            elif any(w in low for w in ("possible", "probable", "suspected", "questionable")):
                status = "suspected"
            key = " ".join(text.lower().split())
            if text and key not in seen:
                seen.add(key)
                out.append({"text": text, "status": status} if status != "confirmed" else {"text": text})
    return out


def _pain(sents):
    current, low, high = None, None, None
    for s in sents:
        if s.dispute:
            continue
        for m in _PAIN.finditer(s.text):
            if m.group(3):
                current, low, high = float(m.group(3)), None, None
            else:
                a, b = float(m.group(1)), float(m.group(2))
                if a <= b <= 10:
                    current, low, high = None, a, b
    out = {}
    if current is not None and current <= 10:
        out["current"] = current
    if low is not None:
        out.update(low=low, high=high)
    return out


def _work_status(sents):
    status = None
    for s in sents:
        if s.dispute:
            continue
        for key, e in s.labels("WORK"):
            if key == "unknown" or not e[2]:
                status = key
    return status


def _psychological_disability(sents):
    """A work status of disability on psychological grounds ("temporarily and totally psychologically disabled"):
    the psychological condition affects recovery (vocabulary psych_condition_impedes_recovery)."""
    for s in sents:
        for key, e in s.labels("WORK"):
            if key == "not_working" and not e[2] and not s.dispute and re.search(r"(?i)psych", e[1]):
                return {"psych_condition_impedes_recovery": True}
    return {}


def _nearest(s, kind, position, length=0):
    """The entity of a kind in the same clause as a position (else nearest in the sentence), or None."""
    clause = _clause(s.text, position, length)
    start = s.text.find(clause)
    found = [(0 if start <= e[5] < start + len(clause) else 1, abs(e[5] - position), key) for key, e in s.labels(kind)]
    return min(found)[2] if found else None


def _clause(text, start, length):
    """The clause around a phrase: up to the nearest ';', ',' or ' and ' on either side (an ' and ' just before it
    joins a short list, "decreased C5 and C6 dermatome sensation", and does not end the clause)."""
    left = max(text.rfind(sep, 0, start) for sep in (";", ",", ":"))
    joined = text.rfind(" and ", 0, start)
    if joined > left and start - joined > 12:
        left = joined + 4
    ends = [i for sep in (";", ",", " and ", ".") if (i := text.find(sep, start + length)) != -1]
    return text[left + 1 if left >= 0 else 0: min(ends) if ends else len(text)]


def _exam(sents):
    data = targets()
    out, seen = [], set()
    context = None  # the region the examination is about, carried to the next sentence that names none
    for s in sents:
        if s.dispute or s.plan or s.labels("STUDY"):
            context = None
            continue
        regions_here = [k for k, _ in s.labels("REGION")]
        if s.complaint and not re.search(r"(?i)exam|palpation|test|noted|revealed|showed|demonstrated|positive|negative", s.text):
            continue
        for finding, e in s.labels("EXAM"):
            window = _clause(s.text, e[5], len(e[1])).lower()
            normal = any(re.search(rf"(?<![a-z]){re.escape(str(c))}(?![a-z])", window) for c in data["normal_cues"])
            abnormal = any(re.search(rf"(?<![a-z]){re.escape(str(c))}(?![a-z])", window) for c in data["abnormal_cues"])
            negative = e[2] or (normal and not abnormal)
            positive = not negative
            if finding in data["exam_terms"] and finding not in ("tenderness", "spasm", "straight_leg_raise", "spurling",
                                                                 "tinel", "phalen", "mcmurray", "trigger_points",
                                                                 "swelling", "effusion", "instability", "speed_test",
                                                                 "obrien", "impingement_sign"):
                # a neutral term ("sensation", "reflexes"): recorded only when the words around it say how it was
                if not (abnormal or normal or e[2]):
                    continue
            if finding == "weakness" and (re.search(r"(?i)myotom|motor strength|motor exam|motor testing", s.text)
                                          or _LEVEL.search(window.upper())):
                finding = "myotomal_weakness"  # strength graded by nerve root in a neurological examination
            region = _nearest(s, "REGION", e[5], len(e[1])) or context
            side = _nearest(s, "SIDE", e[5], len(e[1]))
            level = _LEVEL.search(s.text[e[5]:e[5] + 60])
            if not positive and finding in ("tenderness", "spasm", "swelling", "gait_abnormality"):
                continue  # "no tenderness": the records rarely turn on it, and a summary says it in passing
            item = {"finding": finding, "result": "positive" if positive else "negative"}
            if region:
                item["region"] = region
            if side:
                item["side"] = side
            if level and finding in ("dermatomal_sensory_deficit", "myotomal_weakness", "reflex_change", "weakness"):
                item["level"] = level.group(1).replace(" ", "")
            key = tuple(sorted(item.items()))
            if key not in seen:
                seen.add(key)
                out.append(item)
        if regions_here:
            context = regions_here[-1]
    return out


def _imaging(sents):
    data = targets()
    out = []
    for s in sents:
        studies = [(k, e) for k, e in s.labels("STUDY") if not e[3]]
        if not studies or s.dispute or (s.plan and not _has(s.text, data["report_present"])):
            continue
        lowered = s.text.lower()
        if re.search(r"(?i)\b(requests?|requested|requesting|recommend\w*|plan|planned|pending|scheduled|order\w*|"
                     r"authoriz\w*|certif\w*|denied|appeal\w*|consider\w*|refer\w*|will|would)\b", s.text):
            continue  # a study asked for or discussed, not one done
        absent = _has(s.text, data["report_absent"]) or any(e[2] for _, e in studies)
        present = _has(s.text, data["report_present"])
        regions = [k for k, e in s.labels("REGION")] or [None]
        keys = list(dict.fromkeys(k for k, _ in studies))
        if "emg_ncs" in keys:
            keys = [k for k in keys if k not in ("emg", "ncs")]
        if "emg" in keys and "ncs" in keys:
            keys = [k for k in keys if k not in ("emg", "ncs")] + ["emg_ncs"]
        for modality in keys:
            for region in dict.fromkeys(regions):
                if modality == "unspecified":
                    continue  # 'diagnostic studies' name no study
                study = {"modality": modality, "region": region or "multiple"}
                side = s.labels("SIDE")
                if side:
                    study["side"] = side[0][0]
                day = date_in(s.text)
                if day:
                    study["date"] = day
                if absent:
                    study["official_report"] = False
                elif present:
                    study["official_report"] = True
                    m = re.search(r"(?i)(?:revealed|showed|shows|demonstrated|demonstrates|indicated|indicates|"
                                  r"impression|noted|documented)\s*:?\s*(.+)", s.text)
                    if m:
                        study["findings"] = m.group(1).strip(" .")
                    if _has(lowered, data["nerve_root_compromise"]):
                        study["nerve_root_compromise"] = True
                    levels = list(dict.fromkeys(lv.replace(" ", "") for lv in _LEVEL.findall(s.text) if "-" in lv))
                    if levels:
                        study["levels"] = levels
                out.append(study)
    merged = {}
    for study in out:  # one study per modality and region: the most informative mention
        key = (study["modality"], study["region"])
        if key not in merged or len(study) > len(merged[key]):
            merged[key] = study
    return list(merged.values())


def _sessions(text, start):
    window = text[start: start + 80]
    before = text[max(0, start - 60): start]
    for chunk in (before, window):
        m = _COUNT.search(chunk) or re.search(r"(?i)\b(\d{1,3})\s*(?:prior|previous|completed|authorized)?\s*$", before)
        if m:
            return int(m.group(1))
        m = re.search(r"(?i)\b(" + "|".join(_WORDS) + r")\s+(?:\w+\s+){0,3}?(?:sessions?|visits?|treatments?)\b", chunk)
        if m:
            return _WORDS[m.group(1).lower()]
    return None


def _responses(s):
    """How a course went, as the sentence says: a response phrase carries its own polarity ("did not help"), so
    ConText's negation is not applied to it; the longest phrase wins where two overlap."""
    keys = {k for k, _ in s.labels("RESPONSE")}
    if "no_improvement" in keys:
        keys.discard("reported_improvement")
    return keys


def _treatment(sents, requested):
    data = targets()
    courses, last = {}, None
    for i, s in enumerate(sents):
        if s.dispute:
            last = None
            continue
        treated = [k for k, e in s.labels("TREAT") if not e[2] and not e[3]]
        if not treated and last in courses:
            # "It was noted that the pain had decreased" after a sentence about the course
            responses = _responses(s)
            if "no_improvement" in responses:
                courses[last]["reported_improvement"] = False
            elif "reported_improvement" in responses:
                courses[last].setdefault("reported_improvement", True)
        last = treated[-1] if treated else None
        for category, e in s.labels("TREAT"):
            if e[3] or e[2] or (s.plan and not _has(s.text, data["treatment_list"])):
                continue
            if category == "other" or load_vocabulary().category_kind(category) == "visit":
                continue
            course = courses.setdefault(category, {"modality": category})
            regions = [k for k, _ in s.labels("REGION")]
            if len(set(regions)) == 1 and "body_region" not in course:
                course["body_region"] = regions[0]
            sessions = _sessions(s.text, e[5])
            if sessions is not None and sessions <= 60:
                course["sessions"] = max(course.get("sessions", 0), sessions)
            responses = _responses(s)
            if "functional_improvement" in responses:
                course["functional_improvement"] = True
            if "no_improvement" in responses:
                course["reported_improvement"] = False
            elif "reported_improvement" in responses:
                course["reported_improvement"] = True
    return list(courses.values())


def _current_care(sents):
    """Statements about the care under way, from sentences that name a course in the present ("is undergoing
    physical therapy", "6 chiropractic visits have helped"): an exercise program the patient takes part in, and
    symptoms improving with the current care (targets.yaml current_care)."""
    data = targets()["current_care"]
    out = {}
    for s in sents:
        if s.dispute or s.plan:
            continue
        courses = [k for k, e in s.labels("TREAT") if not e[2] and not e[3]]
        if not courses or not _has(s.text, data["now"]):
            continue
        if set(courses) & set(data["exercise"]):
            out["active_exercise_program"] = True
        responses = _responses(s)
        if "reported_improvement" in responses and "no_improvement" not in responses:
            out["improving_with_current_care"] = True
    return out


def _lists_treatment(sents):
    return any(not s.dispute and re.search(r"(?i)\btreatments? (?:to date|rendered|and evaluation to date|and diagnostic "
                                           r"testing to date)|\b(?:prior|previous|past|relevant) treatments?\b", s.text)
               for s in sents)


def _medications(sents, vocab):
    data = targets()
    meds, seen = [], set()
    for s in sents:
        if s.dispute:
            continue
        listed = _has(s.text, data["medication_list"]) or _has(s.text, data["treatment_list"])
        if s.plan and not listed:
            continue
        for key, e in s.labels("DRUG"):
            if e[3] or key in seen:
                continue
            seen.add(key)
            med = {"name": e[1]}
            dose = re.match(r"\s*(\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?\s*(?:mg|mcg|%|g)\b)", s.text[e[5] + len(e[1]):], re.I)
            if dose:
                med["dose"] = dose.group(1)
            meds.append(med)
    return meds


def _red_flags(sents):
    flags, documented = [], False
    for s in sents:
        for key, e in s.labels("REDFLAG"):
            if key == "none":
                documented = True
            elif not e[2] and not s.dispute and not s.plan:
                flags.append(e[1].lower())
                documented = True
    return sorted(set(flags)) if documented else None


_SURGERY = re.compile(r"(?i)\b(?:status post|s/p|underwent|had)?\s*((?:[\w-]+\s+){0,4}?)(surgery|surgeries|fusion|release|"
                      r"repair|fixation|arthroscopy|arthroplasty|laminectomy|discectomy|meniscectomy|reconstruction|"
                      r"orif|decompression)\b")


def _surgeries(sents, vocab):
    out, seen = [], set()
    for s in sents:
        if s.dispute or s.plan:
            continue
        for m in _SURGERY.finditer(s.text):
            window = (m.start(), m.end())
            regions = [k for k, e in s.labels("REGION") if window[0] - 5 <= e[5] <= window[1] + 25]
            procedures = [k for k, e in s.labels("PROCEDURE") if window[0] - 5 <= e[5] <= window[1] + 25]
            if not regions and not procedures:
                continue
            surgery = {"procedure": procedures[0]} if procedures else {"text": " ".join(m.group(0).split())}
            if regions:
                surgery["body_region"] = regions[0]
            day = date_in(s.text[m.start(): m.end() + 30])
            if day:
                surgery["date"] = day
            key = (surgery.get("procedure"), surgery.get("body_region"))
            if key not in seen:
                seen.add(key)
                out.append(surgery)
    return out


def _statement_values(sents):
    """(key, value, sentence) for each documentation statement the sentences make in so many words. Whether the
    requested drug is a first prescription or a continuation is read from sentences about the request too."""
    for s in sents:
        for key, e in s.labels("STATEMENT"):
            about_request = key in ("first_prescription", "ongoing_use")  # said of the request: hypothetical by ConText
            if (e[3] or s.dispute) and not about_request:
                continue
            if key == "first_prescription":
                yield "ongoing_use", e[2], s
            else:
                yield key, not e[2], s


def _statements(sents):
    """The documentation statements, the last sentence's word on each; for a statement that names any of several
    symptoms (targets.yaml any_symptom) one present symptom documents it, whatever else is denied."""
    item_keys, any_symptom = set(targets()["item_statements"]), set(targets()["any_symptom"])
    out = {}
    for key, value, _ in _statement_values(sents):
        if key not in item_keys and not (key in any_symptom and out.get(key)):
            out[key] = value
    return out


def item_statements(sents):
    """(key, value, the categories and drugs the sentence names) for the statements that belong to one item."""
    item_keys = set(targets()["item_statements"])
    return [(key, value, {k for k, _ in s.labels("TREAT") + s.labels("STUDY") + s.labels("DRUG")})
            for key, value, s in _statement_values(sents) if key in item_keys]


def _severity(diagnoses):
    words = targets()["severe_injury"]
    for d in diagnoses:
        text = f" {d['text'].lower()} "
        if d.get("status") is None and "history of" not in text and any(f" {w} " in text for w in words):
            return "severe"
    return None


def record_sentences(text):
    """The sentences of a rationale that state what the record holds ("Progress notes have noted 6 prior physical
    therapy completed thus far with no documented improvement"), not what the guideline says, what UR decided or
    what the reviewer concludes: a sentence about the patient or the records, with none of the guideline's or the
    decision's words (targets.yaml record_subject, guideline_language). A sentence on what the records lack
    ("there is no documentation of functional improvement") is left out: what is not documented stays unknown."""
    data = targets()
    subject = re.compile(r"(?i)\b(?:" + "|".join(re.escape(w) for w in data["record_subject"]) + r")\b")
    guideline = re.compile(r"(?i)[\"\u201c\u201d]|\b(?:" + "|".join(re.escape(w) for w in data["guideline_language"]) + r")(?![a-z])")
    cited = re.compile(r"\([A-Z][A-Za-z]+(?: et al\.?)?,? (?:19|20)\d\d\)")  # (Li, 2005): the guideline's evidence
    absence = re.compile(r"(?i)\b(?:" + "|".join(re.escape(w) for w in data["record_absence"]) + r")\b")
    return [s for s in sentences(text or "") if not s.dispute and subject.search(s.text) and not guideline.search(s.text)
            and not cited.search(s.text) and not absence.search(s.text)]


def read_record_statements(text, requested=None):
    """A Reading of a rationale's record sentences: treatment courses (sessions, response), documentation
    statements and studies whose report is not in the file. Each field names the sentence it came from. The
    requested category is a course of the record only where the sentence says it was done ("completed")."""
    sents = record_sentences(text)
    fields = {}
    done = targets()["course_done"]
    for s in sents:
        quoted = " ".join(s.text.split())[:160]
        for course in _treatment([s], ()):
            if course["modality"] == requested and not _has(s.text, done):
                continue
            fields.setdefault("treatment_history", []).append((course, quoted))
        for key, value in {**_current_care([s]), **_statements([s])}.items():
            fields.setdefault("documentation", {}).setdefault(key, (value, quoted))
        for key, value, names in item_statements([s]):
            fields.setdefault("item_statements", []).append((key, value, names, quoted))
        for study in _imaging([s]):
            if study.get("official_report") is False and _has(s.text, targets()["report_absent"]):
                fields.setdefault("imaging", []).append((study, quoted))
    return Reading(fields=fields)


def read_summary(text):
    """A Reading of the summary: the request fields the reader could fill."""
    vocab = load_vocabulary()
    sents = sentences(text or "")
    fields = {}
    age = re.search(r"(\d{2})[- ]year[- ]old", text or "")
    sex = re.search(r"\b(male|female|man|woman|gentleman|lady)\b", text or "", re.I)
    patient = {}
    if age:
        patient["age"] = int(age.group(1))
    if sex:
        patient["sex"] = {"man": "male", "gentleman": "male", "woman": "female", "lady": "female"}.get(
            sex.group(1).lower(), sex.group(1).lower())
    if patient:
        fields["patient"] = patient
    diagnoses = _diagnoses(sents, vocab)
    found = {"diagnoses": diagnoses, "pain": _pain(sents), "work_status": _work_status(sents), "exam": _exam(sents),
             "imaging": _imaging(sents), "surgeries": _surgeries(sents, vocab), "medications": _medications(sents, vocab),
             "documentation": {**_current_care(sents), **_psychological_disability(sents), **_statements(sents)}, "item_statements": item_statements(sents),
             "injury_severity": _severity(diagnoses)}
    deficit = found["documentation"].pop("new_neurological_deficit", None)
    if deficit is not None:
        found["new_neurological_deficit"] = deficit
        if deficit:  # "dense numbness" is also the numbness its longer phrase hides from neurologic_symptoms
            found["documentation"].setdefault("neurologic_symptoms", True)
    fields.update((key, value) for key, value in found.items() if value)
    flags = _red_flags(sents)
    if flags is not None:  # [] says: no red flags
        fields["red_flags"] = flags
    courses = _treatment(sents, ())
    if courses or _lists_treatment(sents):
        # a summary that lists the treatment to date documents the history: what it does not list was not done
        fields["treatment_history"] = courses
    return Reading(fields=fields)
