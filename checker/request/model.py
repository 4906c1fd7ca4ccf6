"""The structured treatment request (pydantic v2). Documentation facts are three-valued: true, false, or
absent (null) = not documented. Unknown fields and wrong types are rejected."""
import datetime as dt
from typing import Annotated, Literal, Optional

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import InputError, from_validation
from .positions import load_file
from .vocabulary import load_vocabulary


def _iso_date(value):
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("expected a date as YYYY-MM-DD") from None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
Doc = Optional[bool]  # documented true / documented false / not documented


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _known_region(value):
    if value is not None and value not in load_vocabulary().body_regions:
        raise ValueError(f"unknown body region {value!r} (known: {', '.join(load_vocabulary().body_regions)})")
    return value


def _known_category(value):
    if value not in load_vocabulary().categories:
        raise ValueError(f"unknown category {value!r} (known: {', '.join(sorted(load_vocabulary().categories))})")
    return value


def _known_procedure(value):
    if value not in load_vocabulary().procedures:
        raise ValueError(f"unknown procedure {value!r} (known: {', '.join(sorted(load_vocabulary().procedures))})")
    return value


def _known_statements(value):
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(load_vocabulary().documentation))
        if unknown:
            raise ValueError(f"unknown documentation statement(s) {', '.join(map(repr, unknown))} "
                             f"(see rules/vocabulary/documentation.yaml)")
    return value


Region = Annotated[str, BeforeValidator(_known_region)]
Category = Annotated[str, BeforeValidator(_known_category)]
Procedure = Annotated[str, BeforeValidator(_known_procedure)]
# Documentation statements: {key: true|false}, keys from rules/vocabulary; an absent key is "not documented".
Statements = Annotated[dict[str, bool], BeforeValidator(_known_statements)]


class Patient(_Model):
    age: Optional[int] = Field(None, ge=0, le=120)
    sex: Optional[Literal["male", "female", "other"]] = None


class Injury(_Model):
    date: Optional[Date] = None
    mechanism: Optional[str] = None


class Diagnosis(_Model):
    text: Optional[str] = None
    icd10: Optional[str] = Field(None, pattern=r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")

    @model_validator(mode="after")
    def _text_or_code(self):
        if not self.text and not self.icd10:
            raise ValueError("a diagnosis needs text or an icd10 code")
        return self


class Pain(_Model):
    current: Optional[float] = Field(None, ge=0, le=10)
    with_medication: Optional[float] = Field(None, ge=0, le=10)
    without_medication: Optional[float] = Field(None, ge=0, le=10)


RADICULAR_TESTS = ("straight_leg_raise", "seated_root_test", "spurling", "dermatomal_sensory_deficit",
                   "myotomal_weakness", "reflex_change", "radicular_pain_distribution")


class ExamFinding(_Model):
    finding: Literal[RADICULAR_TESTS + ("tenderness", "spasm", "reduced_range_of_motion", "trigger_points",
                                        "axial_loading_test", "sacroiliac_provocation", "weakness", "other")]
    result: Literal["positive", "negative"] = "positive"
    region: Optional[Region] = None
    level: Optional[str] = None
    side: Optional[Literal["left", "right", "bilateral"]] = None
    note: Optional[str] = None


class ImagingStudy(_Model):
    modality: Literal["xray", "mri", "ct", "emg_ncs", "bone_scan", "ultrasound"]
    region: Region
    date: Optional[Date] = None
    official_report: Doc = None
    findings: Optional[str] = None
    nerve_root_compromise: Doc = None


class TreatmentCourse(_Model):
    modality: Category
    body_region: Optional[Region] = None
    sessions: Optional[int] = Field(None, ge=0, le=1000)
    start: Optional[Date] = None
    end: Optional[Date] = None
    functional_improvement: Doc = None
    note: Optional[str] = None


class Medication(_Model):
    name: str
    dose: Optional[str] = None
    frequency: Optional[str] = None
    daily_mg: Optional[float] = Field(None, gt=0, le=100000)  # mg/day of the active drug (mcg/h for patches)
    form: Optional[Literal["oral", "topical", "transdermal", "injection", "other"]] = None
    ingredients: Optional[list[str]] = None  # a compounded product's ingredients
    weeks_used: Optional[int] = Field(None, ge=0, le=2000)
    long_term: Doc = None


class OpioidMonitoring(_Model):
    """Ongoing opioid management as documented at the visit: true means the domain was assessed and
    documented (e.g. adverse_effects: true = side effects were reviewed), false means the records show it was
    not, absent means the records do not say. functional_benefit: improved function and pain from the opioid."""
    analgesia: Doc = None
    activities_of_daily_living: Doc = None
    adverse_effects: Doc = None
    aberrant_behavior: Doc = None
    urine_drug_screen: Doc = None
    agreement: Doc = None
    functional_benefit: Doc = None


class Frequency(_Model):
    per_week: Optional[float] = Field(None, gt=0, le=21)
    weeks: Optional[float] = Field(None, gt=0, le=104)


class Purpose(_Model):
    category: Category
    body_region: Optional[Region] = None
    text: Optional[str] = None


class AfterSurgery(_Model):
    procedure: Procedure
    date: Optional[Date] = None


class RealOutcome(_Model):
    """The real decision on this item, for tests and regression only: the engine never reads it."""
    imr: Literal["upheld", "overturned"]
    letter: Optional[str] = None
    guideline: Optional[str] = None  # the letter's "MAXIMUS guideline:" line as written


class RequestedItem(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    category: Category
    description: str = Field(min_length=1)
    body_region: Optional[Region] = None
    quantity: Optional[int] = Field(None, ge=0, le=1000)
    unit: Optional[Literal["visits", "sessions", "units", "hours_per_week", "days", "weeks", "months", "tablets",
                           "patches", "injections", "levels", "tests"]] = None
    frequency: Optional[Frequency] = None
    purpose: Optional[Purpose] = None
    medication: Optional[Medication] = None
    procedure: Optional[Procedure] = None  # the surgery requested
    after_surgery: Optional[AfterSurgery] = None  # postsurgical treatment: the surgery it follows
    levels: Optional[int] = Field(None, ge=1, le=10)  # spinal levels to be treated
    approach: Optional[Literal["transforaminal", "interlaminar", "caudal"]] = None
    documentation: Statements = {}  # statements about this item; they override the request's
    real_outcome: Optional[RealOutcome] = None

    @model_validator(mode="after")
    def _medication_matches_category(self):
        if self.medication is not None and self.category != "medication":
            raise ValueError("medication is only for items of category medication")
        return self


class Request(_Model):
    request_id: str = Field(min_length=1)
    review_date: Date
    patient: Patient = Patient()
    injury: Injury = Injury()
    body_regions: list[Region] = []
    diagnoses: list[Diagnosis] = []
    work_status: Optional[Literal["full_duty", "modified_duty", "not_working", "unknown"]] = None
    pain: Pain = Pain()
    clinical_course: Optional[Literal["stable", "improving", "worsening", "acute_flare"]] = None
    exam: list[ExamFinding] = []
    red_flags: Optional[list[str]] = None  # absent: not documented; []: documented that there are none
    new_neurological_deficit: Doc = None
    imaging: list[ImagingStudy] = []
    treatment_history: Optional[list[TreatmentCourse]] = None  # absent: not documented
    medications: Optional[list[Medication]] = None  # absent: no medication list provided
    opioid_monitoring: OpioidMonitoring = OpioidMonitoring()
    documentation: Statements = {}
    items: list[RequestedItem] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items):
        seen = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate item id {item.id!r}")
            seen.add(item.id)
        return items

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.injury.date and self.injury.date > self.review_date:
            raise ValueError("injury.date is after review_date")
        return self


def parse_request(data, file="<request>", positions=None):
    """Validate a parsed request mapping; errors name the file, the field path and the line."""
    if not isinstance(data, dict):
        raise InputError(file, "a request must be a mapping of fields")
    try:
        return Request.model_validate(data)
    except ValidationError as exc:
        raise from_validation(file, exc, positions) from None


def request_json_schema():
    """The JSON Schema of a request, with the vocabulary's names (categories, body regions, procedures,
    documentation statements) as enumerations, so editors and other systems can check them too."""
    vocab = load_vocabulary()
    schema = Request.model_json_schema()
    by_property = {"category": sorted(vocab.categories), "modality": sorted(vocab.categories),
                   "body_region": list(vocab.body_regions), "region": list(vocab.body_regions),
                   "body_regions": list(vocab.body_regions), "procedure": sorted(vocab.procedures)}

    def strings(node):  # the string schemas inside a property: direct, optional (anyOf) or a list's items
        if node.get("type") == "string":
            yield node
        for sub in node.get("anyOf", []) + ([node["items"]] if "items" in node else []):
            yield from strings(sub)

    for model in [schema] + list(schema.get("$defs", {}).values()):
        for name, prop in model.get("properties", {}).items():
            if name in by_property:
                for node in strings(prop):
                    node["enum"] = by_property[name]
            if name == "documentation":
                prop["propertyNames"] = {"enum": sorted(vocab.documentation)}
    return schema


def with_review_date(request, day, file="<request>"):
    """The same request reviewed on another date (re-validated: the injury must not postdate it)."""
    return parse_request(dict(request.model_dump(), review_date=day), file)


def load_request(path):
    """Load and validate a request file (YAML or JSON)."""
    data, positions = load_file(path)
    return parse_request(data, path, positions)
