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
    ("Other evidence", (r"non-mtus citation",)),  # a textbook, article or agency page cited outside MTUS and ODG
)
# The MTUS guidelines as 2016-17 letters name them ("Decision based on MTUS Low Back Complaints 2004, Section(s):
# Special Studies, and Chronic Pain Medical Treatment 2016, Section(s): ..."): title, family, ACOEM chapter.
_TITLES = (
    (r"chronic pain medical treatment(?: guidelines)?", "MTUS Chronic Pain Medical Treatment Guidelines", ""),
    (r"opioids? treatment(?: guidelines)?", "MTUS Opioids Treatment Guidelines", ""),
    (r"acupuncture(?: medical)? treatment(?: guidelines)?", "MTUS Acupuncture Medical Treatment Guidelines", ""),
    (r"post-?surgical treatment(?: guidelines)?", "MTUS Postsurgical Treatment Guidelines", ""),
    (r"general approach(?:es)?", "ACOEM", "General Approaches"),
    (r"independent medical examinations and consultations", "ACOEM", "7"),
    (r"neck and upper back complaints", "ACOEM", "8"),
    (r"shoulder complaints", "ACOEM", "9"),
    (r"elbow (?:complaints|disorders)", "ACOEM", "10"),
    (r"forearm, wrist,? and hand complaints", "ACOEM", "11"),
    (r"low back complaints", "ACOEM", "12"),
    (r"knee complaints", "ACOEM", "13"),
    (r"ankle and foot complaints", "ACOEM", "14"),
    (r"stress[- ]related conditions", "ACOEM", "15"),
)
_TITLE = re.compile(r"(?:(?<=^)|(?<=mtus )|(?<=, and )|(?<=; )|(?<=and ))(" + "|".join(t for t, _, _ in _TITLES)
                    + r")\s+(\d{4})\b", re.I)
# statements that name no guideline: not citations, kept as the item's note
NO_CITATION = re.compile(r"(?i)(did not cite any medical evidence|based (their|its|his|her) decision on "
                         r"recommendation\(s\) outside of the mtus)")
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
        if name == "Other evidence":
            continue
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


def _titled(segment):
    """An MTUS segment naming guidelines by their 2016-17 titles, one citation per title; None otherwise."""
    marks = list(_TITLE.finditer(segment))
    if not marks or re.search(r"(?i)non-mtus", segment):
        return None
    out = []
    for i, m in enumerate(marks):
        body = segment[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(segment)]
        body = re.sub(r"(?i),?\s*and\s*$", "", body.strip())
        section = re.sub(r"(?i)^,?\s*section\(s\):\s*", "", body).strip(" .,;")
        title = m.group(1).lower()
        family, chapter = next((f, c) for t, f, c in _TITLES if re.fullmatch(t, title, re.I))
        pages = tuple(p for p in re.findall(r"\d+(?:-\d+)?", section) if not re.search(r"[A-Za-z]", section))
        out.append(LetterCitation(tier="mtus", family=family, chapters=(chapter,) if chapter else (),
                                  section=section if not pages else "", pages=pages,
                                  regulations=_regulations(body),
                                  text=f"MTUS {m.group(1)} {m.group(2)}" + (f", Section(s): {section}" if section else "")))
    return out


def parse_guideline_line(line):
    """Structured citations of a 'Claims Administrator guideline:' or 'MAXIMUS guideline:' line."""
    text = " ".join((line or "").split())
    if not text:
        return []
    out = []
    for part in re.split(r"(?i)(?=decision based on)", text):
        titled = _titled(part) if part.strip() else None
        if titled is not None:
            out.extend(titled)
    segments = [(part, "non_mtus" if re.search(r"(?i)non-mtus", s) else "mtus")
                for s in re.split(r"(?i)(?=decision based on)", text) if s.strip() and _titled(s) is None
                and not NO_CITATION.search(s) for part in _by_family(s)]
    for segment, tier in segments:
        if re.search(r"(?i)did not base (their|its|his|her) decision on the mtus", segment) and \
                not re.search(r"(?i)decision based on", segment):
            continue
        lowered = segment.lower()
        family = next((name for name, patterns in _FAMILIES if any(re.search(p, lowered) for p in patterns)), "")
        out.append(LetterCitation(tier=tier, family=family, chapters=tuple(dict.fromkeys(_CHAPTER.findall(segment))),
                                  section=_section(segment, family), pages=_pages(segment),
                                  regulations=_regulations(segment), text=segment.strip()))
    return out
