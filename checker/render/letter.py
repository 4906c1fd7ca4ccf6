"""The fill-ins of the UR determination letter: from the request (its RFA block) and the UR organisation's profile.
What neither gives stays a visible placeholder ([CLAIM NUMBER]) and is listed, so the draft says at its top what is
still to fill in. The same fields feed the text, Markdown, HTML and PDF letters."""
import datetime as dt

# (key, placeholder, needed only when the letter modifies or does not certify an item)
FIELDS = [
    ("org_name", "UR ORGANIZATION NAME", False),
    ("org_address", "UR ORGANIZATION ADDRESS", False),
    ("org_phone", "UR ORGANIZATION TELEPHONE", False),
    ("worker_name", "INJURED WORKER NAME", False),
    ("worker_dob", "DATE OF BIRTH", False),
    ("injury_date", "DATE OF INJURY", False),
    ("claim_number", "CLAIM NUMBER", False),
    ("employer", "EMPLOYER", False),
    ("claims_administrator", "CLAIMS ADMINISTRATOR", False),
    ("physician_name", "REQUESTING PHYSICIAN NAME", False),
    ("physician_specialty", "REQUESTING PHYSICIAN SPECIALTY", False),
    ("physician_npi", "REQUESTING PHYSICIAN NPI", False),
    ("physician_address", "REQUESTING PHYSICIAN ADDRESS", False),
    ("physician_phone", "REQUESTING PHYSICIAN TELEPHONE", False),
    ("received", "DATE RFA RECEIVED", False),
    ("documents", "RECORDS REVIEWED", False),
    ("copy_to", "COPY TO", False),
    ("reviewer_name", "PHYSICIAN REVIEWER NAME", True),
    ("reviewer_specialty", "PHYSICIAN REVIEWER SPECIALTY", True),
    ("reviewer_license", "PHYSICIAN REVIEWER LICENSE", True),
    ("reviewer_phone", "PHYSICIAN REVIEWER TELEPHONE", True),
    ("telephone_hours", "REVIEWER TELEPHONE HOURS", True),
    ("adjuster_name", "CLAIMS ADJUSTER NAME", True),
    ("adjuster_phone", "CLAIMS ADJUSTER TELEPHONE", True),
    ("internal_appeal", "INTERNAL APPEAL PROCESS, IF ANY", True),
]


def letter_fields(data, profile=None):
    """The letter's fill-ins from the JSON contract `data` and a Profile (or None): a mapping of key -> text (or a
    list, for documents and copy_to), with `missing` (the keys left as placeholders) and `still_to_fill` (their
    placeholders, in the letter's order)."""
    rfa = data.get("rfa") or {}
    doc = rfa.get("requesting_physician") or {}
    patient = rfa.get("patient") or {}
    reviewer = profile.reviewers[0] if profile is not None and profile.reviewers else None
    adjuster = profile.claims_adjuster if profile is not None else None
    given = {
        "org_name": profile and profile.name, "org_address": profile and profile.address,
        "org_phone": profile and profile.phone, "letterhead": profile and profile.letterhead,
        "worker_name": patient.get("name"), "worker_dob": patient.get("date_of_birth"),
        "injury_date": rfa.get("injury_date"), "claim_number": rfa.get("claim_number"),
        "employer": rfa.get("employer"), "claims_administrator": rfa.get("claims_administrator"),
        "physician_name": doc.get("name"), "physician_specialty": doc.get("specialty"),
        "physician_npi": doc.get("npi"), "physician_address": doc.get("address"),
        "physician_phone": doc.get("phone"), "received": rfa.get("received"),
        "documents": list(rfa.get("documents") or []), "copy_to": list(profile.copy_to) if profile else [],
        "reviewer_name": reviewer and reviewer.name, "reviewer_specialty": reviewer and reviewer.specialty,
        "reviewer_license": reviewer and reviewer.license, "reviewer_phone": reviewer and reviewer.phone,
        "telephone_hours": profile and profile.telephone_hours,
        "adjuster_name": adjuster and adjuster.name, "adjuster_phone": adjuster and adjuster.phone,
        "internal_appeal": profile and profile.internal_appeal,
    }
    adverse = data["summary"]["physician_signature_required"]
    out, missing = {"letterhead": given["letterhead"] or ""}, []
    for key, placeholder, adverse_only in FIELDS:
        value = given[key]
        if value:
            out[key] = value
        else:
            out[key] = f"[{placeholder}]"
            if adverse or not adverse_only:
                missing.append(key)
    out["missing"] = missing
    out["still_to_fill"] = [f"[{dict((k, p) for k, p, _ in FIELDS)[k]}]" for k in missing]
    return out


# The notices of a letter that modifies or does not certify. Provenance, honestly:
# - IMR: the time limit and the form are 8 CCR 9792.10.1(b)(1)'s words ("within 30 days of service of the written
#   utilization review determination", "on the Application for Independent Medical Review, DWC Form IMR, and
#   submitted with a copy of the written decision"), put in the second person. 9792.9.1(e)(5)'s own mandatory
#   paragraph could not be checked against the regulation's text here: replace this with it where it differs.
# - The enclosure follows the DWC Form IMR instructions (the claims administrator completes the form; the employee
#   signs it).
# - The adjuster and I&A sentences are the mandatory language of 8 CCR 9792.9(b) (checked), which 9792.9.1
#   carries over (recalled, not checked).
# - The internal appeal and reviewer contact sentences are paraphrases of what 9792.9.1(e)(5) asks for (recalled).
# - The delay paragraph paraphrases 9792.9.1(f) as the research brief states it (recalled, not checked).
NOTICES = {
    "imr": "If you disagree with this utilization review decision, you may request Independent Medical Review "
           "(IMR). A request for independent medical review must be filed by mail, facsimile, or electronic "
           "transmission with the Administrative Director, or the Administrative Director's designee, within 30 "
           "days of service of this written utilization review determination. The request must be made on the "
           "Application for Independent Medical Review, DWC Form IMR, and submitted with a copy of this written "
           "decision. At the time of filing, the employee shall concurrently provide a copy of the signed DWC "
           "Form IMR, without a copy of this decision, to the claims administrator.",
    "enclosure": "Enclosed: Application for Independent Medical Review, DWC Form IMR, completed by the claims "
                 "administrator except for the employee's signature.",
    "internal_appeal": "The internal appeal process is voluntary: it neither starts nor extends the time limit to "
                       "request Independent Medical Review.",
    "ia": "For information about the workers' compensation claims process and your rights and obligations, go to "
          "www.dwc.ca.gov or contact an information and assistance (I&A) officer of the state Division of Workers' "
          "Compensation. For recorded information and a list of offices, call toll-free 1-800-736-7401.",
}


def adjuster_notice(name, phone):
    """9792.9(b)'s adjuster sentence with the adjuster's name and telephone number."""
    return (f"You have a right to disagree with decisions affecting your claim. If you have questions about the "
            f"information in this notice, please call me ({name}) at {phone}. However, if you are represented by "
            f"an attorney, please contact your attorney instead of me.")


def timeframe_line(tf, received_placeholder):
    """The timeframe as one sentence: the rule, when it counts from, the due date, and whether it was met."""
    if tf is None:
        return f"{received_placeholder}: the date the RFA was received is needed to count the timeframe."
    start = (f"received after 5:30 PM Pacific Time, so deemed received on {tf['deemed_received']}"
             if tf["after_cutoff"] else f"received {tf['received']}")
    status = ("met" if tf["met"] else
              f"NOT MET: this decision is {tf['days_late']} calendar day(s) late")
    return f"{tf['rule']} from receipt ({start}); decision due by {tf['due']}: {status}."


def _number(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


def item_codes(item):
    """An item's RFA codes and schedule as one line ('' when the request gives none)."""
    parts = []
    if item.get("cpt_hcpcs"):
        parts.append(f"CPT/HCPCS {item['cpt_hcpcs']}")
    if item.get("ndc"):
        parts.append(f"NDC {item['ndc']}")
    if item.get("icd10"):
        parts.append("ICD-10 " + ", ".join(item["icd10"]))
    freq = item.get("frequency") or {}
    if freq.get("per_week") or freq.get("weeks"):
        parts.append(" ".join(filter(None, [
            f"{_number(freq['per_week'])} per week" if freq.get("per_week") else "",
            f"for {_number(freq['weeks'])} weeks" if freq.get("weeks") else ""])))
    if item.get("duration"):
        parts.append(f"duration {item['duration']}")
    return "; ".join(parts)


# 8 CCR 9792.9.1(f) and Labor Code 4610: a decision may be delayed for information reasonably necessary to make it,
# in no event beyond 14 days; counted here from the receipt of the RFA (the research brief's reading; Labor Code 4610
# counts from the physician's recommendation, which is never later than its receipt). No extension for expedited
# review in this checker, and none for drug requests under the MTUS Drug Formulary (SB 1160; operative 1 Jan 2018).
DELAY_DAYS = 14
FORMULARY_FROM = dt.date(2018, 1, 1)


def _received_day(data):
    received = (data.get("rfa") or {}).get("received")
    return dt.date.fromisoformat(str(received)[:10]) if received else None


def decision(data, item, profile=None):
    """The letter's decision on an item: {"kind": certify | modify | non_certify | physician_review | delay,
    "due": the date the delayed decision is due by (or a placeholder), "not_delayed": why an item the profile would
    delay is not certified instead ('' when that does not arise)}."""
    out = {"kind": item["determination"], "due": "", "not_delayed": ""}
    wants_delay = (profile is not None and profile.missing_information == "delay"
                   and item["determination"] == "non_certify" and item["grounds"] == "not_documented")
    if not wants_delay:
        return out
    decided = dt.date.fromisoformat(data["review_date"])
    received = _received_day(data)
    if (data.get("rfa") or {}).get("expedited"):
        out["not_delayed"] = "the 14-day delay for information is not applied to an expedited review"
    elif item["category"] == "medication" and decided >= FORMULARY_FROM:
        out["not_delayed"] = ("a drug request under the MTUS Drug Formulary is decided within five business days, "
                              "with no extension for information")
    elif received is not None and decided > received + dt.timedelta(days=DELAY_DAYS):
        out["not_delayed"] = (f"the {DELAY_DAYS} days from the receipt of the RFA within which the decision could be "
                              f"delayed for information have passed; the request will be reconsidered upon receipt "
                              f"of the information")
    else:
        out["kind"] = "delay"
        out["due"] = ((received + dt.timedelta(days=DELAY_DAYS)).isoformat() if received is not None
                      else f"{DELAY_DAYS} days from [DATE RFA RECEIVED]")
    return out


def letter(data, profile=None):
    """Everything the letter templates print beyond the JSON contract: the fill-ins, the notices, the timeframe
    sentence and each item's codes line (by item id)."""
    out = letter_fields(data, profile)
    out["notices"] = dict(NOTICES, adjuster=adjuster_notice(out["adjuster_name"], out["adjuster_phone"]))
    out["timeframe"] = timeframe_line(data.get("timeframe"), out["received"])
    out["codes"] = {item["id"]: item_codes(item) for item in data["items"]}
    out["decision"] = {item["id"]: decision(data, item, profile) for item in data["items"]}
    due = sorted({d["due"] for d in out["decision"].values() if d["kind"] == "delay"})
    out["notices"]["delay"] = (
        f"The decision on each item marked delayed is delayed under 8 CCR 9792.9.1(f): the information listed under "
        f"it is reasonably necessary to make the determination and is not in the records received. Please send it "
        f"by {' or '.join(due)}. If it is not received by then, the request will be denied, with the stated "
        f"condition that it will be reconsidered upon receipt of the information.") if due else ""
    return out
