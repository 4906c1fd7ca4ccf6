"""Derive one flat fact per requested item. Python computes (counts, dates, groups, doses); rules only compare.

A fact holds only documented values: a field that is not documented is absent, which the engine and the
reference evaluator both read as "not documented" (neither met nor unmet)."""
import datetime as dt
from dataclasses import dataclass

from .formulary import lookup as formulary_lookup
from .model import RADICULAR_TESTS, Request
from .vocabulary import Vocabulary, load_vocabulary

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
CHRONIC_WEEKS = 12  # pain lasting three months or more (8 CCR 9792.20 as amended 2015; "beyond healing" before)
_OPIOID_FIELDS = ("analgesia", "activities_of_daily_living", "adverse_effects", "aberrant_behavior",
                  "urine_drug_screen", "agreement", "functional_benefit")

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
    "postsurgical": ("bool", "the item is postsurgical treatment (it names the surgery it follows)"),
    "after_surgery": ("procedure", "the surgery a postsurgical treatment follows"),
    "weeks_since_surgery": ("int", "whole weeks from that surgery to the review date"),
    "review_day": ("int", "review date as days since 1970-01-01"),
    "injury_day": ("int", "date of injury as days since 1970-01-01"),
    "weeks_since_injury": ("int", "whole weeks from the date of injury to the review date"),
    "symptom_phase": (("acute", "chronic"), "chronic when 12 or more weeks have passed since the injury"),
    "patient_age": ("int", "patient age in years"),
    "clinical_course": (("stable", "improving", "worsening", "acute_flare"), "clinical course"),
    "work_status": (("full_duty", "modified_duty", "not_working", "unknown"), "work status"),
    "pain_current": ("number", "current pain score (0-10)"),
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
    "compound": ("bool", "the requested drug is a compounded product (its ingredients are listed)"),
    "ingredient_unknown": ("bool", "a compound ingredient is not in the vocabulary"),
    "formulary_status": (("exempt", "non_exempt", "unlisted", "compounded", "not_in_force"),
                         "MTUS Drug Formulary status of the requested drug on the review date"),
    "mme_total": ("number", "total daily oral morphine milligram equivalents of all opioids, requested one included"),
    **{f"opioid_{name}": ("bool", f"opioid monitoring: {name.replace('_', ' ')} documented") for name in _OPIOID_FIELDS},
}


def fact_fields(vocab=None):
    """Every field a rule may name, with its type. Vocabulary-backed fields become enumerations; one flag per
    diagnosis group (dx_), documentation statement (doc_), drug class taken (taking_) and compound ingredient
    class (ing_)."""
    vocab = vocab or load_vocabulary()
    enums = {"category": tuple(sorted(vocab.categories)),
             "kind": tuple(sorted({c["kind"] for c in vocab.categories.values()} | {"none"})),
             "region": tuple(vocab.body_regions), "procedure": tuple(sorted(vocab.procedures)),
             "drug": tuple(sorted(vocab.drugs)), "drug_class": tuple(vocab.drug_classes())}
    fields = {name: (enums.get(ftype, ftype), text) for name, (ftype, text) in STATIC_FIELDS.items()}
    for group, spec in vocab.dx_groups.items():
        fields[f"dx_{group}"] = ("bool", f"diagnosis in group: {spec['label']}")
    for key, text in vocab.documentation.items():
        fields[f"doc_{key}"] = ("bool", f"documented: {text}")
    for cls in vocab.drug_classes():
        fields[f"taking_{cls}"] = ("bool", f"the medication list or another requested item includes a drug of class {cls}")
        fields[f"ing_{cls}"] = ("bool", f"the requested compound contains an ingredient of class {cls}")
    return fields


@dataclass(frozen=True)
class ItemFacts:
    item_id: str
    values: dict  # only documented values; JSON scalars


@dataclass(frozen=True)
class RequestFacts:
    items: tuple  # ItemFacts, in request order
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


def _radiculopathy(request, region, vocab):
    findings = [f for f in request.exam if f.finding in RADICULAR_TESTS
                and (f.region is None or vocab.same_nerves(region, f.region))]
    return _tri_any(f.result == "positive" for f in findings)


def _corroboration(request, region, vocab):
    studies = [s for s in request.imaging if s.official_report is True and s.nerve_root_compromise is not None
               and vocab.same_nerves(region, s.region)]
    return _tri_any(s.nerve_root_compromise for s in studies)


def _prior(request, category, region=None, since=None):
    """(prior_course, prior_units, prior_units_12m, prior_functional_improvement) for a treatment of the item's
    body region (a course of another region does not count; one whose region is not stated does); with `since`
    (a surgery date), courses dated before it do not count (undated ones do: the records must date them)."""
    if request.treatment_history is None:
        return None, None, None, None
    courses = [c for c in request.treatment_history if c.modality == category
               and (region in (None, "multiple") or c.body_region in (None, "multiple", region))
               and (since is None or (c.start or c.end) is None or (c.start or c.end) >= since)]
    if not courses:
        return False, 0, 0, None
    units = None if any(c.sessions is None for c in courses) else sum(c.sessions for c in courses)
    year_ago = request.review_date - dt.timedelta(days=365)
    recent = None
    if units is not None and all(c.end or c.start for c in courses):
        recent = sum(c.sessions for c in courses if (c.end or c.start) >= year_ago)
    return True, units, recent, courses[-1].functional_improvement


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


def _common(request, vocab, warnings):
    groups = set()
    for dx in request.diagnoses:
        found = vocab.diagnosis_groups(dx.text, dx.icd10)
        if not found:
            warnings.append(f"diagnosis not in any group: {dx.text or dx.icd10}")
        groups.update(found)
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
              "new_neuro_deficit": request.new_neurological_deficit, "pain_current": pain.current,
              "red_flags": None if request.red_flags is None else bool(request.red_flags)}
    if pain.with_medication is not None and pain.without_medication is not None:
        values["pain_relief_points"] = pain.without_medication - pain.with_medication
    if request.injury.date:
        weeks = (request.review_date - request.injury.date).days // 7
        values.update(injury_day=day_number(request.injury.date), weeks_since_injury=weeks,
                      symptom_phase="chronic" if weeks >= CHRONIC_WEEKS else "acute")
    for name in _OPIOID_FIELDS:
        values[f"opioid_{name}"] = getattr(request.opioid_monitoring, name)
    if request.diagnoses:
        values.update({f"dx_{g}": g in groups for g in vocab.dx_groups})
    if request.medications is not None and None not in taking:
        values.update({f"taking_{c}": c in taking for c in vocab.drug_classes()})
    else:
        values.update({f"taking_{c}": True for c in taking if c is not None})
    values.update({f"doc_{k}": v for k, v in request.documentation.items()})
    return values


def _medication_facts(item, request, vocab, warnings):
    med = item.medication
    key, spec = vocab.drug(med.name)
    if spec is None:
        warnings.append(f"drug not in the vocabulary: {med.name}")
    values = {"drug": key, "drug_class": spec["class"] if spec else None, "drug_form": med.form,
              "daily_mg": med.daily_mg, "weeks_used": med.weeks_used, "long_term_use": med.long_term}
    values["compound"] = med.ingredients is not None  # listing ingredients is what makes an item a compound
    if med.ingredients is not None:
        classes = [vocab.drug_class(name) for name in med.ingredients]
        for name, cls in zip(med.ingredients, classes):
            if cls is None:
                warnings.append(f"compound ingredient not in the vocabulary: {name}")
        values["ingredient_unknown"] = None in classes
        values.update({f"ing_{c}": c in classes for c in vocab.drug_classes()})
    if spec is not None and spec["class"] == "opioid":
        values["taking_opioid"] = True
    values["mme_total"] = _mme_total(vocab, request.medications or [], med)
    status = formulary_lookup(med.name, request.review_date, compounded=med.ingredients is not None).status
    values["formulary_status"] = None if status == "unknown" else status  # not on a partial list: not documented
    return values


def derive(request: Request, vocab: Vocabulary = None) -> RequestFacts:
    """The flat facts of every requested item, plus warnings about wording the vocabulary does not know."""
    vocab = vocab or load_vocabulary()
    warnings = []
    common = _common(request, vocab, warnings)
    if request.medications is not None and "mme_total" not in common:
        common["mme_total"] = _mme_total(vocab, request.medications, None)
    items = []
    for item in request.items:
        values = dict(common)
        values.update(category=item.category, category_kind=vocab.category_kind(item.category),
                      quantity=item.quantity, quantity_unit=item.unit, levels=item.levels, approach=item.approach,
                      procedure=item.procedure)
        region = item.body_region
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
        values["postsurgical"] = item.after_surgery is not None
        if item.after_surgery is not None:
            values["after_surgery"] = item.after_surgery.procedure
            if item.after_surgery.date is not None:
                values["weeks_since_surgery"] = (request.review_date - item.after_surgery.date).days // 7
        values["radiculopathy_on_exam"] = _radiculopathy(request, region, vocab)
        values["imaging_corroborates"] = _corroboration(request, region, vocab)
        if values["category_kind"] in ("imaging", "diagnostic"):
            values["prior_same_study"] = any(s.modality == item.category and (region is None or s.region == region)
                                             for s in request.imaging)
        # a consultation for a procedure or therapy looks at the history of that procedure or therapy
        reviewed = item.purpose.category if values["purpose_kind"] in ("procedure", "therapy") else item.category
        since = item.after_surgery.date if item.after_surgery is not None else None
        course, units, units_12m, fi = _prior(request, reviewed, region, since)
        values.update(prior_course=course, prior_units=units, prior_units_12m=units_12m,
                      prior_functional_improvement=fi)
        if units is not None and item.quantity is not None:
            values["visits_total"] = units + item.quantity
        if item.medication is not None:
            values.update(_medication_facts(item, request, vocab, warnings))
        values.update({f"doc_{k}": v for k, v in item.documentation.items()})
        items.append(ItemFacts(item.id, {k: v for k, v in values.items() if v is not None}))
    return RequestFacts(items=tuple(items), warnings=tuple(sorted(set(warnings))))
