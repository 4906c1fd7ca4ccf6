"""A letter's guideline line ("Decision based on MTUS Chronic Pain Treatment Guidelines ... Page(s): 99, 8.")
parsed into structured citations."""
import re
from dataclasses import asdict, dataclass

_FAMILIES = (  # (family, patterns), first match wins
    ("MTUS Drug Formulary", (r"drug formulary", r"mtus drug list", r"9792\.27")),
    ("MTUS Acupuncture Medical Treatment Guidelines", (r"acupuncture medical treatment",)),
    ("MTUS Postsurgical Treatment Guidelines", (r"post-?surgical treatment",)),
    ("ODG", (r"official disability guideline", r"\bodg\b")),
    ("ACOEM", (r"acoem",)),
    ("MTUS Chronic Pain Medical Treatment Guidelines", (r"chronic pain",)),
    ("DHCS", (r"health care services", r"dhcs", r"\bmedi-cal\b")),
)
_PAGES = re.compile(r"page(?:\(s\)|s)?\s*:?\s*((?:\d+\s*(?:-\s*\d+)?\s*,?\s*)+)", re.I)
_CHAPTER = re.compile(r"chapter\s+(\d+)", re.I)
_REGULATION = re.compile(r"9792\.\d+(?:\.\d+)*\s*(?:\(\s*([a-z])\s*\)|([a-z])(?=[\s.,;]|\d\.|$))?", re.I)


@dataclass(frozen=True)
class LetterCitation:
    tier: str  # mtus | non_mtus
    family: str  # ACOEM, MTUS Chronic Pain Medical Treatment Guidelines, ODG, DHCS, ... or "" when unrecognised
    chapters: tuple
    section: str
    pages: tuple
    regulations: tuple  # e.g. ('9792.20(f)',)
    text: str

    def as_dict(self):
        data = asdict(self)
        for key in ("chapters", "pages", "regulations"):
            data[key] = list(data[key])
        return data


def _pages(text):
    pages = []
    for match in _PAGES.finditer(text):
        for part in re.findall(r"\d+\s*-\s*\d+|\d+", match.group(1)):
            pages.append(re.sub(r"\s+", "", part))
    return tuple(dict.fromkeys(pages))


def _regulations(text):
    out = []
    for m in _REGULATION.finditer(text):
        base = re.match(r"9792\.\d+(?:\.\d+)*", m.group(0)).group(0)
        letter = m.group(1) or m.group(2)
        out.append(f"{base}({letter.lower()})" if letter else base)
    return tuple(dict.fromkeys(out))


def _section(text, family):
    body = _REGULATION.sub(" ", re.sub(r"(?i),?\s*(which (is|are) )?part of the mtus", " ", text))
    body = re.sub(r"(?i)decision based on|non-mtus citation|\bmtus\b[:.]?", " ", body)
    body = _PAGES.sub(" ", body)
    body = re.sub(r"(?i)page\(s\)\s*:?", " ", body)
    for _, patterns in _FAMILIES:
        for pattern in patterns:
            body = re.sub(pattern + r"\w*", " ", body, flags=re.I)
    body = re.sub(r"(?i)practice guidelines|\b(treatment )?guidelines?\b|\bmedical treatment\b|\b8 c\.?c\.?r\.?", " ", body)
    body = re.sub(r"\(\s*[,.;]?\s*", "(", body)
    body = re.sub(r"\s*[,.;]?\s*\)", ")", body).replace("()", " ")
    body = re.sub(r"(?<![\w/])\d{1,2}\.(?=\s|$)", " ", body)  # list numbering glued into the line ("2.")
    body = re.sub(r"\s+([.,;:])", r"\1", re.sub(r"\s+", " ", body))
    body = re.sub(r"^[\s.,;:-]+|[\s.,;:-]+$", "", body)
    return re.sub(r"(\s*[.,;:]\s*){2,}", ". ", body)


def _by_family(segment):
    """Split one 'Decision based on' segment that names several guidelines ('ACOEM Chapter 8 ..., Chronic Pain
    Treatment Guidelines ...') at the start of each further guideline."""
    lowered = segment.lower()
    starts = []
    for name, patterns in _FAMILIES:
        hits = [m.start() for p in patterns for m in re.finditer(p, lowered)]
        if hits:
            starts.append((min(hits), name))
    starts.sort()
    cuts = [0]
    for position, _ in starts[1:]:
        comma = segment.rfind(",", cuts[-1], position)
        cut = comma + 1 if comma > cuts[-1] and not segment[comma + 1:position].strip(" ") else position
        if cut > cuts[-1]:
            cuts.append(cut)
    return [segment[a:b].strip(" ,") for a, b in zip(cuts, cuts[1:] + [len(segment)]) if segment[a:b].strip(" ,")]


def parse_guideline_line(line):
    """Structured citations of a 'Claims Administrator guideline:' or 'MAXIMUS guideline:' line."""
    text = " ".join((line or "").split())
    if not text:
        return []
    segments = [part for s in re.split(r"(?i)(?=decision based on)", text) if s.strip() for part in _by_family(s)]
    out = []
    for segment in segments:
        if re.search(r"(?i)did not base (their|its|his|her) decision on the mtus", segment) and \
                not re.search(r"(?i)decision based on", segment):
            continue
        tier = "non_mtus" if re.search(r"(?i)non-mtus", segment) else "mtus"
        lowered = segment.lower()
        family = next((name for name, patterns in _FAMILIES if any(re.search(p, lowered) for p in patterns)), "")
        out.append(LetterCitation(tier=tier, family=family, chapters=tuple(dict.fromkeys(_CHAPTER.findall(segment))),
                                  section=_section(segment, family), pages=_pages(segment),
                                  regulations=_regulations(segment), text=segment.strip()))
    return out
