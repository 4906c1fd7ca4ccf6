"""Derive one flat fact per requested item. Python computes (counts, dates, groups); rules only compare.

A fact holds only documented values: a field that is not documented is absent, which the engine and the
reference evaluator both read as "not documented" (neither met nor unmet)."""
from dataclasses import dataclass

from .model import RADICULAR_TESTS, Request
from .vocabulary import Vocabulary, load_vocabulary

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
CHRONIC_WEEKS = 12  # pain lasting three months or more (8 CCR 9792.20 as amended 2015; "beyond healing" before)

_DOC_FIELDS = ("treatment_goals", "rationale", "risks_discussed", "limited_benefit_discussed",
               "conservative_care_tried", "conservative_care_failed", "home_exercise_program",
               "diagnosis_uncertain_or_complex", "psychosocial_factors", "interventional_procedure_planned",
               "medication_change_planned", "failure_to_progress", "condition_precludes_ordinary_transport")
_OPIOID_FIELDS = ("analgesia", "activities_of_daily_living", "adverse_effects", "aberrant_behavior",
                  "urine_drug_screen", "agreement", "functional_benefit")

# name -> (type, description). Types: bool, int, number, str, or a tuple of allowed strings (an enum).
STATIC_FIELDS = {
    "category": ("str", "requested item category"),
    "category_kind": (("visit", "therapy", "procedure", "medication", "imaging", "diagnostic", "transport",
                       "equipment", "other"), "kind of the item's category"),
    "purpose": ("str", "category of the procedure or service the item is for (e.g. a consultation for an ESI)"),
    "purpose_kind": (("visit", "therapy", "procedure", "medication", "imaging", "diagnostic", "transport",
                      "equipment", "other", "none"), "kind of the purpose's category; none when no purpose is given"),
    "body_region": ("str", "body region of the item (or of its purpose)"),
    "quantity": ("int", "requested quantity (visits, units, tablets)"),
    "frequency_per_week": ("number", "requested visits per week"),
    "duration_weeks": ("number", "requested duration in weeks"),
    "review_day": ("int", "review date as days since 1970-01-01"),
    "weeks_since_injury": ("int", "whole weeks from the date of injury to the review date"),
    "symptom_phase": (("acute", "chronic"), "chronic when 12 or more weeks have passed since the injury"),
    "patient_age": ("int", "patient age in years"),
    "clinical_course": (("stable", "improving", "worsening", "acute_flare"), "clinical course"),
    "work_status": (("full_duty", "modified_duty", "not_working", "unknown"), "work status"),
    "red_flags": ("bool", "red flags documented (false: documented that there are none)"),
    "new_neuro_deficit": ("bool", "new or progressive neurological deficit documented"),
    "radiculopathy_on_exam": ("bool", "radicular signs on examination in the item's region"),
    "imaging_corroborates": ("bool", "an official imaging or electrodiagnostic report of the region shows nerve root compromise"),
    "prior_course": ("bool", "a prior course of the same treatment is documented"),
    "prior_units": ("int", "sessions of the same treatment already completed"),
    "visits_total": ("int", "completed plus requested sessions of the same treatment"),
    "prior_functional_improvement": ("bool", "objective functional improvement from the last course of the same treatment"),
    "drug_class": ("str", "class of the requested drug"),
    "long_term_use": ("bool", "the requested drug is continued long-term use"),
    "on_opioids": ("bool", "the patient takes an opioid (medication list or requested item)"),
    "anatomy_clarification_for_procedure": ("bool", "imaging is to clarify anatomy before a planned invasive procedure"),
    **{f"doc_{name}": ("bool", f"documentation: {name.replace('_', ' ')}") for name in _DOC_FIELDS},
    **{f"opioid_{name}": ("bool", f"opioid monitoring: {name.replace('_', ' ')}") for name in _OPIOID_FIELDS},
}


def fact_fields(vocab=None):
    """Every field a rule may name, with its type: the static fields plus one dx_<group> flag per group."""
    vocab = vocab or load_vocabulary()
    fields = dict(STATIC_FIELDS)
    for group, spec in vocab.dx_groups.items():
        fields[f"dx_{group}"] = ("bool", f"diagnosis in group: {spec['label']}")
    return fields


@dataclass(frozen=True)
class ItemFacts:
    item_id: str
    values: dict  # only documented values; JSON scalars


@dataclass(frozen=True)
class RequestFacts:
    items: tuple  # ItemFacts, in request order
    warnings: tuple  # unrecognised diagnosis wording, unknown drugs


def _day(date):
    return date.toordinal() - EPOCH_ORDINAL


def _tri_any(flags):
    """Kleene OR of documented booleans: True if any is True, False if all documented and False, else None."""
    flags = list(flags)
    if any(f is True for f in flags):
        return True
    if flags and all(f is False for f in flags):
        return False
    return None


def _radiculopathy(request, region):
    findings = [f for f in request.exam if f.finding in RADICULAR_TESTS and (region is None or f.region in (None, region))]
    return _tri_any(f.result == "positive" for f in findings)


def _corroboration(request, region):
    studies = [s for s in request.imaging if s.official_report is True and s.nerve_root_compromise is not None
               and (region is None or s.region == region)]
    return _tri_any(s.nerve_root_compromise for s in studies)


def _prior(request, category):
    """(prior_course, prior_units, prior_functional_improvement) for the item's own treatment."""
    if request.treatment_history is None:
        return None, None, None
    courses = [c for c in request.treatment_history if c.modality == category]
    if not courses:
        return False, 0, None
    units = None if any(c.sessions is None for c in courses) else sum(c.sessions for c in courses)
    return True, units, courses[-1].functional_improvement


def derive(request: Request, vocab: Vocabulary = None) -> RequestFacts:
    """The flat facts of every requested item, plus warnings about wording the vocabulary does not know."""
    vocab = vocab or load_vocabulary()
    warnings = []
    groups = set()
    for dx in request.diagnoses:
        found = vocab.diagnosis_groups(dx.text, dx.icd10)
        if not found:
            warnings.append(f"diagnosis not in any group: {dx.text or dx.icd10}")
        groups.update(found)
    med_classes = []
    for med in request.medications or []:
        cls = vocab.drug_class(med.name)
        if cls is None:
            warnings.append(f"drug not in the vocabulary: {med.name}")
        med_classes.append(cls)

    common = {"review_day": _day(request.review_date), "patient_age": request.patient.age,
              "clinical_course": request.clinical_course, "work_status": request.work_status,
              "new_neuro_deficit": request.new_neurological_deficit,
              "red_flags": None if request.red_flags is None else bool(request.red_flags)}
    if request.injury.date:
        weeks = (request.review_date - request.injury.date).days // 7
        common["weeks_since_injury"] = weeks
        common["symptom_phase"] = "chronic" if weeks >= CHRONIC_WEEKS else "acute"
    for name in _DOC_FIELDS:
        common[f"doc_{name}"] = getattr(request.documentation, name)
    for name in _OPIOID_FIELDS:
        common[f"opioid_{name}"] = getattr(request.opioid_monitoring, name)
    if request.diagnoses:
        for group in vocab.dx_groups:
            common[f"dx_{group}"] = group in groups

    items = []
    for item in request.items:
        values = dict(common)
        values["category"] = item.category
        values["category_kind"] = vocab.category_kind(item.category)
        region = item.body_region
        if item.purpose is not None:
            values["purpose"] = item.purpose.category
            values["purpose_kind"] = vocab.category_kind(item.purpose.category)
            region = item.purpose.body_region or region
        else:
            values["purpose_kind"] = "none"
        values["body_region"] = region
        values["quantity"] = item.quantity
        if item.frequency is not None:
            values["frequency_per_week"] = item.frequency.per_week
            values["duration_weeks"] = item.frequency.weeks
        values["radiculopathy_on_exam"] = _radiculopathy(request, region)
        values["imaging_corroborates"] = _corroboration(request, region)
        # a consultation for a procedure or therapy looks at the history of that procedure or therapy
        reviewed = item.purpose.category if item.purpose is not None and values["purpose_kind"] in ("procedure", "therapy") else item.category
        prior_course, prior_units, prior_fi = _prior(request, reviewed)
        values["prior_course"] = prior_course
        values["prior_units"] = prior_units
        values["prior_functional_improvement"] = prior_fi
        if prior_units is not None and item.quantity is not None:
            values["visits_total"] = prior_units + item.quantity
        item_class = None
        if item.medication is not None:
            item_class = vocab.drug_class(item.medication.name)
            if item_class is None:
                warnings.append(f"drug not in the vocabulary: {item.medication.name}")
            values["drug_class"] = item_class
            values["long_term_use"] = item.medication.long_term
        if item_class == "opioid" or "opioid" in med_classes:
            values["on_opioids"] = True
        elif request.medications is not None and None not in med_classes:
            values["on_opioids"] = False
        values["anatomy_clarification_for_procedure"] = item.anatomy_clarification_for_procedure
        items.append(ItemFacts(item.id, {k: v for k, v in values.items() if v is not None}))
    return RequestFacts(items=tuple(items), warnings=tuple(sorted(set(warnings))))
