"""Parse IMR determination letters of three layouts into items with decisions, citations and rationales.

(a) 2014-2016 ("IMR ISSUES, DECISIONS AND RATIONALES", "<item>: Upheld|Overturned", "MAXIMUS guideline:"),
(b) 2013 ("Notice of Independent Medical Review Determination", "IMR DECISION(S) AND RATIONALE(S)",
    numbered "<item> is/is not medically necessary and appropriate"),
(c) later ("ISSUE AT DISPUTE", "MEDICAL TREATMENT GUIDELINE(S) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY",
    "RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE IS/WAS NOT MEDICALLY NECESSARY")."""
import bisect
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..request import gate
from ..request.vocabulary import linear_pattern
from .guidelines import parse_guideline_line


class LetterError(Exception):
    """A letter that cannot be read or parsed; the message names the file."""

    def __init__(self, file, message):
        self.file, self.message = str(file), message
        super().__init__(f"{file}: {message}")


@dataclass(frozen=True)
class LetterItem:
    text: str
    decision: str  # upheld | overturned
    citations: tuple  # LetterCitation from the reviewer's guideline line
    guideline_line: str
    claims_citations: tuple
    rationale: str
    # where UR authorised part of the request: the request as made, what was authorised, the part left to IMR
    original_request: str = ""
    authorized: str = ""
    remaining: str = ""

    @property
    def request(self):
        """The request as made (the outcome is for it, as the letter states)."""
        return self.original_request or self.text

    def as_dict(self):
        return {"text": self.text, "decision": self.decision, "guideline": self.guideline_line,
                "original_request": self.original_request, "authorized": self.authorized,
                "remaining": self.remaining,
                "citations": [c.as_dict() for c in self.citations],
                "claims_administrator_citations": [c.as_dict() for c in self.claims_citations],
                "rationale": self.rationale}


@dataclass(frozen=True)
class Letter:
    file: str
    layout: str  # a | b | c
    reviewer: dict
    case_summary: str
    items: tuple
    problems: tuple = field(default=())  # items seen without a decision, etc.
    header: dict = field(default_factory=dict)  # case_number, dates (ISO), priority, as the letter's header gives them

    def as_dict(self):
        return {"file": self.file, "layout": self.layout, "header": self.header, "reviewer": self.reviewer,
                "case_summary": self.case_summary, "items": [i.as_dict() for i in self.items],
                "problems": list(self.problems)}


_DEBRIS = re.compile(r"^(page\s+\d+(\s+of\s+\d+)?|\d{1,3}|-\s*\d+\s*-|cm\d{2}-\d{7})$", re.I)


def _pdf_text(path, data):
    from pypdf import PdfReader
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > gate.LETTER_PDF_PAGES:
            raise LetterError(path, f"the PDF has more than {gate.LETTER_PDF_PAGES} pages (the letter limit)")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > gate.LETTER.max_bytes:
                raise LetterError(path, f"the PDF holds more than {gate.LETTER.max_bytes:,} characters of text "
                                  "(the letter limit)")
    except LetterError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise LetterError(path, f"unreadable PDF ({exc.__class__.__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise LetterError(path, "the PDF has no text layer (scanned image; OCR is not supported)")
    return text


def read_text(path):
    """The letter's text: a .pdf's text layer (no OCR) or a text file, read through the input gate."""
    path = Path(path)
    try:
        data = gate.read_bytes(path, gate.LETTER)
    except InputError as exc:
        raise LetterError(path, exc.message) from None
    if path.suffix.lower() == ".pdf":
        return _pdf_text(path, data)
    return data.decode("utf-8", errors="replace")


def _flat(text):
    """One line of text: blank lines and page-break debris dropped; a word hyphenated at a line end rejoined."""
    lines = [line.strip() for line in text.replace("\r", "\n").replace("\f", "\n").split("\n")]
    out = []
    for line in (line for line in lines if line and not _DEBRIS.match(line)):
        if out and not (len(out[-1]) > 1 and out[-1][-1] == "-" and out[-1][-2].isascii() and out[-1][-2].isalpha()):
            out.append(" ")
        out.append(line)
    return "".join(out)


def _between(flat, start, ends):
    m = re.search(start, flat, re.I)
    if not m:
        return ""
    rest = flat[m.end():]
    stops = [e.start() for pattern in ends for e in [re.search(pattern, rest, re.I)] if e]
    return rest[: min(stops)].strip() if stops else rest.strip()


# RE2 (linear time) for the patterns whose lazy '.+?' would backtrack over the rest of a long letter at every
# occurrence of their opening words
_LICENCE = linear_pattern(r"State\(s\) of Licensure:\s*(.+?)\s+Certification", case_sensitive=True)
_SPECIALTY = linear_pattern(r"Certification\(s\)/Specialty:\s*(.+?)\s+(?:CLINICAL CASE SUMMARY|[A-Z]{4,} [A-Z]{4,})",
                            case_sensitive=True)
_QUALIFIED = linear_pattern(r"(?:reviewer|reviewed the case|made the decision) is (?:Board Certified|board certified) "
                            r"in (.+?)(?:,| and)\s+(?:has .+?)?(?:and )?is licensed to practice in ([A-Z][A-Za-z ]+?)[.,]",
                            case_sensitive=True)


def _reviewer(flat):
    licence = _LICENCE.search(flat)
    specialty = _SPECIALTY.search(flat)
    if licence or specialty:
        return {"licensure": licence.group(1).strip() if licence else None,
                "specialty": specialty.group(1).strip() if specialty else None}
    sentence = _QUALIFIED.search(flat)
    if sentence:
        return {"licensure": sentence.group(2).strip(), "specialty": sentence.group(1).strip()}
    return {"licensure": None, "specialty": None}


_SUMMARY_BOILERPLATE = re.compile(r"^The expert reviewer developed the following clinical case summary based on a "
                                  r"review of the case file, including all medical records:\s*", re.I)


_HEADER_FIELDS = (("case_number", r"Case Number:\s*(CM\d{2}-\d{7})"),
                  ("date_assigned", r"Date Assigned:\s*(\d{1,2}/\d{1,2}/\d{4})"),
                  ("date_of_injury", r"Date of Injury:\s*(\d{1,2}/\d{1,2}/\d{4})"),
                  ("decision_date", r"Decision Date:\s*(\d{1,2}/\d{1,2}/\d{4})"),
                  ("ur_denial_date", r"UR Denial Date:\s*(\d{1,2}/\d{1,2}/\d{4})"),
                  ("priority", r"Priority:\s*(Standard|Expedited)"),
                  ("application_received", r"Application\s+Received:\s*(\d{1,2}/\d{1,2}/\d{4})"))


def _header(flat):
    """The letter header's fields; dates as YYYY-MM-DD."""
    out = {}
    head = flat[:1500]
    for name, pattern in _HEADER_FIELDS:
        m = re.search(pattern, head)
        if not m:
            continue
        value = m.group(1)
        if "/" in value:
            month, day, year = value.split("/")
            value = f"{year}-{int(month):02d}-{int(day):02d}"
        out[name] = value
    return out


# 'X was the original request. Y was authorized by the Claims Administrator. The remaining IMR eligible portion of
# the original request, Z is: Upheld' (or 'The original request, X is:' when UR authorised another service)
_PORTION = re.compile(r"(?i)(?:was|were) the original request|(?:was|were) (?:authorized|certified|modified|approved)"
                      r"(?: by the Claims Administrator)?|^the claims administrator (?:authorized|certified|modified|approved)")
_REMAINING = re.compile(r"(?i)^the (?:remaining IMR eligible portion of the )?original request,\s*(.+?)\s+(?:is|are)$")


def _heading(pieces):
    """The item heading: its last sentence, and before it the sentences that state the original request and what UR
    authorised. Returns (text, original request, authorised, remaining)."""
    text = pieces[-1].strip()
    before = []
    for piece in reversed(pieces[:-1]):
        if not _PORTION.search(piece.strip()):
            break
        before.insert(0, piece.strip())
    original = next((re.sub(r"(?i)\s+(?:was|were) the original request\.?$", "", p) for p in before
                     if re.search(r"(?i)(?:was|were) the original request", p)), "")
    authorized = " ".join(p for p in before if not re.search(r"(?i)(?:was|were) the original request", p))
    remaining = _REMAINING.match(text)
    full = " ".join(before + [text])
    if remaining and not original:
        original = remaining.group(1)  # 'The original request, X is:' names the request itself
    return full, original, authorized, (remaining.group(1) if remaining and before else "")


def _layout_a(file, flat):
    section = _between(flat, r"IMR ISSUES,? DECISIONS AND RATIONALES", [r"\Z"])
    section = re.sub(r"^The Final Determination was based on decisions for the disputed items/services set forth "
                     r"below:\s*", "", section, flags=re.I)
    anchors = list(re.finditer(r":\s*(Upheld|Overturned)\b", section))
    items, problems, previous_end = [], [], 0
    starts = []
    for anchor in anchors:
        region = section[previous_end:anchor.start()]
        pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])", region)
        heading = _heading(pieces)
        starts.append((anchor, heading, anchor.start() - len(heading[0])))
        previous_end = anchor.end()
    for n, (anchor, (text, original, authorized, remaining), _) in enumerate(starts):
        body_end = starts[n + 1][2] if n + 1 < len(starts) else len(section)
        body = section[anchor.end():body_end]
        claims = _between(body, r"Claims Administrator guideline:", [r"MAXIMUS guideline:", r"Decision rationale:"])
        maximus = _between(body, r"MAXIMUS guideline:", [r"Decision rationale:"])
        rationale = _between(body, r"Decision rationale:", [r"\Z"])
        items.append(LetterItem(text=text, decision=anchor.group(1).lower(), citations=tuple(parse_guideline_line(maximus)),
                                guideline_line=maximus, claims_citations=tuple(parse_guideline_line(claims)),
                                rationale=rationale, original_request=original, authorized=authorized,
                                remaining=remaining))
    guideline_blocks = len(re.findall(r"MAXIMUS guideline:", section))
    if guideline_blocks > len(items):
        problems.append(f"{guideline_blocks - len(items)} item(s) without an Upheld/Overturned decision")
    summary = _SUMMARY_BOILERPLATE.sub("", _between(flat, r"CLINICAL CASE SUMMARY", [r"IMR ISSUES,? DECISIONS"]))
    return Letter(str(file), "a", _reviewer(flat), summary, tuple(items), tuple(problems), _header(flat))


def _numbered(block):
    """'1. text 2. text' -> {1: text, 2: text}: numbers must run consecutively from the first one found."""
    marks, expected = [], None
    for m in re.finditer(r"(?:^|\s)(\d{1,2})\.\s+(?=[A-Z])", block):
        number = int(m.group(1))
        if expected is None or number == expected:
            marks.append((number, m.start(), m.end()))
            expected = number + 1
    out = {}
    for i, (n, _, end) in enumerate(marks):
        stop = marks[i + 1][1] if i + 1 < len(marks) else len(block)
        out[n] = block[end:stop].strip()
    return out


_DECISION_SENTENCE = re.compile(r"^(?P<item>.+?)\s+(?:is|was)\s+(?P<not>not\s+)?medically necessary(?: and appropriate)?\.?",
                                re.I)


def _reviewer_line(text):
    """'The Expert Reviewer based his/her decision on X' -> 'Decision based on X' for the citation parser."""
    text = re.sub(r"(?i)the (expert )?reviewer based (his/her|his|her|their) decision on (the )?", "Decision based on ", text)
    return re.sub(r"(?i)the claims administrator based (its|their) decision on (the )?", "Decision based on ", text)


_FINDING = linear_pattern(r"(\d{1,2})[.)]\s*MAXIMUS Federal Services,? Inc\.? has determined (?:that )?the request for "
                          r"(.+?)\s+(?:is|was)\s*(not)?\s*medically\s*necessary(?:\s*and\s*appropriate)?")
_REGARDING = linear_pattern(r"(?:^|\s)(\d{1,2})[.)]\s+Regarding the request for (.+?):")
_CLAIMS_HEAD = r"(?:Medical Treatment )?Guidelines?(?:\(s\))? Used by (?:the )?Claims Administrator[^:]*:"
_EXPERT_HEAD = r"(?:Medical Treatment )?Guidelines?(?:\(s\))? (?:the Expert Reviewer used|Used by the Expert Reviewer)[^:]*:"
_SAME_AS_CLAIMS = re.compile(r"found the guideline\(?s?\)? used by the Claims Administrator relevant", re.I)


def _b_sections(section):
    """Per-item blocks of the decisions section: '1) Regarding the request for X:' (as the 2013 letters write
    them) or '1. X is not medically necessary and appropriate.'; {number: (item text or None, block)}."""
    marks = list(_REGARDING.finditer(section))
    if marks:
        return {int(m.group(1)): (re.sub(r"^(?:an?|the)\s+", "", m.group(2).strip(), flags=re.I),
                                  section[m.end(): marks[i + 1].start() if i + 1 < len(marks) else len(section)])
                for i, m in enumerate(marks)}
    out = {}
    for n, block in _numbered(section).items():
        head = re.match(r"(.+?\.)(?=\s+(?:Medical Treatment )?Guidelines? )", block) or re.match(r"(.+?\.)\s", block + " ")
        sentence = _DECISION_SENTENCE.match(head.group(1) if head else block)
        out[n] = (sentence.group("item").strip() if sentence else None, block)
    return out


def _layout_b(file, flat):
    findings = {}
    for m in _FINDING.finditer(flat):
        text = re.sub(r"^(?:an?|the)\s+", "", m.group(2).strip(), flags=re.I)
        findings.setdefault(int(m.group(1)), (text, "upheld" if m.group(3) else "overturned"))
    section = _between(flat, r"IMR DECISION\(S\) AND RATIONALE\(S\):?|INDEPENDENT MEDICAL REVIEW DECISIONS? AND RATIONALES?:?",
                       [r"\Z"])
    # the 2013 letters restate the findings at the top of this section; the item blocks follow them
    blocks = _b_sections(section)
    items, problems = [], []
    for n in sorted(set(findings) | set(blocks)):
        text, block = blocks.get(n, (None, ""))
        decision = None
        if n in findings:
            text, decision = text or findings[n][0], findings[n][1]
        elif block:
            head = _DECISION_SENTENCE.match(block)
            decision = ("upheld" if head.group("not") else "overturned") if head else None
        if decision is None or not text:
            problems.append(f"item {n} without a decision")
            continue
        claims = _between(block, _CLAIMS_HEAD, [_EXPERT_HEAD, r"Rationale for the Decision:"])
        expert = _between(block, _EXPERT_HEAD, [r"Rationale for the Decision:"])
        rationale = _between(block, r"Rationale for the Decision:", [r"\Z"])
        expert_citations = parse_guideline_line(_reviewer_line(claims if _SAME_AS_CLAIMS.search(expert) else expert))
        items.append(LetterItem(text=text, decision=decision, citations=tuple(expert_citations), guideline_line=expert,
                                claims_citations=tuple(parse_guideline_line(_reviewer_line(claims))), rationale=rationale))
    summary = _between(flat, r"(Expert Reviewer )?Case Summary:", [r"DOCUMENTS REVIEWED", r"IMR DECISION\(S\)",
                                                                   r"\d{1,2}[.)]\s+Regarding the request"])
    summary = re.sub(r"^Disclaimer: The following case summary was taken directly from the utilization review "
                     r"denial/modification dated [^.]+\.\s*", "", summary)
    return Letter(str(file), "b", _reviewer(flat), summary, tuple(items), tuple(problems))


def _layout_c(file, flat):
    issues = _numbered(_between(flat, r"ISSUES? AT DISPUTE", [r"CASE SUMMARY", r"DOCUMENTS REVIEWED"]))
    guidelines = _numbered(_between(flat, r"MEDICAL TREATMENT GUIDELINE\(S\) RELIED UPON BY PROFESSIONAL REVIEWER AND WHY",
                                    [r"RATIONALE FOR WHY", r"MEDICAL REVIEWER QUALIFICATIONS"]))
    rationales = {}
    # each block runs to the next heading: the headings are found once (a search per block would be quadratic)
    stops = sorted(m.start() for m in re.finditer(r"RATIONALE FOR WHY|MEDICAL REVIEWER QUALIFICATIONS", flat))
    for m in re.finditer(r"RATIONALE FOR WHY THE REQUESTED TREATMENT/SERVICE (IS|WAS) (NOT )?MEDICALLY NECESSARY", flat):
        i = bisect.bisect_left(stops, m.end())
        end = stops[i] if i < len(stops) else len(flat)
        block = flat[m.end():end].strip()
        for n, text in _numbered(block).items():
            rationales[n] = (text, "upheld" if m.group(2) else "overturned")
    items, problems = [], []
    for n, issue in sorted(issues.items()):
        decision = re.search(r":\s*(Upheld|Overturned)\b", issue)
        text = issue[: decision.start()] if decision else re.sub(r"\s*\((?:not )?medically necessary\)\s*$", "", issue)
        verdict = decision.group(1).lower() if decision else rationales.get(n, (None, None))[1]
        if verdict is None:
            problems.append(f"issue {n} without a decision")
            continue
        line = guidelines.get(n, "")
        line = re.sub(r"^" + re.escape(text.strip()) + r"\s*:?\s*", "", line)
        line = re.sub(r"\.?\s*The MTUS (?:does not )?address(?:es)? the issue at dispute\.?", ".", line).strip()
        cite_text = re.sub(r"(?i)^(?=mtus|official|odg)", "Decision based on ", line)
        items.append(LetterItem(text=text.strip().rstrip(":"), decision=verdict,
                                citations=tuple(parse_guideline_line(cite_text)), guideline_line=line,
                                claims_citations=(), rationale=re.sub(r"^" + re.escape(text.strip()) + r"\s*:?\s*", "",
                                                                      rationales.get(n, ("", ""))[0])))
    summary = _between(flat, r"CASE SUMMARY", [r"DOCUMENTS REVIEWED", r"MEDICAL TREATMENT GUIDELINE"])
    qualifications = _between(flat, r"MEDICAL REVIEWER QUALIFICATIONS", [r"\Z"])
    return Letter(str(file), "c", _reviewer(qualifications or flat), summary, tuple(items), tuple(problems))


LAYOUTS = (  # (layout, detector, parser)
    ("a", re.compile(r"IMR ISSUES,? DECISIONS AND RATIONALES", re.I), _layout_a),
    ("b", re.compile(r"IMR DECISION\(S\) AND RATIONALE\(S\)|Notice of Independent Medical Review Determination", re.I),
     _layout_b),
    ("c", re.compile(r"ISSUES? AT DISPUTE.*RATIONALE FOR WHY THE REQUESTED", re.I | re.S), _layout_c),
)


def parse_text(text, file="<letter>"):
    """Parse a letter's text; raises LetterError when no layout matches or no item is found."""
    flat = _flat(text)
    for layout, detector, parser in LAYOUTS:
        if detector.search(flat):
            letter = parser(file, flat)
            if not letter.items:
                raise LetterError(file, f"layout ({layout}) detected but no item with a decision found"
                                  + (f": {'; '.join(letter.problems)}" if letter.problems else ""))
            return letter
    raise LetterError(file, "matches no known IMR letter layout")


def parse_file(path):
    """Read and parse one letter file (.txt or .pdf)."""
    return parse_text(read_text(path), str(path))
