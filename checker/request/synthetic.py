"""Random but valid synthetic requests, for the differential tests and the benchmarks (no real patient data)."""
import datetime as dt
import random

from .model import OpioidMonitoring, parse_request
from .vocabulary import load_vocabulary

_DRUGS = ["Norco 10/325 mg", "tramadol 50 mg", "Medrol dosepak", "naproxen 550 mg", "Flexeril 7.5 mg",
          "omeprazole 20 mg", "gabapentin 300 mg", "unlisted compound cream"]
_INGREDIENTS = ["ketoprofen", "gabapentin", "cyclobenzaprine", "lidocaine", "capsaicin", "flurbiprofen", "baclofen",
                "camphor"]
_DX = ["myalgia and myositis", "lumbago", "cervicalgia", "lumbar sprain/strain", "lumbosacral radiculitis",
       "complex regional pain syndrome", "lumbar disc displacement", "knee pain", "chronic pain syndrome"]
_LEVELS = ["L3-L4", "L4-L5", "L5-S1", "C5-C6", "C6-C7"]
_CODES = ["M79.1", "M54.5", "M54.2", "S33.5XXA", "M54.16", "G90.5", "M51.26", None]


def _tri(rng):
    return rng.choice([True, False, None])


def _maybe(rng, value, p=0.5):
    return value if rng.random() < p else None


def _diagnosis(rng, vocab):
    """A diagnosis from the vocabulary's groups (by code or label) or from a few free-text wordings."""
    if rng.random() < 0.6:
        spec = vocab.dx_groups[rng.choice(sorted(vocab.dx_groups))]
        code = next((c for c in spec["icd10"] if len(c) >= 3), None)
        return {"icd10": code} if code and rng.random() < 0.5 else {"text": spec["label"]}
    status = {"status": rng.choice(["suspected", "rule_out"])} if rng.random() < 0.15 else {}
    return {"text": rng.choice(_DX), **({"icd10": c} if (c := rng.choice(_CODES)) else {}), **status}


def _drug(rng, vocab):
    if rng.random() < 0.7:
        return rng.choice(sorted(vocab.drugs[rng.choice(sorted(vocab.drugs))]["names"])).title() + " 10 mg"
    return rng.choice(_DRUGS)


def random_request_data(rng, n_items=None):
    """One random request as a plain mapping."""
    vocab = load_vocabulary()
    regions = list(vocab.body_regions)
    categories = sorted(vocab.categories)
    review = dt.date(2009, 7, 18) + dt.timedelta(days=rng.randrange(0, 6000))
    data = {"request_id": f"synthetic-{rng.randrange(10**6)}", "review_date": review.isoformat()}
    if rng.random() < 0.8:
        data["injury"] = {"date": (review - dt.timedelta(days=rng.randrange(0, 2000))).isoformat()}
    data["diagnoses"] = [_diagnosis(rng, vocab) for _ in range(rng.randrange(0, 4))]
    for key, values in (("clinical_course", ["stable", "improving", "worsening", "acute_flare"]),
                        ("work_status", ["full_duty", "modified_duty", "not_working", "unknown"])):
        if rng.random() < 0.7:
            data[key] = rng.choice(values)
    if rng.random() < 0.7:
        data["red_flags"] = rng.choice([[], ["progressive weakness"]])
    if (v := _tri(rng)) is not None:
        data["new_neurological_deficit"] = v
    findings = sorted(vocab.exam_findings)
    data["exam"] = [{"finding": rng.choice(findings),
                     "result": rng.choice(["positive", "negative"]), "region": rng.choice(regions)}
                    for _ in range(rng.randrange(0, 4))]
    data["imaging"] = [{"modality": rng.choice(["mri", "ct", "xray", "emg_ncs", "emg", "ncs", "unspecified"]),
                        "region": rng.choice(regions),
                        **({"official_report": v} if (v := _tri(rng)) is not None else {}),
                        **({"nerve_root_compromise": v} if (v := _tri(rng)) is not None else {}),
                        **({"levels": rng.sample(_LEVELS, rng.randrange(1, 3))} if rng.random() < 0.3 else {})}
                       for _ in range(rng.randrange(0, 3))]
    if "injury" in data and rng.random() < 0.3:
        data["injury"]["symptom_onset"] = (review - dt.timedelta(days=rng.randrange(0, 400))).isoformat()
    if rng.random() < 0.3:
        data["injury"] = dict(data.get("injury", {}), severity=rng.choice(["minor", "moderate", "severe"]))
    if rng.random() < 0.3:
        data["job_physical_demand"] = rng.choice(["sedentary", "light", "medium", "heavy", "very_heavy"])
    data["patient"] = {k: v for k in ("homebound", "lives_alone") if (v := _tri(rng)) is not None}
    if rng.random() < 0.3:
        data["surgeries"] = [{"procedure": rng.choice(sorted(vocab.procedures)),
                              "date": (review - dt.timedelta(days=rng.randrange(0, 400))).isoformat()}]
    if rng.random() < 0.7:
        data["treatment_history"] = [
            {"modality": rng.choice(categories),
             **({"sessions": s} if (s := _maybe(rng, rng.randrange(0, 30), 0.6)) is not None else {}),
             **({"functional_improvement": v} if (v := _tri(rng)) is not None else {}),
             **({"reported_improvement": v} if (v := _tri(rng)) is not None else {})}
            for _ in range(rng.randrange(0, 4))]
    if rng.random() < 0.7:
        data["medications"] = [{"name": _drug(rng, vocab), **({"daily_mg": rng.choice([20, 40, 90])} if rng.random() < 0.6 else {})}
                               for _ in range(rng.randrange(0, 4))]
    data["opioid_monitoring"] = {k: v for k in OpioidMonitoring.model_fields if (v := _tri(rng)) is not None}
    data["documentation"] = {k: v for k in sorted(vocab.documentation) if (v := _tri(rng)) is not None}
    items = []
    for n in range(n_items or rng.randrange(1, 6)):
        category = "medication" if rng.random() < 0.25 else rng.choice(categories)  # most criteria are about drugs
        item = {"id": f"item-{n + 1}", "category": category, "description": f"synthetic {category}"}
        if rng.random() < 0.8:
            item["body_region"] = rng.choice(regions)
            if rng.random() < 0.15:
                item["body_regions"] = rng.sample(regions, 2)
        if rng.random() < 0.3:
            item["side"] = rng.choice(["left", "right", "bilateral"])
        if rng.random() < 0.15:
            item["rule_out"] = [rng.choice(_DX)]
        if rng.random() < 0.15:
            item["ur"] = {"decision": rng.choice(["non_certified", "modified"])}
        if rng.random() < 0.8:
            item["quantity"] = rng.randrange(1, 30)
        if rng.random() < 0.5:
            item["frequency"] = {"per_week": rng.choice([1, 2, 3, 4, 5]), "weeks": rng.choice([2, 4, 6, 8])}
        if category in ("consultation", "follow_up_visit") and rng.random() < 0.5:
            item["purpose"] = {"category": rng.choice(categories), "body_region": rng.choice(regions)}
        if category == "medication":
            item["medication"] = {"name": _drug(rng, vocab),
                                  **({"long_term": v} if (v := _tri(rng)) is not None else {}),
                                  **({"daily_mg": rng.choice([10, 30, 60, 120, 200])} if rng.random() < 0.6 else {}),
                                  **({"weeks_used": rng.randrange(0, 60)} if rng.random() < 0.5 else {}),
                                  **({"form": rng.choice(["oral", "topical", "transdermal"])} if rng.random() < 0.5 else {}),
                                  **({"ingredients": rng.sample(_INGREDIENTS, rng.randrange(1, 4))} if rng.random() < 0.3 else {}),
                                  **({"compounded": v} if rng.random() < 0.2 and (v := _tri(rng)) is not None else {}),
                                  **({"refills": rng.randrange(0, 4)} if rng.random() < 0.3 else {})}
        item["documentation"] = {k: v for k in rng.sample(sorted(vocab.documentation), 3) if (v := _tri(rng)) is not None}
        if category == "surgery" or rng.random() < 0.2:
            key = rng.choice(sorted(vocab.procedures))
            item["procedure" if category == "surgery" else "after_surgery"] = (
                key if category == "surgery" else {"procedure": key, "date": (review - dt.timedelta(days=rng.randrange(0, 400))).isoformat()})
        if category in ("epidural_steroid_injection", "facet_block", "radiofrequency_ablation") and rng.random() < 0.7:
            item["levels"] = rng.randrange(1, 5)
            if rng.random() < 0.5:
                item["spinal_levels"] = rng.sample(_LEVELS, rng.randrange(1, 3))
            item["approach"] = rng.choice(["transforaminal", "interlaminar", "caudal"])
        items.append(item)
    data["items"] = items
    return data


def random_requests(count, seed=0, n_items=None):
    """`count` validated random requests, reproducible from `seed`."""
    rng = random.Random(seed)
    return [parse_request(random_request_data(rng, n_items), "<synthetic>") for _ in range(count)]
