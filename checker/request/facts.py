"""Derive one flat fact per requested item. Python computes (counts, dates, groups, doses); rules only compare.

A fact holds only documented values: a field that is not documented is absent, which the engine and the
reference evaluator both read as "not documented" (neither met nor unmet)."""
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from .formulary import lookup as formulary_lookup
from .model import Request
from .vocabulary import Vocabulary, load_vocabulary

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
CHRONIC_WEEKS = 12  # pain lasting three months or more (8 CCR 9792.20 as amended 2015; "beyond healing" before)
_OPIOID_FIELDS = ("analgesia", "activities_of_daily_living", "adverse_effects", "aberrant_behavior",
                  "urine_drug_screen", "agreement", "functional_benefit", "cures_checked", "risk_screening")

# name -> (type, description). Types: bool, int, number, str, or a tuple of allowed strings (an enum).
# Fields whose values come from the vocabulary get their enumeration in fact_fields().
STATIC_FIELDS = {
    "category": ("category", "requested item category"),
    "category_kind": ("kind", "kind of the item's category"),
    "purpose": ("category", "category of the procedure or service the item is for (e.g. a consultation for an ESI)"),
    "purpose_kind": ("kind", "kind of the purpose's category; none when no purpose is given"),
    "body_region": ("region", "body region of the item (or of its purpose)"),
    "quantity": ("int", "requested quantity (visits, units, tablets, hours per week)"),
    "quantity_unit": (("visits", "sessions", "units", "hours_per_week", "days", "weeks", "months", "tablets",
                       "patches", "injections", "levels", "tests"), "unit of the requested quantity"),
    "frequency_per_week": ("number", "requested visits per week"),
    "duration_weeks": ("number", "requested duration in weeks"),
    "levels": ("int", "spinal levels to be treated"),
    "approach": (("transforaminal", "interlaminar", "caudal"), "injection approach"),
    "procedure": ("procedure", "the surgery requested"),
    "postsurgical": ("bool", "the item is postsurgical treatment within the surgery's postsurgical physical medicine period"),
    "after_surgery": ("procedure", "the surgery a postsurgical treatment follows"),
    "weeks_since_surgery": ("int", "whole weeks from that surgery to the review date"),
    "review_day": ("int", "review date as days since 1970-01-01"),
    "injury_day": ("int", "date of injury as days since 1970-01-01"),
    "weeks_since_injury": ("int", "whole weeks from the date of injury to the review date (or date of service)"),
    "symptom_phase": (("acute", "chronic"), "chronic when 12 or more weeks have passed since the injury"),
    "weeks_since_onset": ("int", "whole weeks since the symptoms began (the symptom onset date, else the injury date)"),
    "phase_of_care": (("acute", "subacute", "chronic"), "acute under 4 weeks since onset, subacute 4 to 11, chronic 12 or more"),
    "injury_severity": (("minor", "moderate", "severe"), "severity of the acute injury"),
    "job_physical_demand": (("sedentary", "light", "medium", "heavy", "very_heavy"), "physical demand level of the job"),
    "homebound": ("bool", "the patient is homebound"),
    "lives_alone": ("bool", "no one at home can help with care"),
    "side": (("left", "right", "bilateral"), "side of the requested item"),
    "region_count": ("int", "body regions the item names (each is judged on its own)"),
    "spinal_levels": ("int", "spinal levels named on the item (spinal_levels, else levels)"),
    "imaging_level_match": ("bool", "an official imaging report shows the pathology at every spinal level requested"),
    "prior_imaging_region": ("bool", "a study of any modality of the item's region has already been done"),
    "procedure_count": ("int", "procedures named on a surgery item"),
    "surgical_approach": (("arthroscopic", "open", "minimally_invasive"), "surgical approach"),
    "retrospective": ("bool", "a retrospective request (care already given)"),
    "ur_decision": (("non_certified", "modified", "certified"), "what utilization review decided on the item"),
    "ur_authorized_quantity": ("int", "the part of the item utilization review authorised"),
    "depends_on_category": ("category", "category of the item this one serves (a surgery), when it names one"),
    "prior_surgery_region": ("bool", "a surgery of the item's region is in the surgical history"),
    "prior_reported_improvement": ("bool", "the last course of the same treatment is reported to have helped (without measures)"),
    "refills": ("int", "refills requested with a medication"),
    "units_with_refills": ("int", "quantity dispensed over the fill and its refills"),
    "same_class_other_drug": ("bool", "the medication list holds another drug of the requested drug's class"),
    "drug_on_medication_list": ("bool", "the requested drug is already on the medication list (a continuation, not a first prescription)"),
    "patient_age": ("int", "patient age in years"),
    "clinical_course": (("stable", "improving", "worsening", "acute_flare"), "clinical course"),
    "work_status": (("full_duty", "modified_duty", "not_working", "unknown"), "work status"),
    "pain_current": ("number", "current pain score (0-10; the top of a range when only a range is given)"),
    "pain_relief_points": ("number", "pain score without medication minus with medication"),
    "red_flags": ("bool", "red flags documented (false: documented that there are none)"),
    "new_neuro_deficit": ("bool", "new or progressive neurological deficit documented"),
    "radiculopathy_on_exam": ("bool", "radicular signs on examination in the item's region"),
    "imaging_corroborates": ("bool", "an official imaging or electrodiagnostic report of the region shows nerve root compromise"),
    "prior_same_study": ("bool", "a study of the same modality and region has already been done"),
    "prior_course": ("bool", "a prior course of the same treatment is documented"),
    "prior_units": ("int", "sessions of the same treatment already completed"),
    "prior_units_12m": ("int", "sessions of the same treatment in the 12 months before the review"),
    "visits_total": ("int", "completed plus requested sessions of the same treatment"),
    "prior_functional_improvement": ("bool", "objective functional improvement from the last course of the same treatment"),
    "drug": ("drug", "the requested drug (vocabulary key)"),
    "drug_class": ("drug_class", "class of the requested drug"),
    "drug_form": (("oral", "topical", "transdermal", "injection", "other"), "form of the requested drug"),
    "daily_mg": ("number", "daily dose of the requested drug (mg, or mcg/h for patches)"),
    "weeks_used": ("int", "weeks the requested drug has been used so far"),
    "long_term_use": ("bool", "the requested drug is continued long-term use"),
    "compound": ("bool", "the requested drug is a compounded product (so stated, or its ingredients are listed); unknown for a product the vocabulary does not know"),
    "ingredient_unknown": ("bool", "a compound ingredient is not stated or not in the vocabulary"),
    "formulary_status": (("exempt", "non_exempt", "unlisted", "compounded", "not_in_force"),
                         "MTUS Drug Formulary status of the requested drug on the review date"),
    "mme_total": ("number", "total daily oral morphine milligram equivalents of all opioids, requested one included"),
    **{f"opioid_{name}": ("bool", f"opioid monitoring: {name.replace('_', ' ')} documented") for name in _OPIOID_FIELDS},
}


def fact_fields(vocab=None):
    """Every field a rule may name, with its type. Vocabulary-backed fields become enumerations; one flag per
    diagnosis group (dx_), documentation statement (doc_), drug class taken (taking_) and compound ingredient
    class (ing_). Computed once per vocabulary: the mapping returned is shared, not to be changed."""
    vocab = vocab or load_vocabulary()
    if "fact_fields" in vocab.memo:
        return vocab.memo["fact_fields"]
    enums = {"category": tuple(sorted(vocab.categories)),
             "kind": tuple(sorted({c["kind"] for c in vocab.categories.values()} | {"none"})),
             "region": tuple(vocab.body_regions), "procedure": tuple(sorted(vocab.procedures)),
             "drug": tuple(sorted(vocab.drugs)), "drug_class": tuple(vocab.drug_classes())}
    fields = {name: (enums.get(ftype, ftype), text) for name, (ftype, text) in STATIC_FIELDS.items()}
    for group, spec in vocab.dx_groups.items():
        fields[f"dx_{group}"] = ("bool", f"diagnosis in group: {spec['label']}")
        fields[f"suspected_{group}"] = ("bool", f"suspected or to be ruled out: {spec['label']}")
    for tag in vocab.finding_tags():
        fields[f"exam_{tag}"] = ("bool", f"a positive {tag.replace('_', ' ')} finding on examination of the item's region")
        fields[f"exam_count_{tag}"] = ("int", f"distinct positive {tag.replace('_', ' ')} findings on examination of "
                                              f"the item's region; absent when none of them is recorded")
    for category in sorted(vocab.categories):
        fields[f"course_count_{category}"] = ("int", f"courses of {category} in the treatment history of the item's "
                                                     f"region; absent when no treatment history is documented")
    for key, text in vocab.documentation.items():
        fields[f"doc_{key}"] = ("bool", f"documented: {text}")
    for cls in vocab.drug_classes():
        fields[f"taking_{cls}"] = ("bool", f"the medication list or another requested item includes a drug of class {cls}")
        fields[f"ing_{cls}"] = ("bool", f"the requested compound contains an ingredient of class {cls}")
    vocab.memo["fact_fields"] = fields
    return fields


@dataclass(frozen=True)
class ItemFacts:
    item_id: str
    values: dict  # only documented values; JSON scalars
    part: object = None  # the body region judged, when an item names several (each is evaluated on its own)

    @property
    def key(self):
        """Unique per evaluated fact: the item id, with the region for one part of a multi-region item."""
        return self.item_id if self.part is None else f"{self.item_id}@{self.part}"


@dataclass(frozen=True)
class RequestFacts:
    items: tuple  # ItemFacts, in request order (the parts of one item together)
    warnings: tuple  # unrecognised diagnosis wording, unknown drugs


def day_number(date):
    return date.toordinal() - EPOCH_ORDINAL


def _tri_any(flags):
    """Kleene OR of documented booleans: True if any is True, False if all documented and False, else None."""
    flags = list(flags)
    if any(f is True for f in flags):
        return True
    if flags and all(f is False for f in flags):
        return False
    return None


def _exam_by_tag(request, region, vocab):
    """tag -> the exam findings with that tag bearing on the region (recorded for it or for no region), tags
    sorted."""
    relevant = [f for f in request.exam if f.region is None or vocab.same_nerves(region, f.region)]
    return {tag: [f for f in relevant if f.finding in names] for tag, names in vocab.tagged_findings().items()}


def _counts(request, region, vocab, exam):
    """exam_count_<tag> and course_count_<category> (the `count` condition form reads them). A count over findings
    none of which is recorded, or over a treatment history that is not documented, is unknown, not zero."""
    out = {f"exam_count_{tag}": len({f.finding for f in found if f.result == "positive"})
           for tag, found in exam.items() if found}
    if request.treatment_history is not None:
        courses = Counter(c.modality for c in request.treatment_history
                          if region in (None, "multiple") or c.body_region in (None, "multiple", region))
        out.update({f"course_count_{category}": courses.get(category, 0) for category in vocab.categories})
    return out


def _exam(findings):
    return _tri_any(f.result == "positive" for f in findings)


def _corroboration(request, region, vocab):
    studies = [s for s in request.imaging if s.official_report is True and s.nerve_root_compromise is not None
               and vocab.same_nerves(region, s.region)]
    return _tri_any(s.nerve_root_compromise for s in studies)


def _level_match(request, region, levels):
    """True when official reports of the region show pathology at every requested level, False when they name
    levels but not all requested ones, None when either side names no level."""
    if not levels:
        return None
    shown = {lvl for s in request.imaging if s.official_report is True and s.region == region for lvl in s.levels}
    if not shown:
        return None
    return all(lvl in shown for lvl in levels)


def _prior(request, category, region=None, since=None):
    """(prior_course, prior_units, prior_units_12m, prior_functional_improvement, prior_reported_improvement) for a
    treatment of the item's body region (a course of another region does not count; one whose region is not
    stated does); with `since` (a surgery date), courses dated before it do not count (undated ones do: the
    records must date them)."""
    if request.treatment_history is None:
        return None, None, None, None, None
    courses = [c for c in request.treatment_history if c.modality == category
               and (region in (None, "multiple") or c.body_region in (None, "multiple", region))
               and (since is None or (c.start or c.end) is None or (c.start or c.end) >= since)]
    if not courses:
        return False, 0, 0, None, None
    units = None if any(c.sessions is None for c in courses) else sum(c.sessions for c in courses)
    year_ago = request.review_date - dt.timedelta(days=365)
    recent = None
    if units is not None and all(c.end or c.start for c in courses):
        recent = sum(c.sessions for c in courses if (c.end or c.start) >= year_ago)
    last = courses[-1]
    return True, units, recent, last.functional_improvement, last.reported_improvement


def _mme(spec, daily):
    if spec.get("mme_factor") is not None:
        return spec["mme_factor"] * daily
    for limit, factor in spec.get("mme_tiers", ()):
        if limit is None or daily <= limit:
            return factor * daily
    return None


def _mme_total(vocab, medications, requested):
    """Sum of oral morphine equivalents over the opioids taken and requested; None if a dose is unknown."""
    seen, total = set(), 0.0
    for med in list(medications) + ([requested] if requested is not None else []):
        key, spec = vocab.drug(med.name)
        if spec is None or spec["class"] != "opioid" or key in seen:
            continue
        seen.add(key)
        if med.daily_mg is None:
            return None
        mme = _mme(spec, med.daily_mg)
        if mme is None:
            return None
        total += mme
    return round(total, 1)


def _weeks(later, earlier):
    return (later - earlier).days // 7


def _phase(weeks):
    return "acute" if weeks < 4 else "subacute" if weeks < CHRONIC_WEEKS else "chronic"


def _diagnosis_flags(request, region, vocab, warnings):
    """dx_<group> from confirmed diagnoses of the region (or of no stated region), suspected_<group> from
    suspected and rule-out ones and from what the items are meant to rule out."""
    confirmed, suspected = set(), set()
    for dx in request.diagnoses:
        found = vocab.diagnosis_groups(dx.text, dx.icd10)
        if not found:
            warnings.append(f"diagnosis not in any group: {dx.text or dx.icd10}")
        if dx.body_region is not None and region is not None and not vocab.same_nerves(region, dx.body_region):
            continue
        (confirmed if dx.status == "confirmed" else suspected).update(found)
    values = {}
    if request.diagnoses:
        values.update({f"dx_{g}": g in confirmed for g in vocab.dx_groups})
    return values, suspected


def _common(request, vocab, warnings):
    taking = set()
    for med in request.medications or []:
        cls = vocab.drug_class(med.name)
        if cls is None:
            warnings.append(f"drug not in the vocabulary: {med.name}")
        taking.add(cls)
    # drugs requested in the same request count as taken with each other (a PPI requested with naproxen)
    taking |= {vocab.drug_class(i.medication.name) for i in request.items if i.medication is not None} - {None}
    pain = request.pain
    values = {"review_day": day_number(request.review_date), "patient_age": request.patient.age,
              "clinical_course": request.clinical_course, "work_status": request.work_status,
              "new_neuro_deficit": request.new_neurological_deficit,
              "pain_current": pain.current if pain.current is not None else pain.high,
              "red_flags": None if request.red_flags is None else bool(request.red_flags),
              "injury_severity": request.injury.severity, "job_physical_demand": request.job_physical_demand,
              "homebound": request.patient.homebound, "lives_alone": request.patient.lives_alone}
    if pain.with_medication is not None and pain.without_medication is not None:
        values["pain_relief_points"] = pain.without_medication - pain.with_medication
    for name in _OPIOID_FIELDS:
        values[f"opioid_{name}"] = getattr(request.opioid_monitoring, name)
    if request.medications is not None and None not in taking:
        values.update({f"taking_{c}": c in taking for c in vocab.drug_classes()})
    else:
        values.update({f"taking_{c}": True for c in sorted(c for c in taking if c is not None)})
    values.update(_care_to_date(request, vocab))
    values.update({f"doc_{k}": v for k, v in request.documentation.items()})
    return values


# kinds of category whose courses are conservative care (not surgery, not a visit or a study)
_CONSERVATIVE_KINDS = ("therapy", "procedure", "equipment", "medication", "program")


def _care_to_date(request, vocab):
    """What the treatment history and medication list show, as the documentation statements reviewers read them:
    a documented course or drug is conservative care tried; conservative care failed when every documented
    course is documented not to have helped; a failure to progress in a therapy program when a course of therapy
    is documented not to have helped. A statement the records make themselves overrides these."""
    courses = [c for c in request.treatment_history or []
               if vocab.category_kind(c.modality) in _CONSERVATIVE_KINDS and c.modality != "surgery"]
    out = {}
    if courses or request.medications:
        out["doc_conservative_care_tried"] = True
    helped = [c.functional_improvement is True or c.reported_improvement is True for c in courses]
    failed = [c.functional_improvement is False or c.reported_improvement is False for c in courses]
    if courses and all(failed) and not any(helped):
        out["doc_conservative_care_failed"] = True
    if any(vocab.category_kind(c.modality) == "therapy" and c.modality != "home_exercise_program" and
           (c.functional_improvement is False or c.reported_improvement is False) for c in courses):
        out["doc_failure_to_progress"] = True  # a course of therapy documented not to have helped
    if any(c.modality == "home_exercise_program" for c in courses):
        out["doc_home_exercise_program"] = True
    return out


def _dated(request, day):
    """Facts that depend on the day the care is judged at (the review date, or a retrospective date of service)."""
    values = {}
    injury, onset = request.injury.date, request.injury.symptom_onset or request.injury.date
    if injury:
        weeks = _weeks(day, injury)
        values.update(injury_day=day_number(injury), weeks_since_injury=weeks,
                      symptom_phase="chronic" if weeks >= CHRONIC_WEEKS else "acute")
    if onset:
        values.update(weeks_since_onset=_weeks(day, onset), phase_of_care=_phase(_weeks(day, onset)))
    return values


def _medication_facts(item, request, vocab, warnings):
    med = item.medication
    key, spec = vocab.drug(med.name)
    if spec is None:
        warnings.append(f"drug not in the vocabulary: {med.name}")
    values = {"drug": key, "drug_class": spec["class"] if spec else None, "drug_form": med.form,
              "daily_mg": med.daily_mg, "weeks_used": med.weeks_used, "long_term_use": med.long_term,
              "refills": med.refills}
    if item.quantity is not None and med.refills is not None:
        values["units_with_refills"] = item.quantity * (1 + med.refills)
    # listing ingredients, or saying so, makes an item a compound; a compound whose ingredients are not listed
    # cannot be shown to contain only recommended ones
    compound = med.ingredients is not None or med.compounded is True
    # not a compound when the records say so, or when the drug is one the vocabulary knows; a product nobody can
    # name is unknown, so the topics for ordinary drugs do not judge it as one
    values["compound"] = True if compound else (False if med.compounded is False or spec is not None else None)
    if med.ingredients is not None:
        classes = [vocab.drug_class(name) for name in med.ingredients]
        for name, cls in zip(med.ingredients, classes):
            if cls is None:
                warnings.append(f"compound ingredient not in the vocabulary: {name}")
        values["ingredient_unknown"] = None in classes
        values.update({f"ing_{c}": c in classes for c in vocab.drug_classes()})
    elif compound:
        values["ingredient_unknown"] = True
    if spec is not None:
        if spec["class"] == "opioid":
            values["taking_opioid"] = True
        if request.medications is not None:
            values["drug_on_medication_list"] = any(vocab.drug(m.name)[0] == key for m in request.medications)
            others = [vocab.drug(m.name) for m in request.medications]
            values["same_class_other_drug"] = any(k is not None and k != key and sp["class"] == spec["class"]
                                                  for k, sp in others if sp is not None)
    values["mme_total"] = _mme_total(vocab, request.medications or [], med)
    status = formulary_lookup(med.name, request.review_date, compounded=compound).status
    values["formulary_status"] = None if status == "unknown" else status  # not on a partial list: not documented
    return values


def _after_surgery(item, request, vocab):
    """The surgery a therapy item follows: the one it names, else the latest dated surgery of its region in the
    history (the Postsurgical guidelines govern therapy after it)."""
    if item.after_surgery is not None:
        return item.after_surgery.procedure, item.after_surgery.date
    if vocab.category_kind(item.category) != "therapy":
        return None, None
    regions = set(item.regions)
    done = [s for s in request.surgeries if s.procedure and s.date and regions
            and (s.body_region or vocab.procedures.get(s.procedure, {}).get("region")) in regions]
    if not done:
        return None, None
    latest = max(done, key=lambda s: s.date)
    return latest.procedure, latest.date


def _item_facts(item, region, request, vocab, common, warnings, by_id):
    values = dict(common)
    day = item.date_of_service if item.retrospective and item.date_of_service else request.review_date
    values.update(_dated(request, day))
    values.update(category=item.category, category_kind=vocab.category_kind(item.category),
                  quantity=item.quantity, quantity_unit=item.unit, levels=item.levels, approach=item.approach,
                  procedure=item.procedure, side=item.side, region_count=len(item.regions) or None,
                  surgical_approach=item.surgical_approach, retrospective=item.retrospective)
    levels = list(item.spinal_levels)
    values["spinal_levels"] = len(levels) if levels else item.levels
    procedures = ([item.procedure] if item.procedure else []) + list(item.procedures)
    if item.category == "surgery":
        values["procedure_count"] = len(dict.fromkeys(procedures)) or None
    if item.ur is not None:
        values.update(ur_decision=item.ur.decision, ur_authorized_quantity=item.ur.authorized_quantity)
    if item.depends_on is not None:
        values["depends_on_category"] = by_id[item.depends_on].category
    if item.purpose is not None:
        values["purpose"] = item.purpose.category
        values["purpose_kind"] = vocab.category_kind(item.purpose.category)
        region = item.purpose.body_region or region
    else:
        values["purpose_kind"] = "none"
    values["body_region"] = region
    if item.frequency is not None:
        values["frequency_per_week"] = item.frequency.per_week
        values["duration_weeks"] = item.frequency.weeks
    surgery, surgery_date = _after_surgery(item, request, vocab)
    if surgery is not None and surgery_date is not None:
        months = vocab.procedures.get(surgery, {}).get("period_months", 6)
        if (request.review_date - surgery_date).days > months * 30.5:
            surgery = None  # beyond the postsurgical physical medicine period: the general guidelines apply
            surgery_date = None
    values["postsurgical"] = surgery is not None
    if surgery is not None:
        values["after_surgery"] = surgery
        if surgery_date is not None:
            values["weeks_since_surgery"] = _weeks(request.review_date, surgery_date)
    if region is not None:
        values["prior_surgery_region"] = any(
            (s.body_region or vocab.procedures.get(s.procedure, {}).get("region")) == region for s in request.surgeries)
    dx_values, suspected = _diagnosis_flags(request, region, vocab, warnings)
    values.update(dx_values)
    for text in item.rule_out:
        found = vocab.diagnosis_groups(text, None)
        if not found:
            warnings.append(f"rule-out wording not in any diagnosis group: {text}")
        suspected.update(found)
    if request.diagnoses or item.rule_out:
        values.update({f"suspected_{g}": g in suspected for g in vocab.dx_groups})
    exam = _exam_by_tag(request, region, vocab)
    values["radiculopathy_on_exam"] = _exam(exam.get("radicular", ()))
    for tag, found in exam.items():
        values[f"exam_{tag}"] = _exam(found)
    values.update(_counts(request, region, vocab, exam))
    values["imaging_corroborates"] = _corroboration(request, region, vocab)
    values["imaging_level_match"] = _level_match(request, region, levels)
    if values["category_kind"] in ("imaging", "diagnostic"):
        same = {item.category} | ({"emg", "ncs"} if item.category == "emg_ncs" else set()) | (
            {"emg_ncs"} if item.category in ("emg", "ncs") else set())
        of_region = [s for s in request.imaging if region is None or s.region == region]
        limb = {region} | set((vocab.nerve_regions or {}).get(region, ())) if region else set()
        # a nerve study of the hand or elbow is a study of the arm's nerves (vocabulary nerve_regions)
        edx = [s for s in request.imaging if region is None or s.region in limb] if same & {"emg", "ncs"} else of_region
        values["prior_same_study"] = any(s.modality in same for s in edx)
        values["prior_imaging_region"] = bool(of_region)
    # a consultation for a procedure or therapy looks at the history of that procedure or therapy
    reviewed = item.purpose.category if values["purpose_kind"] in ("procedure", "therapy") else item.category
    course, units, units_12m, fi, reported = _prior(request, reviewed, region, surgery_date)
    values.update(prior_course=course, prior_units=units, prior_units_12m=units_12m,
                  prior_functional_improvement=fi, prior_reported_improvement=reported)
    if units is not None and item.quantity is not None:
        values["visits_total"] = units + item.quantity
    if item.medication is not None:
        values.update(_medication_facts(item, request, vocab, warnings))
    injury = request.injury.date
    if (item.category == "surgery" and item.retrospective and item.date_of_service and injury
            and 0 <= (item.date_of_service - injury).days <= 1 and "emergency_surgery" not in request.documentation):
        values["doc_emergency_surgery"] = True  # done on the day of the injury or the next: same-day care of an acute injury
    values.update({f"doc_{k}": v for k, v in item.documentation.items()})
    return {k: v for k, v in values.items() if v is not None}


def derive(request: Request, vocab: Vocabulary = None) -> RequestFacts:
    """The flat facts of every requested item (one per body region for an item naming several), plus warnings
    about wording the vocabulary does not know."""
    vocab = vocab or load_vocabulary()
    warnings = []
    common = _common(request, vocab, warnings)
    if request.medications is not None and "mme_total" not in common:
        common["mme_total"] = _mme_total(vocab, request.medications, None)
    by_id = {item.id: item for item in request.items}
    items = []
    for item in request.items:
        regions = item.regions
        parts = regions if len(regions) > 1 else [None]
        for part in parts:
            region = part if part is not None else (regions[0] if regions else None)
            items.append(ItemFacts(item.id, _item_facts(item, region, request, vocab, common, warnings, by_id), part))
    return RequestFacts(items=tuple(items), warnings=tuple(sorted(set(warnings))))
