"""The pre-submission form as data: which questions to ask for an item's category (what the rules for that category
read, the way a documentation questionnaire does), the request mapping a filled form makes, and the form input an
error's field names. Pure functions of the rule library and the form's values; no web framework here.

Input names are the request's own field paths (`patient.age`, `items[0].quantity`, `diagnoses[1].text`,
`items[0].documentation.treatment_goals`), so that an error naming a field names its input. A handful of inputs
stand for something the request writes otherwise (a course's response, "no prior treatment documented")."""
import re
from dataclasses import dataclass

from ..library.conditions import All, Leaf, Not, evaluate, facts_used
from ..request.vocabulary import load_vocabulary

REQUEST_ID = "web-check"
MAX_ITEMS = 5
TRI = (("", "not documented"), ("yes", "yes"), ("no", "no"))  # a documentation fact: unknown stays unknown
_TRI_VALUES = {"yes": True, "no": False}
ROWS = {"items": MAX_ITEMS, "diagnoses": 5, "treatment_history": 4, "exam": 10, "imaging": 3, "medications": 6}
_RESPONSES = (("", "not documented"), ("functional", "objective functional improvement documented"),
              ("reported", "reported to help, without measured improvement"),
              ("none", "documented not to have helped"))
_OPIOID = (("analgesia", "Pain relief (analgesia) assessed"),
           ("activities_of_daily_living", "Activities of daily living assessed"),
           ("adverse_effects", "Side effects reviewed"),
           ("aberrant_behavior", "Aberrant drug-taking behaviour assessed"),
           ("urine_drug_screen", "Urine drug screening done"), ("agreement", "Opioid treatment agreement signed"),
           ("functional_benefit", "Improved function and pain from the opioid"),
           ("cures_checked", "CURES (prescription database) checked"),
           ("risk_screening", "Risk of misuse screened (ORT, SOAPP, ...)"))


@dataclass(frozen=True)
class Field:
    name: str  # the field path under the question's scope (the request, an item, or a list entry)
    label: str
    kind: str  # text | number | date | select | tri (yes / no / not documented) | list (comma-separated)
    options: tuple = ()  # (value, label) pairs of a select
    refresh: bool = False  # the questions depend on it (the page asks again when it changes)


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    scope: str  # request | item
    fields: tuple
    reads: tuple = ()  # the facts it answers: names, or prefixes ending in "_"
    always: bool = False  # asked whatever the category
    rows: int = 0  # a list of up to `rows` entries, named KEY[i].FIELD
    none_label: str = ""  # a list: the check box saying the records document none

    def answers(self, fact):
        return any(fact == r or (r.endswith("_") and fact.startswith(r)) for r in self.reads)


@dataclass(frozen=True)
class Asked:
    """What one item's category asks beyond the questions always asked."""
    item: tuple  # item-scope Questions
    request: frozenset  # keys of request-scope Questions
    documentation: tuple  # (statement key, what it says)
    diagnoses: tuple  # labels of the diagnosis groups the rules tell apart


def _pick(*names, blank="(not stated)"):
    """Choices of a select: a blank one first (not stated), then the names as they read."""
    return ((("", blank),) + tuple((n, n.replace("_", " ")) for n in names))


def _label(spec, key):
    """A vocabulary entry's label for a list of choices. Some labels lost their end where YAML's flow style cut
    them at a comma ('mobility aid (crutches'): those show without the open parenthesis."""
    label = spec.get("label") or key.replace("_", " ")
    return label.split(" (", 1)[0] if label.count("(") > label.count(")") else label


def _named(entries, blank="(not stated)"):
    return (("", blank),) + tuple(sorted(((k, _label(v, k)) for k, v in entries.items()), key=lambda p: p[1].lower()))


def questions(vocab):
    """Every question the form can ask, in page order, with the vocabulary's names as choices."""
    if "web_questions" in vocab.memo:
        return vocab.memo["web_questions"]
    categories, procedures = _named(vocab.categories, "(choose)"), _named(vocab.procedures)
    regions, sides = _pick(*vocab.body_regions), _pick("left", "right", "bilateral")
    studies = (("", "(choose)"),) + tuple((c, _label(vocab.categories[c], c)) for c in vocab.study_categories()) \
        + (("unspecified", "not named"),)
    units = _pick("visits", "sessions", "units", "hours", "hours_per_week", "days", "weeks", "months", "tablets",
                  "patches", "injections", "levels", "tests")
    F, Q = Field, Question
    found = (
        Q("dates", "Dates", "request",
          (F("review_date", "Review date (the date of the request)", "date"),
           F("injury.date", "Date of injury", "date")),
          ("review_day", "injury_day", "weeks_since_injury", "symptom_phase"), always=True),
        Q("patient", "Patient", "request",
          (F("patient.age", "Age", "number"), F("patient.sex", "Sex", "select", _pick("female", "male", "other"))),
          ("patient_age",), always=True),
        Q("diagnoses", "Diagnoses", "request",
          (F("text", "Diagnosis", "text"), F("icd10", "ICD-10 code (optional)", "text"),
           F("status", "Status", "select",
             (("", "confirmed"), ("suspected", "suspected"), ("rule_out", "to rule out")))),
          ("dx_", "suspected_"), always=True, rows=ROWS["diagnoses"]),
        Q("treatment_history", "Prior treatment", "request",
          (F("modality", "Treatment", "select", categories), F("body_region", "Body region", "select", regions),
           F("sessions", "Sessions completed", "number"), F("end", "Last session (date)", "date"),
           F("response", "Response", "select", _RESPONSES)),
          ("prior_", "course_count_", "visits_total"), always=True, rows=ROWS["treatment_history"],
          none_label="The records document no prior treatment"),
        Q("onset", "Symptom onset", "request",
          (F("injury.symptom_onset", "Date the symptoms began (if not the injury date)", "date"),),
          ("weeks_since_onset", "phase_of_care")),
        Q("severity", "Injury severity", "request",
          (F("injury.severity", "Severity of the acute injury", "select", _pick("minor", "moderate", "severe")),),
          ("injury_severity",)),
        Q("work_status", "Work status", "request",
          (F("work_status", "Work status", "select", _pick("full_duty", "modified_duty", "not_working", "unknown")),),
          ("work_status",)),
        Q("job_physical_demand", "Job demands", "request",
          (F("job_physical_demand", "Physical demand of the job", "select",
             _pick("sedentary", "light", "medium", "heavy", "very_heavy")),), ("job_physical_demand",)),
        Q("clinical_course", "Clinical course", "request",
          (F("clinical_course", "Clinical course", "select",
             _pick("stable", "improving", "worsening", "acute_flare")),),
          ("clinical_course",)),
        Q("pain", "Pain", "request", (F("pain.current", "Current pain (0-10)", "number"),), ("pain_current",)),
        Q("pain_relief", "Pain with and without medication", "request",
          (F("pain.with_medication", "Pain with medication (0-10)", "number"),
           F("pain.without_medication", "Pain without medication (0-10)", "number")), ("pain_relief_points",)),
        Q("red_flags", "Red flags", "request",
          (F("red_flags", "Red flags (serious pathology) documented", "tri"),
           F("red_flags.text", "Which red flags (optional)", "text")), ("red_flags",)),
        Q("new_neurological_deficit", "Neurological deficit", "request",
          (F("new_neurological_deficit", "A new or progressive neurological deficit is documented", "tri"),),
          ("new_neuro_deficit",)),
        Q("homebound", "Homebound", "request", (F("patient.homebound", "The patient is homebound", "tri"),),
          ("homebound",)),
        Q("lives_alone", "Help at home", "request",
          (F("patient.lives_alone", "No one at home can help with care", "tri"),), ("lives_alone",)),
        Q("exam", "Examination findings", "request",
          (F("finding", "Finding", "select", _named(vocab.exam_findings, "(choose)")),
           F("result", "Result", "select", (("", "positive"), ("negative", "negative"))),
           F("region", "Body region", "select", regions), F("side", "Side", "select", sides),
           F("level", "Spinal level (e.g. L5, C6)", "text")),
          ("exam_", "radiculopathy_on_exam"), rows=ROWS["exam"]),
        Q("imaging", "Imaging and electrodiagnostic studies done", "request",
          (F("modality", "Study", "select", studies), F("region", "Body region", "select", regions),
           F("official_report", "Official report available", "tri"),
           F("nerve_root_compromise", "Shows nerve root compromise", "tri"),
           F("levels", "Levels with the pathology (e.g. L4-L5, L5-S1)", "list")),
          ("imaging_corroborates", "imaging_level_match", "prior_same_study", "prior_imaging_region"),
          rows=ROWS["imaging"]),
        Q("medications", "Current medications", "request",
          (F("name", "Medication", "text"), F("daily_mg", "Daily dose (mg, or mcg/h for a patch)", "number")),
          ("taking_", "drug_on_medication_list", "same_class_other_drug", "mme_total"), rows=ROWS["medications"],
          none_label="The records document that the patient takes no medications"),
        Q("opioid_monitoring", "Opioid monitoring (answer when an opioid is requested or taken)", "request",
          tuple(F(f"opioid_monitoring.{k}", label, "tri") for k, label in _OPIOID), ("opioid_",)),
        Q("item", "Requested item", "item",
          (F("category", "Category", "select", categories, refresh=True),
           F("description", "Description (as on the request)", "text"),
           F("body_region", "Body region", "select", regions, refresh=True), F("side", "Side", "select", sides),
           F("quantity", "Quantity requested", "number"), F("frequency.per_week", "Times per week", "number"),
           F("frequency.weeks", "For how many weeks", "number")),
          ("category", "category_kind", "body_region", "side", "quantity", "frequency_per_week", "duration_weeks",
           "region_count"), always=True),
        Q("unit", "Unit", "item", (F("unit", "Unit of the quantity", "select", units),), ("quantity_unit",)),
        Q("purpose", "Purpose", "item",
          (F("purpose.category", "What the item is for (e.g. the procedure a consultation is for)", "select",
             categories, refresh=True),
           F("purpose.body_region", "Body region of that procedure", "select", regions, refresh=True)),
          ("purpose", "purpose_kind")),
        Q("levels", "Spinal levels", "item", (F("levels", "Spinal levels to be treated", "number"),),
          ("levels", "spinal_levels")),
        Q("approach", "Injection approach", "item",
          (F("approach", "Approach", "select", _pick("transforaminal", "interlaminar", "caudal")),), ("approach",)),
        Q("procedure", "Surgery requested", "item",
          (F("procedure", "Procedure", "select", procedures),
           F("surgical_approach", "Approach", "select", _pick("arthroscopic", "open", "minimally_invasive"))),
          ("procedure", "procedure_count", "surgical_approach")),
        Q("after_surgery", "After surgery", "item",
          (F("after_surgery.procedure", "Surgery this treatment follows (if any)", "select", procedures),
           F("after_surgery.date", "Date of that surgery", "date")),
          ("after_surgery", "postsurgical", "weeks_since_surgery")),
        Q("depends_on", "Serves another item", "item",
          (F("depends_on", "The item this one is for (e.g. the surgery)", "select",
             (("", "(none)"),) + tuple((f"item-{i + 1}", f"item {i + 1}") for i in range(MAX_ITEMS))),),
          ("depends_on_category",)),
        Q("retrospective", "Retrospective request", "item",
          (F("retrospective", "The service was already given (a retrospective request)", "tri"),
           F("date_of_service", "Date of service", "date")), ("retrospective",)),
        Q("medication", "Medication requested", "item",
          (F("medication.name", "Medication (name and strength)", "text"), F("medication.dose", "Dose", "text"),
           F("medication.daily_mg", "Daily dose (mg, or mcg/h for a patch)", "number"),
           F("medication.form", "Form", "select",
             _pick("oral", "oral_liquid", "topical", "transdermal", "injection", "other")),
           F("medication.weeks_used", "Weeks used so far", "number"), F("medication.refills", "Refills", "number"),
           F("medication.long_term", "Long-term use", "tri"),
           F("medication.compounded", "A compounded product", "tri"),
           F("medication.ingredients", "Ingredients of a compound (comma-separated)", "list")),
          ("drug", "drug_class", "drug_form", "daily_mg", "weeks_used", "long_term_use", "compound",
           "ingredient_unknown", "ing_", "formulary_status", "refills", "units_with_refills")),
    )
    vocab.memo["web_questions"] = found
    return found


def _can_be(cond, want, known):
    """Whether `cond` can still evaluate to `want`, whatever the facts not in `known` turn out to be. `known` holds
    the facts already decided (None: decided absent)."""
    if cond is None:
        return want is True
    if isinstance(cond, Leaf):
        if cond.fact not in known:
            return True
        value = known[cond.fact]
        return evaluate(cond, {} if value is None else {cond.fact: value}) is want
    if isinstance(cond, Not):
        return _can_be(cond.term, not want, known)
    parts = [_can_be(t, want, known) for t in cond.terms]
    return all(parts) if isinstance(cond, All) == want else any(parts)


def _in_force(thing, day):
    return day is None or (thing.effective_from <= day and (thing.effective_to is None or day <= thing.effective_to))


def facts_read(library, category, known=None, day=None):
    """Every fact the rules for `category` read: the selectors and criteria (applies_when, condition) of each topic
    that selects it, leaving out what cannot apply given `known` (facts already decided) or on `day`."""
    known = dict(known or {}, category=category)
    out = set()
    for topic in library.topics:
        if not _in_force(topic, day):
            continue
        for selected, when in topic.selectors:
            if selected != category or not _can_be(when, True, known):
                continue
            out.update(facts_used(when))
            for crit in topic.criteria:
                if _in_force(crit, day) and _can_be(crit.applies_when, True, known):
                    out.update(facts_used(crit.applies_when), facts_used(crit.condition))
    return out


def decided(vocab, category, purpose=None, region=None, purpose_region=None, drug=None):
    """The facts an item's picked names settle (its category, purpose, region, drug), as facts_read takes them.
    A purpose left blank is decided absent; a region or drug left blank is still open."""
    known = {"category": category, "category_kind": vocab.category_kind(category), "purpose": purpose or None,
             "purpose_kind": (vocab.category_kind(purpose) or "none") if purpose else "none"}
    if purpose_region or region:
        known["body_region"] = purpose_region or region
    if category != "medication":
        known.update(drug=None, drug_class=None)
    elif drug:
        key, spec = vocab.drug(drug)
        known.update(drug=key, drug_class=spec["class"] if spec else None)
    return known


def asked(library, category, known=None, day=None):
    """What the form asks for an item of `category` beyond the questions always asked."""
    vocab = library.vocabulary
    if not category or category not in vocab.categories:
        return Asked((), frozenset(), (), ())
    facts = facts_read(library, category, known or decided(vocab, category), day)
    chosen = [q for q in questions(vocab) if not q.always and any(q.answers(f) for f in facts)]
    docs = tuple((f[4:], vocab.documentation[f[4:]]) for f in sorted(facts)
                 if f.startswith("doc_") and f[4:] in vocab.documentation)
    groups = sorted({f.split("_", 1)[1] for f in facts if f.startswith(("dx_", "suspected_"))} & set(vocab.dx_groups))
    return Asked(tuple(q for q in chosen if q.scope == "item"),
                 frozenset(q.key for q in chosen if q.scope == "request"), docs,
                 tuple(vocab.dx_groups[g]["label"] for g in groups))


# -- the form's values --------------------------------------------------------------------------------------------

def value(form, name):
    """One input's value as text ('' when absent); the last one when an input was sent twice."""
    got = form.get(name, "")
    if isinstance(got, (list, tuple)):
        got = got[-1] if got else ""
    return got.strip() if isinstance(got, str) else ""


def _filled(form, prefix):
    return any(value(form, name) for name in form if name.startswith(prefix))


def kept(form, key, count):
    """The form indices of a list's entries that are filled in (blank ones are left out of the request)."""
    indices = [i for i in range(count) if _filled(form, f"{key}[{i}].")]
    return indices or ([0] if key == "items" else [])


_NUMBER = re.compile(r"^-?\d{1,12}(\.\d{1,6})?$")


def _converted(field, text):
    """A field's request value, or None when it is blank. Text that is not a number stays text, so that
    validation says what was expected, as it does for a file."""
    if not text:
        return None
    if field.kind == "number":
        if not _NUMBER.match(text):
            return text
        return float(text) if "." in text else int(text)
    if field.kind == "tri":
        return _TRI_VALUES.get(text)
    if field.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()] or None
    return text


def _put(data, path, val):
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = val


def _entry(form, prefix, fields):
    entry = {}
    for f in fields:
        val = _converted(f, value(form, prefix + f.name))
        if val is not None:
            _put(entry, f.name, val)
    return entry


def _course(entry):
    response = entry.pop("response", None)
    if response == "functional":
        entry["functional_improvement"] = True
    elif response == "reported":
        entry["reported_improvement"] = True
    elif response == "none":
        entry.update(functional_improvement=False, reported_improvement=False)
    elif response is not None:
        entry["response"] = response  # not a choice the form offers: validation names the field
    return entry


def _item(form, n, by_key):
    prefix = f"items[{n}]."
    item = {"id": f"item-{n + 1}"}
    for q in by_key.values():
        if q.scope != "item" or (q.key == "medication" and value(form, prefix + "category") != "medication"):
            continue  # a medication left over from another category: the model allows one on medication items only
        _merge(item, _entry(form, prefix, q.fields))
    statement = prefix + "documentation."
    docs = {name[len(statement):]: _TRI_VALUES[value(form, name)] for name in form
            if name.startswith(statement) and value(form, name) in _TRI_VALUES}
    if docs:
        item["documentation"] = docs
    return item


def _merge(into, new):
    for key, val in new.items():
        if isinstance(val, dict) and isinstance(into.get(key), dict):
            into[key].update(val)
        else:
            into[key] = val
    return into


def request_from_form(form, vocab=None):
    """The request mapping a filled form makes (validated afterwards exactly as a request file is). Blank inputs
    are left out: a documentation fact left 'not documented' stays not documented."""
    by_key = {q.key: q for q in questions(vocab or load_vocabulary())}
    data = {"request_id": REQUEST_ID}
    for q in by_key.values():
        if q.scope != "request":
            continue
        if q.rows:
            entries = [_entry(form, f"{q.key}[{i}].", q.fields) for i in kept(form, q.key, q.rows)]
            if q.key == "treatment_history":
                entries = [_course(e) for e in entries]
            if entries:
                data[q.key] = entries
            elif value(form, f"{q.key}.none"):
                data[q.key] = []  # documented: none
            continue
        if q.key == "red_flags":
            flag = _converted(q.fields[0], value(form, "red_flags"))
            if flag is not None:
                data["red_flags"] = [value(form, "red_flags.text") or "documented in the records"] if flag else []
            continue
        _merge(data, _entry(form, "", q.fields))
    data["items"] = [_item(form, n, by_key) for n in kept(form, "items", MAX_ITEMS)]
    return data


_PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")  # the last step of a field path
_ALIASES = {"functional_improvement": "response", "reported_improvement": "response"}


def _always_shown(vocab):
    """The names of the inputs every form shows (those of the questions always asked), in page order."""
    if "web_always_shown" not in vocab.memo:
        names = []
        for q in questions(vocab):
            if q.always:
                prefixes = [f"items[{n}]." for n in range(MAX_ITEMS)] if q.scope == "item" else \
                    [f"{q.key}[{i}]." for i in range(q.rows)] if q.rows else [""]
                names += [p + f.name for p in prefixes for f in q.fields]
        vocab.memo["web_always_shown"] = tuple(names)
    return vocab.memo["web_always_shown"]


def input_for(field, form, vocab=None):
    """The form input an error's field path names (the nearest one that holds it), or None when it names the
    request as a whole. The request's list positions are translated back to the form's rows."""
    names = list(form) + [n for n in _always_shown(vocab or load_vocabulary()) if n not in form]
    path = field or ""
    match = re.match(r"^(\w+)\[(\d+)\]", path)
    if match and match.group(1) in ROWS:
        rows = kept(form, match.group(1), ROWS[match.group(1)])
        index = int(match.group(2))
        if index < len(rows):
            path = f"{match.group(1)}[{rows[index]}]" + path[match.end():]
    last = path.rsplit(".", 1)[-1]
    if last in _ALIASES:
        path = path[: -len(last)] + _ALIASES[last]
    if path.startswith("red_flags"):
        path = "red_flags"
    while path:
        if path in names:
            return path
        under = next((n for n in names if n.startswith((path + ".", path + "["))), None)
        if under:
            return under
        path = _PARENT.sub("", path) if _PARENT.search(path) else ""
    return None


def input_id(name):
    """The HTML id of an input (ids stay plain for labels and selectors)."""
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
