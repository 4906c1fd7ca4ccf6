"""The clinical NLP pipeline for reading letters: medspaCy's sentence splitter, target matcher and ConText, with
target rules built from data (targets.yaml and the rule library's vocabulary). Loaded lazily, once per process,
and only by the letters commands. Nothing it reads is logged: PyRuSH logs every sentence split at debug level
through loguru, and spaCy/medspaCy use the logging module; both are silenced before the pipeline is built."""
import logging
from functools import lru_cache
from pathlib import Path

import yaml

from ...request.vocabulary import is_pattern as _is_regex, load_vocabulary

TARGETS = Path(__file__).with_name("targets.yaml")


def silence_logs():
    """Turn off the loggers of the NLP libraries, so no letter text can reach a log."""
    try:
        from loguru import logger
        logger.remove()
        for name in ("PyRuSH", "medspacy", "spacy"):
            logger.disable(name)
    except ImportError:  # loguru comes with PyRuSH; without it there is nothing to silence
        pass
    for name in ("PyRuSH", "medspacy", "spacy", "quickumls"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        logging.getLogger(name).propagate = False


@lru_cache(maxsize=1)
def targets():
    """The reader's phrase lists (targets.yaml)."""
    with open(TARGETS, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _rules(vocab, data):
    """(literal, label) pairs: every phrase the matcher should find, labelled KIND:key."""
    pairs = []
    for kind, section in (("REGION", "regions"), ("SIDE", "sides"), ("WORK", "work_status"), ("RESPONSE", "response"),
                          ("STATEMENT", "statements")):
        for key, phrases in data[section].items():
            pairs += [(p, f"{kind}:{key}") for p in phrases]
    pairs += [(p, "REDFLAG:none") for p in data["red_flags"]["none"]]
    pairs += [(p, "REDFLAG:named") for p in data["red_flags"]["named"]]
    for finding, spec in (vocab.exam_findings or {}).items():
        pairs += [(p, f"EXAM:{finding}") for p in spec.get("phrases", ()) if not _is_regex(p)]
    for finding, phrases in data["exam_terms"].items():
        pairs += [(p, f"EXAM:{finding}") for p in phrases]
    for category, spec in vocab.categories.items():
        label = "STUDY" if spec.get("study") else "TREAT"
        pairs += [(p, f"{label}:{category}") for p in spec.get("phrases", ()) if not _is_regex(p)]
    for category, phrases in data["studies"].items():
        pairs += [(p, f"STUDY:{category}") for p in phrases]
    for category, phrases in data["treatments"].items():
        pairs += [(p, f"TREAT:{category}") for p in phrases]
    for key, spec in vocab.drugs.items():
        pairs += [(name, f"DRUG:{key}") for name in spec["names"]]
    pairs += [(name, f"DRUG:{name}") for name in data["other_drugs"] + data["drug_classes_named"]]
    for key, spec in vocab.procedures.items():
        pairs.append((spec["label"], f"PROCEDURE:{key}"))
    return sorted(set(pairs))


@lru_cache(maxsize=1)
def pipeline():
    """The medspaCy pipeline with the reader's target rules and ConText modifiers."""
    silence_logs()
    import medspacy
    from medspacy.context import ConTextRule
    from medspacy.target_matcher import TargetRule
    silence_logs()  # importing PyRuSH may add its own sink
    nlp = medspacy.load()
    data = targets()
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(literal, label) for literal, label in _rules(load_vocabulary(), data)])
    context = nlp.get_pipe("medspacy_context")
    context.add([ConTextRule(r["literal"], r["category"], direction=r.get("direction", "BIDIRECTIONAL"),
                             max_scope=r.get("max_scope")) for r in data["context"]])
    return nlp
