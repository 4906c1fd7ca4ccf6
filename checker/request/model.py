"""The structured treatment request (pydantic v2). Documentation facts are three-valued: true, false, or
absent (null) = not documented. Unknown fields and wrong types are rejected."""
import datetime as dt
import re
from typing import Annotated, Literal, Optional, Union

from pydantic import (
    BaseModel,
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pydantic_core import PydanticCustomError

from ..errors import InputError, did_you_mean, field_path, from_validation
from . import gate
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


def _plausible_date(value):
    if not dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31):
        raise ValueError("expected a date between 1900-01-01 and 2100-12-31")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_plausible_date)]


def _iso_moment(value):
    """A date, or a date and time (YYYY-MM-DD HH:MM, Pacific time as written: no offset)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("expected a date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM") from None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        raise ValueError("write the time as Pacific time without an offset, like 2014-06-13 17:45")
    return value


def _plausible_moment(value):
    _plausible_date(value.date() if isinstance(value, dt.datetime) else value)
    return value


# the RFA's receipt: the time decides whether it counts from the next business day (8 CCR 9792.9.1(a)(1))
Moment = Annotated[Union[dt.datetime, dt.date], BeforeValidator(_iso_moment), AfterValidator(_plausible_moment)]
Doc = Optional[bool]  # documented true / documented false / not documented


_MULTILINE = {"findings", "note"}  # free text that may run over lines; every other text is one line
_NOT_ONE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")  # line breaks, control characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # control characters but tab and line breaks


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value, info):
        # request text is printed in reports: a line break or an escape sequence could forge a line of one
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else ()
        multiline = info.field_name in _MULTILINE
        if any(isinstance(t, str) and (_CONTROL if multiline else _NOT_ONE_LINE).search(t) for t in texts):
            raise ValueError("control characters are not allowed" if multiline else
                             "expected one line of text (no line breaks or control characters)")
        return value


def _example(**shape):
    """A model's example mapping: error messages show it as the expected shape, and the JSON Schema carries it."""
    return ConfigDict(json_schema_extra={"examples": [shape]})


def _at(field, message):
    """A model check's error, located at one of its fields (so that it names that field's line)."""
    return PydanticCustomError("value_error", message, {"at": tuple(field)})


# Unknown names get the closest known one; the value given is never repeated (requests hold health information).
def _known(value, names, what, where):
    if not isinstance(value, str) or value not in names:
        hint = did_you_mean(value, names) if isinstance(value, str) else ""
        raise ValueError(f"unknown {what}{hint} (the names are in {where}; `mtus-check schema` lists them)")
    return value


def _known_region(value):
    return value if value is None else _known(value, load_vocabulary().body_regions, "body region",
                                              "rules/vocabulary/ body_regions")


def _known_category(value):
    return _known(value, sorted(load_vocabulary().categories), "category", "rules/vocabulary/categories.yaml")


def _known_procedure(value):
    return _known(value, sorted(load_vocabulary().procedures), "procedure", "rules/vocabulary/ procedures")


def _known_statements(value):
    if isinstance(value, dict):
        known = sorted(load_vocabulary().documentation)
        unknown = [k for k in value if k not in known]
        if unknown:
            raise _at((unknown[0],), f"unknown documentation statement{did_you_mean(unknown[0], known)} "
                                     f"(see rules/vocabulary/documentation.yaml)")
    return value


def _known_finding(value):
    return _known(value, sorted(load_vocabulary().exam_findings), "exam finding", "rules/vocabulary/exam.yaml")


def _known_modality(value):
    if value == "unspecified":
        return value
    return _known(value, load_vocabulary().study_categories() + ["unspecified"],
                  "imaging modality (an imaging or electrodiagnostic category, or unspecified)",
                  "rules/vocabulary/categories.yaml")


_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


def _icd10(value):
    if isinstance(value, str) and not _ICD10.match(value):
        raise ValueError("an ICD-10-CM code is written like M54.5 or S13.4XXA: a letter, two digits or letters, "
                         "then a dot and up to four more")
    return value


def _npi(value):
    """A National Provider Identifier: 10 digits, the last a Luhn check digit over 80840 and the first nine."""
    if value is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not re.fullmatch(r"\d{10}", value):
        raise ValueError("an NPI is 10 digits, written as text (in quotes)")
    total = 0
    for i, ch in enumerate(reversed("80840" + value)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    if total % 10:
        raise ValueError("not a valid NPI: the check digit (the last digit) does not match the first nine")
    return value


_CPT_HCPCS = re.compile(r"^(\d{4}[0-9FTU]|[A-Z]\d{4})$")


def _cpt_hcpcs(value):
    if value is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:05d}" if 0 <= value < 100000 else str(value)
    if isinstance(value, str):
        value = value.strip().upper()
    if not isinstance(value, str) or not _CPT_HCPCS.match(value):
        raise ValueError("a CPT code is 5 digits (or 4 digits and F, T or U), a HCPCS code a letter and 4 digits, "
                         "like 97110 or E0730, written as text")
    return value


# 10-digit NDCs are ambiguous without their hyphens; the 11-digit billing form is 5-4-2
_NDC = re.compile(r"^(\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2}|\d{11})$")


def _ndc(value):
    if value is None:
        return value
    if not isinstance(value, str) or not _NDC.match(value.strip()):
        raise ValueError("an NDC is 10 digits with hyphens (4-4-2, 5-3-2 or 5-4-1, like 0093-0058-01) or 11 "
                         "digits (5-4-2, like 00093-0058-01 or 00093005801), written as text")
    return value.strip()


def _item_id(value):
    if isinstance(value, str) and not _ID.match(value):
        raise ValueError("an item id is 1 to 40 letters, digits, '.', '_' or '-', like item-1")
    return value


def _spinal_level(value):
    if isinstance(value, str):  # "L4-5" is how records write L4-L5
        value = re.sub(r"^([CTLS])(\d{1,2})\s*-\s*(\d{1,2})$", r"\1\2-\1\3", value.strip().upper())
    if not isinstance(value, str) or not _LEVEL.match(value):
        raise ValueError("a spinal level is written like L4-L5, L5-S1, C5-C6 or L4")
    return value


_LEVEL = re.compile(r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5])(-(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5]))?$")
Region = Annotated[str, BeforeValidator(_known_region)]
Finding = Annotated[str, BeforeValidator(_known_finding)]
Modality = Annotated[str, BeforeValidator(_known_modality)]
SpinalLevel = Annotated[str, BeforeValidator(_spinal_level)]
Category = Annotated[str, BeforeValidator(_known_category)]
Procedure = Annotated[str, BeforeValidator(_known_procedure)]
# Documentation statements: {key: true|false}, keys from rules/vocabulary; an absent key is "not documented".
Statements = Annotated[dict[str, bool], BeforeValidator(_known_statements)]


class Patient(_Model):
    model_config = _example(age=45, sex="female")
    name: Optional[str] = Field(None, min_length=1)  # the injured worker's name as the RFA gives it
    date_of_birth: Optional[Date] = None
    age: Optional[int] = Field(None, ge=0, le=120)
    sex: Optional[Literal["male", "female", "other"]] = None
    homebound: Doc = None  # leaving home takes considerable and taxing effort (home health)
    lives_alone: Doc = None  # no one at home who can help with care


class Physician(_Model):
    """The requesting physician as DWC Form RFA names them."""
    model_config = _example(name="A. Example, MD", specialty="Physical Medicine", npi="1234567893",
                            address="1 Main St, Fresno, CA 93721", phone="559-555-0100")
    name: Optional[str] = Field(None, min_length=1)
    specialty: Optional[str] = None
    npi: Annotated[Optional[str], BeforeValidator(_npi)] = Field(None, pattern=r"^\d{10}$")
    address: Optional[str] = None
    phone: Optional[str] = None


class RFA(_Model):
    """What DWC Form RFA states about the request itself (the claim, its receipt, what came with it)."""
    model_config = _example(received="2014-06-13 17:45", claim_number="EX-0001", expedited=False,
                            documents=["PR-2 report of 2014-06-10"])
    received: Optional[Moment] = None  # when the claims administrator (or its UR organisation) received it
    claim_number: Optional[str] = Field(None, min_length=1)
    employer: Optional[str] = None
    claims_administrator: Optional[str] = None
    expedited: bool = False  # the employee faces an imminent and serious threat to their health
    documents: list[str] = []  # the records submitted with the RFA (the letter lists them as reviewed)


class Injury(_Model):
    model_config = _example(date="2013-05-01", mechanism="lifting a box")
    date: Optional[Date] = None
    mechanism: Optional[str] = None
    symptom_onset: Optional[Date] = None  # when the symptoms began, where the records give it apart from the injury
    severity: Optional[Literal["minor", "moderate", "severe"]] = None  # an acute injury's severity (e.g. fracture: severe)


class Diagnosis(_Model):
    model_config = _example(text="lumbar radiculopathy", icd10="M54.16")
    text: Optional[str] = None
    icd10: Annotated[Optional[str], BeforeValidator(_icd10)] = Field(None, pattern=_ICD10.pattern)
    status: Literal["confirmed", "suspected", "rule_out"] = "confirmed"  # "rule out" / "possible" / "suspected"
    body_region: Optional[Region] = None  # the region the diagnosis is of, where it matters for a multi-region claim

    @model_validator(mode="after")
    def _text_or_code(self):
        if not self.text and not self.icd10:
            raise ValueError("a diagnosis needs text or an icd10 code")
        return self


class Pain(_Model):
    model_config = _example(current=6, with_medication=4, without_medication=8)
    current: Optional[float] = Field(None, ge=0, le=10)
    low: Optional[float] = Field(None, ge=0, le=10)  # a range as the records give it: "4-8/10"
    high: Optional[float] = Field(None, ge=0, le=10)
    with_medication: Optional[float] = Field(None, ge=0, le=10)
    without_medication: Optional[float] = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _range_in_order(self):
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("pain.low is above pain.high")
        return self


Side = Literal["left", "right", "bilateral"]


class ExamFinding(_Model):
    model_config = _example(finding="straight_leg_raise", result="positive", region="lumbar_spine", side="left")
    finding: Finding
    result: Literal["positive", "negative"] = "positive"
    region: Optional[Region] = None
    level: Optional[str] = None
    side: Optional[Side] = None
    note: Optional[str] = None


class ImagingStudy(_Model):
    model_config = _example(modality="mri", region="lumbar_spine", date="2013-06-01", official_report=True)
    modality: Modality  # an imaging or electrodiagnostic category, or unspecified when the records do not name it
    region: Region
    side: Optional[Side] = None
    date: Optional[Date] = None
    official_report: Doc = None
    findings: Optional[str] = None
    nerve_root_compromise: Doc = None
    levels: list[SpinalLevel] = []  # spinal levels where the report shows the pathology


class TreatmentCourse(_Model):
    model_config = _example(modality="physical_therapy", sessions=12, functional_improvement=False)
    modality: Category
    body_region: Optional[Region] = None
    sessions: Optional[int] = Field(None, ge=0, le=1000)
    start: Optional[Date] = None
    end: Optional[Date] = None
    functional_improvement: Doc = None  # objective, measured functional improvement (8 CCR 9792.20)
    reported_improvement: Doc = None  # the patient or provider reports it helped (pain relief), without measures
    note: Optional[str] = None


class Medication(_Model):
    model_config = _example(name="Norco 10/325", daily_mg=30, weeks_used=12)
    name: str
    dose: Optional[str] = None
    frequency: Optional[str] = None
    daily_mg: Optional[float] = Field(None, gt=0, le=100000)  # mg/day of the active drug (mcg/h for patches)
    form: Optional[Literal["oral", "oral_liquid", "topical", "transdermal", "injection", "other"]] = None
    ingredients: Optional[list[str]] = None  # a compounded product's ingredients
    compounded: Doc = None  # a compounded (or proprietary combination) product, whether or not its ingredients are listed
    refills: Optional[int] = Field(None, ge=0, le=12)
    weeks_used: Optional[int] = Field(None, ge=0, le=2000)
    long_term: Doc = None


class OpioidMonitoring(_Model):
    """Opioid management as documented: true means the domain was assessed and documented (e.g. adverse_effects:
    true = side effects were reviewed), false means the records show it was not, absent means the records do not
    say. functional_benefit: improved function and pain from the opioid. cures_checked: the state prescription
    database (CURES / PDMP) was queried; risk_screening: a risk of misuse screen (ORT, SOAPP, ...) was done."""
    analgesia: Doc = None
    activities_of_daily_living: Doc = None
    adverse_effects: Doc = None
    aberrant_behavior: Doc = None
    urine_drug_screen: Doc = None
    agreement: Doc = None
    functional_benefit: Doc = None
    cures_checked: Doc = None
    risk_screening: Doc = None


class Frequency(_Model):
    model_config = _example(per_week=2, weeks=6)
    per_week: Optional[float] = Field(None, gt=0, le=21)
    weeks: Optional[float] = Field(None, gt=0, le=104)


class Purpose(_Model):
    model_config = _example(category="epidural_steroid_injection", body_region="lumbar_spine")
    category: Category
    body_region: Optional[Region] = None
    text: Optional[str] = None


SurgicalApproach = Literal["arthroscopic", "open", "minimally_invasive"]


class AfterSurgery(_Model):
    model_config = _example(procedure="knee_meniscectomy", date="2014-01-10")
    procedure: Procedure
    date: Optional[Date] = None
    approach: Optional[SurgicalApproach] = None


class Surgery(_Model):
    """A surgery in the history (performed), with its date where the records give it."""
    model_config = _example(procedure="knee_meniscectomy", date="2014-01-10", side="left")
    procedure: Optional[Procedure] = None
    text: Optional[str] = None
    date: Optional[Date] = None
    body_region: Optional[Region] = None
    side: Optional[Side] = None
    approach: Optional[SurgicalApproach] = None

    @model_validator(mode="after")
    def _named(self):
        if not self.procedure and not self.text:
            raise ValueError("a surgery needs a procedure or text")
        return self


class UtilizationReview(_Model):
    """What utilization review decided on this item before the dispute; the dispute is over the request as made."""
    model_config = _example(decision="modified", authorized_quantity=6)
    decision: Literal["non_certified", "modified", "certified"]
    authorized_quantity: Optional[int] = Field(None, ge=0, le=1000)  # the part UR authorised (modified)
    date: Optional[Date] = None


class RealOutcome(_Model):
    """The real decision on this item, for tests and regression only: the engine never reads it."""
    imr: Literal["upheld", "overturned"]
    letter: Optional[str] = None
    guideline: Optional[str] = None  # the letter's "MAXIMUS guideline:" line as written


class RequestedItem(_Model):
    model_config = _example(id="item-1", category="physical_therapy", description="Physical therapy 2x6",
                            quantity=12, frequency={"per_week": 2, "weeks": 6})
    id: Annotated[str, BeforeValidator(_item_id)] = Field(pattern=_ID.pattern)
    category: Category
    description: str = Field(min_length=1)
    body_region: Optional[Region] = None
    body_regions: list[Region] = []  # several regions on one item (each is judged; all must be supported)
    side: Optional[Side] = None
    quantity: Optional[int] = Field(None, ge=0, le=1000)
    unit: Optional[Literal["visits", "sessions", "units", "hours", "hours_per_week", "days", "weeks", "months",
                           "tablets", "patches", "injections", "levels", "tests"]] = None
    frequency: Optional[Frequency] = None
    purpose: Optional[Purpose] = None
    rule_out: list[str] = []  # what a study or consultation is meant to rule out or confirm (wording, as diagnoses)
    medication: Optional[Medication] = None
    procedure: Optional[Procedure] = None  # the surgery requested
    procedures: list[Procedure] = []  # further procedures of the same surgery
    surgical_approach: Optional[SurgicalApproach] = None
    after_surgery: Optional[AfterSurgery] = None  # postsurgical treatment: the surgery it follows
    depends_on: Annotated[Optional[str], BeforeValidator(_item_id)] = Field(None, pattern=_ID.pattern)  # the item it serves (a surgery)
    levels: Optional[int] = Field(None, ge=1, le=10)  # spinal levels to be treated
    spinal_levels: list[SpinalLevel] = []  # which levels, as written: L4-L5, L5-S1, C5-C6
    approach: Optional[Literal["transforaminal", "interlaminar", "caudal"]] = None
    retrospective: bool = False
    date_of_service: Optional[Date] = None  # a retrospective request's date of service
    ur: Optional[UtilizationReview] = None
    documentation: Statements = {}  # statements about this item; they override the request's
    cpt_hcpcs: Annotated[Optional[str], BeforeValidator(_cpt_hcpcs)] = Field(None, pattern=_CPT_HCPCS.pattern)
    ndc: Annotated[Optional[str], BeforeValidator(_ndc)] = Field(None, pattern=_NDC.pattern)  # a drug's NDC
    icd10: list[Annotated[str, BeforeValidator(_icd10), Field(pattern=_ICD10.pattern)]] = []  # the RFA's codes
    duration: Optional[str] = None  # the RFA's duration as written ("6 weeks")
    real_outcome: Optional[RealOutcome] = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.medication is not None and self.category != "medication":
            raise _at(("medication",), "medication is only for items of category medication")
        if self.depends_on == self.id:
            raise _at(("depends_on",), "an item cannot depend on itself")
        if self.ur is not None and self.ur.authorized_quantity is not None and self.quantity is not None \
                and self.ur.authorized_quantity > self.quantity:
            raise _at(("ur", "authorized_quantity"), "ur.authorized_quantity is above the quantity requested")
        return self

    @property
    def regions(self):
        """Every body region the item names, in order (body_region first)."""
        return list(dict.fromkeys(([self.body_region] if self.body_region else []) + list(self.body_regions)))


class Request(_Model):
    request_id: str = Field(min_length=1)
    review_date: Date
    rfa: RFA = RFA()
    patient: Patient = Patient()
    requesting_physician: Physician = Physician()
    injury: Injury = Injury()
    body_regions: list[Region] = []
    diagnoses: list[Diagnosis] = []
    work_status: Optional[Literal["full_duty", "modified_duty", "not_working", "unknown"]] = None
    job_physical_demand: Optional[Literal["sedentary", "light", "medium", "heavy", "very_heavy"]] = None
    pain: Pain = Pain()
    clinical_course: Optional[Literal["stable", "improving", "worsening", "acute_flare"]] = None
    exam: list[ExamFinding] = []
    red_flags: Optional[list[str]] = None  # absent: not documented; []: documented that there are none
    new_neurological_deficit: Doc = None
    imaging: list[ImagingStudy] = []
    surgeries: list[Surgery] = []  # surgical history
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
                raise ValueError("duplicate item id: each item needs its own id")
            seen.add(item.id)
        return items

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.injury.date and self.injury.date > self.review_date:
            raise _at(("injury", "date"), "injury.date is after review_date: the injury cannot postdate the review")
        received = self.rfa.received
        if received and (received.date() if isinstance(received, dt.datetime) else received) > self.review_date:
            raise _at(("rfa", "received"), "rfa.received is after review_date: decide the request after receiving it")
        born = self.patient.date_of_birth
        if born and (born > self.review_date or (self.injury.date and born > self.injury.date)):
            raise _at(("patient", "date_of_birth"), "patient.date_of_birth is after the injury or the review")
        ids = {item.id for item in self.items}
        for i, item in enumerate(self.items):
            if item.depends_on is not None and item.depends_on not in ids:
                raise _at(("items", i, "depends_on"), "depends_on names no item of this request (give an item's id)")
        return self


def parse_request(data, file="<request>", positions=None):
    """Validate a parsed request mapping; errors name the file, the field path and the line."""
    if not isinstance(data, dict):
        raise InputError(file, "a request must be a mapping of fields")
    gate.check_tree(data, file, gate.REQUEST, positions)
    try:
        return Request.model_validate(data)
    except ValidationError as exc:
        raise from_validation(file, exc, positions, Request) from None


def text_warnings(file, positions):
    """Warnings about the file's text (a value YAML cut at ' #'), as one-line InputErrors to print."""
    return [InputError(file, message, field=field_path(path), line=positions.line_of(path),
                       column=positions.column_of(path)) for path, message in getattr(positions, "warnings", ())]


def request_json_schema():
    """The JSON Schema of a request, with the vocabulary's names (categories, body regions, procedures,
    documentation statements) as enumerations, so editors and other systems can check them too."""
    vocab = load_vocabulary()
    schema = Request.model_json_schema()
    by_property = {"category": sorted(vocab.categories), "modality": sorted(vocab.categories),
                   "body_region": list(vocab.body_regions), "region": list(vocab.body_regions),
                   "body_regions": list(vocab.body_regions), "procedure": sorted(vocab.procedures),
                   "procedures": sorted(vocab.procedures), "finding": sorted(vocab.exam_findings),
                   "spinal_levels": None, "levels": None}
    # the same property name means something else in some models
    by_model = {"ImagingStudy": {"modality": vocab.study_categories() + ["unspecified"]}}

    def strings(node):  # the string schemas inside a property: direct, optional (anyOf) or a list's items
        if node.get("type") == "string":
            yield node
        for sub in node.get("anyOf", []) + ([node["items"]] if "items" in node else []):
            yield from strings(sub)

    for title, model in [("Request", schema)] + list(schema.get("$defs", {}).items()):
        for name, prop in model.get("properties", {}).items():
            values = by_model.get(title, {}).get(name, by_property.get(name))
            if name in ("spinal_levels", "levels") and prop.get("type") == "array":
                prop["items"] = {"type": "string", "pattern": _LEVEL.pattern}
            elif values is not None:
                for node in strings(prop):
                    node["enum"] = values
            if name == "documentation":
                prop["propertyNames"] = {"enum": sorted(vocab.documentation)}
    # a date, or a date and a Pacific time without an offset (JSON Schema's date-time would demand an offset)
    schema["$defs"]["RFA"]["properties"]["received"] = {
        "anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"}, {"type": "null"}],
        "default": None, "title": "Received", "description": "YYYY-MM-DD or YYYY-MM-DD HH:MM (Pacific time)"}
    return schema


def with_review_date(request, day, file="<request>"):
    """The same request reviewed on another date (re-validated: the injury must not postdate it)."""
    return parse_request(dict(request.model_dump(), review_date=day), file)


def load_request(path, warnings=None):
    """Load and validate a request file (YAML or JSON); with a list as `warnings`, add text_warnings to it."""
    data, positions = load_file(path, gate.REQUEST)
    if warnings is not None:
        warnings.extend(text_warnings(path, positions))
    return parse_request(data, path, positions)
