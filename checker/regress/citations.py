"""Compare a citation with a letter's guideline line ("MAXIMUS guideline: Decision based on MTUS ...")."""
import re

_PAGES = re.compile(r"page(?:\(s\)|s)?\s*:?\s*((?:\d+\s*(?:-\s*\d+)?\s*(?:,\s*|\.\s*|\s+))*\d+(?:\s*-\s*\d+)?)", re.I)
_STOP = {"and", "for", "the", "with", "of"}


def page_set(text):
    """Pages named in '98-99, 8' form, as a set of ints."""
    pages = set()
    for part in re.findall(r"\d+\s*-\s*\d+|\d+", text or ""):
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-"))
            pages.update(range(lo, hi + 1) if 0 < hi - lo < 200 else (lo, hi))
        else:
            pages.add(int(part))
    return pages


def _letter_pages(line):
    pages = set()
    for match in _PAGES.finditer(line):
        pages |= page_set(match.group(1))
    return pages


def _stem(word):
    return word[:-1] if word.endswith("s") else word


def _section_words(section):
    head = re.split(r"[(,;]", section, maxsplit=1)[0]
    return [_stem(w) for w in re.findall(r"[a-z]+", head.lower()) if len(w) > 2 and w not in _STOP]


def matches_letter(citation, line):
    """True when the letter's guideline line cites the same guideline and, where the line gives pages or the
    section can be compared, the same section or an overlapping page."""
    text = " ".join(line.split()).lower()
    if not any(term.lower() in text for term in citation.terms):
        return False
    words = [_stem(w) for w in re.findall(r"[a-z]+", text)]
    section_hit = bool(_section_words(citation.section)) and all(w in words for w in _section_words(citation.section))
    letter_pages = _letter_pages(line)
    page_hit = bool(page_set(citation.pages) & letter_pages)
    return section_hit or page_hit or not letter_pages
