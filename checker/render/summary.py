"""The clinical case summary of a request in plain sentences (the letters' "CLINICAL CASE SUMMARY")."""


def _list(words):
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _yes(flag, yes, no):
    return yes if flag is True else no if flag is False else None


def case_summary(request):
    """Sentences describing the documented facts; nothing is said of what is not documented."""
    s = []
    who = " ".join(filter(None, [f"{request.patient.age} year old" if request.patient.age is not None else None,
                                 request.patient.sex]))
    injury = f" on {request.injury.date.isoformat()}" if request.injury.date else ""
    how = f" ({request.injury.mechanism})" if request.injury.mechanism else ""
    s.append(f"The injured worker is a {who + ' ' if who else ''}patient who sustained an industrial injury{injury}{how}.")
    if request.diagnoses:
        s.append("The diagnoses include " + _list([d.text or d.icd10 for d in request.diagnoses]) + ".")
    if request.clinical_course:
        s.append(f"The clinical course is {request.clinical_course.replace('_', ' ')}.")
    if request.pain.current is not None:
        pain = f"Pain is rated {request.pain.current:g}/10"
        if request.pain.with_medication is not None and request.pain.without_medication is not None:
            pain += (f" ({request.pain.without_medication:g}/10 without and {request.pain.with_medication:g}/10 with "
                     f"medication)")
        s.append(pain + ".")
    if request.work_status and request.work_status != "unknown":
        s.append("Work status: " + request.work_status.replace("_", " ") + ".")
    positive = [f.finding.replace("_", " ") + (f" at {f.level}" if f.level else "") + (f" ({f.side})" if f.side else "")
                for f in request.exam if f.result == "positive"]
    if positive:
        s.append("Examination findings: " + _list(positive) + ".")
    flags = _yes(bool(request.red_flags) if request.red_flags is not None else None,
                 "Red flags: " + _list(request.red_flags or []) + ".", "No red flags are documented.")
    if flags:
        s.append(flags)
    if request.new_neurological_deficit is not None:
        s.append(_yes(request.new_neurological_deficit, "A new neurological deficit is documented.",
                      "No new neurological deficit is documented."))
    for study in request.imaging:
        region = study.region.replace("_", " ") + (" spine" if study.region in ("cervical", "thoracic", "lumbar") else "")
        text = f"{study.modality.upper().replace('_', '/')} of the {region}"
        if study.date:
            text += f" dated {study.date.isoformat()}"
        if study.findings:
            text += f": {study.findings}"
        if study.official_report is False:
            text += " (no official report was provided)"
        s.append(text.rstrip(".") + ".")
    if request.treatment_history is not None:
        courses = [c.modality.replace("_", " ") + (f" ({c.sessions} sessions)" if c.sessions is not None else "")
                   for c in request.treatment_history]
        s.append("Treatment to date has included " + _list(courses) + "." if courses else "No prior treatment is documented.")
    if request.medications is None:
        s.append("No medication list was provided.")
    elif request.medications:
        s.append("Current medications: " + _list([" ".join(filter(None, [m.name, m.dose, m.frequency]))
                                                   for m in request.medications]) + ".")
    s.append("The requested treatment: " + "; ".join(i.description for i in request.items) + ".")
    return " ".join(s)
